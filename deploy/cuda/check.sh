#!/usr/bin/env bash
# The GPU check behind README's "On one H100": LotteryActors' cpu build on a machine's GPU through its PyTorch's
# CUDA libtorch. Builds the native layer, then runs the same 16-ticket search three ways (stacked on CUDA, separate
# on CUDA, separate on the CPU's cores), kills a stacked search with SIGKILL and resumes it, runs it in stacks of 16,
# and runs `lottery bench` on CUDA. Every output lands in OUT_DIR.
#
# usage: check.sh APP_DIR TORCHSHARP_CHECKOUT DATA_DIR OUT_DIR
#   APP_DIR  a Release build of src/LotteryActors.Cli with the cpu package's libtorch removed (README.md beside)
#   DATA_DIR Fashion-MNIST's four idx .gz files (the committed run used their first 12,000 training and 5,000 test
#            examples)
set -u
[ $# -eq 4 ] || { echo "usage: check.sh APP_DIR TORCHSHARP_CHECKOUT DATA_DIR OUT_DIR" >&2; exit 2; }
app=$(realpath "$1"); torchsharp=$(realpath "$2"); data=$(realpath "$3"); out=$(realpath -m "$4")
here=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
mkdir -p "$out"
log() { echo "== $(date +%T) $*" | tee -a "$out/steps.txt"; }
log start
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv | tee -a "$out/steps.txt"
torch=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')
python3 -c 'import torch; print("torch", torch.__version__, torch.cuda.get_device_name(0))' | tee -a "$out/steps.txt"
log "building TorchSharp's native layer against $torch"
ALLOW_PARTIAL=1 "$here/build-native.sh" "$torchsharp" "$torch" "$work/native" > "$out/build.txt" 2>&1 \
  || { log "build failed: $out/build.txt"; exit 1; }
cp "$work/native/libLibTorchSharp.so" "$app/runtimes/linux-x64/native/"
export LD_LIBRARY_PATH=$torch/lib
lottery() { dotnet "$app/lottery.dll" "$@"; }
conf() { # file device engine stack-size
  cat > "$1" <<C
lottery.search {
  name = gpu-check
  dataset { path = "$data", validation-size = 2000 }
  tickets-per-width = 16
  training { duration = "4ep", eval-interval = "100it" }
  pruning.rounds = 2
}
lottery.runtime { device = "$2", engine = $3, stack-size = $4, slots = 0 }
C
}
timed_search() { # name device engine stack-size
  conf "$work/$1.conf" "$2" "$3" "$4"
  local start; start=$(date +%s%N)
  LOTTERY_HOME=$work/home-$1 lottery search --config "$work/$1.conf" --json > "$out/search-$1.json" \
    2>> "$out/searches.log"
  log "search $1 exit $? in $(( ($(date +%s%N) - start) / 1000000 )) ms"
}
timed_search stacked cuda:0 stacked 8
timed_search separate cuda:0 separate 8
timed_search cpu cpu separate 8
timed_search stacks16 cuda:0 stacked 16
log "stacked search killed with SIGKILL after 14 s, then resumed"
LOTTERY_HOME=$work/home-resumed lottery search --config "$work/stacked.conf" --json > /dev/null \
  2>> "$out/searches.log" &
pid=$!; sleep 14; kill -9 $pid; wait $pid
LOTTERY_HOME=$work/home-resumed lottery search --config "$work/stacked.conf" --json > "$out/search-resumed.json" \
  2>> "$out/searches.log"
log "resumed search exit $?"
sha256sum "$out"/search-*.json | tee -a "$out/steps.txt"
conf "$work/bench.conf" cuda:0 auto 8
lottery bench --config "$work/bench.conf" --json --repeats 1 > "$out/bench.json" 2> "$out/bench.log"
log "bench exit $?"
rm -rf "$work"
