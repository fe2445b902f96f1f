#!/usr/bin/env bash
# Installs what LotteryActors needs on a fresh Debian/Ubuntu machine, and nothing that is already there:
# the Fashion-MNIST package (real data for searches and integration tests). The .NET SDK must be on PATH.
set -euo pipefail

need_root() { if [ "$(id -u)" -ne 0 ]; then echo "sudo"; fi; }

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "setup: installing dataset-fashion-mnist (Debian package)" >&2
  $(need_root) apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $(need_root) apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
