#!/usr/bin/env bash
# Two builds of lottery, A and B, on one small real search (14 runs of LeNet-300-100 on a Fashion-MNIST subset, 2
# slots), alternated REPS times, each run in a fresh runtime home: prints each run's wall seconds and the machine's
# load, and checks that A and B print the same results. For before/after comparisons of the engine (issue #20: the
# old single-node engine, built from 5f267ee, against the one execution path).
#   git worktree add /tmp/old 5f267ee && dotnet publish /tmp/old/src/LotteryActors.Cli -c Release -o /tmp/lottery-old
#   dotnet publish src/LotteryActors.Cli -c Release -o /tmp/lottery-new
#   bash deploy/bench/engine-ab.sh /tmp/lottery-old/lottery /tmp/lottery-new/lottery 3
set -euo pipefail
a=${1:?usage: engine-ab.sh A-binary B-binary [reps]}
b=${2:?usage: engine-ab.sh A-binary B-binary [reps]}
reps=${3:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 "$reps"); do
  for which in A B; do
    bin=$a; [ "$which" = B ] && bin=$b
    home="$work/$which-$i"
    mkdir -p "$home"
    cat > "$home/search.conf" <<CONF
lottery.search {
  name = engine-ab
  dataset { train-subset = 3500, validation-size = 500, test-subset = 1000 }
  tickets-per-width = 2
  training { duration = "1ep", eval-interval = "20it" }
  pruning.rounds = 2
}
lottery.runtime { home = "$home", slots = 2 }
CONF
    start=$(date +%s.%N)
    "$bin" search --config "$home/search.conf" > "$home/out" 2> "$home/err"
    printf '%s run %d: %.1f s wall, load %s\n' "$which" "$i" "$(echo "$(date +%s.%N) - $start" | bc)" \
      "$(cut -d' ' -f1 /proc/loadavg)"
  done
  if cmp -s "$work/A-$i/out" "$work/B-$i/out"; then echo "run $i: same results"; else echo "run $i: results DIFFER"; fi
done
