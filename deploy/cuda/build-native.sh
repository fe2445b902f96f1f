#!/usr/bin/env bash
# Builds TorchSharp's native layer, libLibTorchSharp.so, against a CUDA libtorch already on this machine (a PyTorch
# install's torch/ folder, or an unpacked libtorch), for a cpu build of LotteryActors to train on this machine's GPU
# where no TorchSharp CUDA package can be had. See README.md beside this file for what to do with the result.
#
# usage: build-native.sh TORCHSHARP_CHECKOUT LIBTORCH_DIR OUT_DIR
#   TORCHSHARP_CHECKOUT  a checkout of github.com/dotnet/TorchSharp at the tag of the TorchSharp version in
#                        Directory.Packages.props (its src/Native is compiled)
#   LIBTORCH_DIR         a folder with include/ and lib/ (for PyTorch: python3 -c 'import torch, os;
#                        print(os.path.dirname(torch.__file__))')
#   OUT_DIR              where libLibTorchSharp.so is written
# The flags follow TorchSharp's own CMake build on Linux; g++ is called directly so that libtorch's CMake config,
# which looks for a full CUDA toolkit, is not needed.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: build-native.sh TORCHSHARP_CHECKOUT LIBTORCH_DIR OUT_DIR" >&2; exit 2; }
native=$1/src/Native
torch=$2
out=$3
[ -f "$native/LibTorchSharp/THSTorch.cpp" ] || { echo "no TorchSharp native source in $native" >&2; exit 2; }
[ -f "$torch/include/torch/script.h" ] || { echo "no libtorch headers in $torch/include" >&2; exit 2; }
mkdir -p "$out/obj"
flags=(-std=c++17 -O2 -fPIC -fvisibility=hidden -fstack-protector-strong -w -D_GLIBCXX_USE_CXX11_ABI=1
  -D_NO_ASYNCRTIMP -D_NO_PPLXIMP -D__LINUX__ -DNDEBUG
  -I"$native" -I"$native/LibTorchSharp" -I"$torch/include" -I"$torch/include/torch/csrc/api/include")
# One compiler per core: each file includes the whole of libtorch's headers. A file that does not compile against
# this libtorch is named, and fails the build unless ALLOW_PARTIAL=1: then the library lacks that file's entry points
# (TorchSharp raises EntryPointNotFoundException only if one of them is called; LotteryActors calls none of
# THSJIT, THSExport, THSVision or THSData).
printf '%s\n' "$native"/LibTorchSharp/*.cpp | xargs -P "$(nproc)" -I{} \
  sh -c 'g++ "$@" -c "$0" -o "'"$out"'/obj/$(basename "$0").o" 2> "'"$out"'/obj/$(basename "$0").log" \
    || echo "does not compile: $(basename "$0") (first error: $(grep -m1 error: "'"$out"'/obj/$(basename "$0").log"))" >&2' \
  {} "${flags[@]}" 2>&1 | tee "$out/obj/failures"
if [ -s "$out/obj/failures" ] && [ "${ALLOW_PARTIAL:-0}" != 1 ]; then
  echo "build failed; ALLOW_PARTIAL=1 links the files that compiled" >&2
  exit 1
fi
gcc -O2 -fPIC -c "$native/LibTorchSharp/crc32c.c" -o "$out/obj/crc32c.o"
g++ -shared -o "$out/libLibTorchSharp.so" "$out"/obj/*.o -Wl,-Bsymbolic -Wl,-Bsymbolic-functions \
  -L"$torch/lib" -Wl,-rpath,"$torch/lib" -ltorch -ltorch_cpu -lc10
rm -r "$out/obj"
echo "$out/libLibTorchSharp.so"
