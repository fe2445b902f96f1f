#!/usr/bin/env bash
# The main job: set-up, then a real search on the embedded defaults (SQLite journal, one node, Fashion-MNIST)
# with the quickstart recipe. Extra arguments go to the search command (e.g. --json). Rerun to resume.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh
dotnet run --project src/LotteryActors.Cli -c Release -- search --config hocon/quickstart.conf "$@"
