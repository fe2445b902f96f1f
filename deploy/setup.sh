#!/usr/bin/env bash
# Installs what LotteryActors needs on a fresh Debian/Ubuntu machine, and nothing that is already there:
# the Fashion-MNIST package (real data for searches and integration tests) and the PostgreSQL 15 server binaries
# (tests and `lottery bench coordinator` start their own throwaway server on 127.0.0.1; no cluster is created or
# started here). With --tests (deploy/test.sh) also what only the tests need: chromium (the dashboard's browser test;
# Playwright drives /usr/bin/chromium and never downloads a browser) and PyTorch (python3-torch: the end-to-end test
# of deploy/pytorch/retrain_ticket.py on an exported ticket), so the main job does not wait minutes for them.
# The .NET SDK must be on PATH.
set -euo pipefail

tests=false
case "${1:-}" in
  "") ;;
  --tests) tests=true ;;
  *) echo "usage: bash deploy/setup.sh [--tests]" >&2; exit 2 ;;
esac

need_root() { if [ "$(id -u)" -ne 0 ]; then echo "sudo"; fi; }

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "setup: installing dataset-fashion-mnist (Debian package)" >&2
  $(need_root) apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $(need_root) apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "setup: installing postgresql-15 (Debian package; server binaries only)" >&2
  # Debian's post-install would create and start a 'main' cluster; the tests need only the binaries.
  $(need_root) mkdir -p /etc/postgresql-common
  echo "create_main_cluster = false" | $(need_root) tee /etc/postgresql-common/createcluster.conf >/dev/null
  $(need_root) apt-get update -qq
  # confold keeps that file when postgresql-common brings its own copy.
  DEBIAN_FRONTEND=noninteractive $(need_root) apt-get install -y -qq -o Dpkg::Options::=--force-confdef \
    -o Dpkg::Options::=--force-confold postgresql-15 >/dev/null
fi

if $tests && ! command -v chromium >/dev/null; then
  echo "setup: installing chromium (Debian package; the dashboard's browser test drives it headless)" >&2
  $(need_root) apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $(need_root) apt-get install -y -qq chromium >/dev/null
fi

if $tests && ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "setup: installing python3-torch (Debian package; the PyTorch example is tested on an exported ticket)" >&2
  $(need_root) apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $(need_root) apt-get install -y -qq python3-torch >/dev/null
fi

command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }
