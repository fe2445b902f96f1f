#!/usr/bin/env bash
# The test command: set-up, build, every test project, and one closing line "N passed, N failed, N skipped".
# --fast: the inner loop's tier, every test but the end-to-end ones (classes tagged [Trait("Tier", "EndToEnd")]:
# a child `lottery` process, PostgreSQL or a browser). CI runs the full suite.
set -uo pipefail
cd "$(dirname "$0")/.."
filter=()
case "${1:-}" in
  "") ;;
  --fast) filter=(--filter "Tier!=EndToEnd") ;;
  *) echo "usage: bash deploy/test.sh [--fast]" >&2; exit 2 ;;
esac
bash deploy/setup.sh --tests || exit 1

dotnet build LotteryActors.sln -c Release -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }

log=$(mktemp)
# Test assemblies only: tests/LotteryActors.TestSupport is a library they share and reports no results.
mapfile -t projects < <(grep -l "<IsTestProject>true</IsTestProject>" tests/*/*.csproj)
dotnet test LotteryActors.sln -c Release --no-build -nologo "${filter[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ...";
# an assembly whose tests the filter leaves out entirely says "No test matches the given testcase filter" instead.
read -r passed failed skipped summaries < <(awk '
  /(Passed|Failed)! +- Failed:/ {
    for (i = 1; i <= NF; i++) { v = $(i + 1); gsub(",", "", v)
      if ($i == "Failed:") f += v; if ($i == "Passed:") p += v; if ($i == "Skipped:") s += v }
    n++ }
  /No test matches the given testcase filter/ { n++ }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$log")
rm -f "$log"

if [ "$summaries" -ne "${#projects[@]}" ]; then
  echo "test.sh: ${#projects[@]} test projects but $summaries result summaries (a test host crashed?)" >&2
  failed=$((failed + 1)); status=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
