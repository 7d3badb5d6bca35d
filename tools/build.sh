#!/usr/bin/env bash
# Configures (once) and builds shoprl incrementally in build/ (Release, Ninja when present).
# Arguments name the targets to build (default: everything, tests included); the quickstart
# builds only the program (`shoprl`, which brings shoprl-torch).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${SHOPRL_BUILD_DIR:-build}
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
fi
targets=()
for target in "$@"; do targets+=(--target "$target"); done
cmake --build "$build_dir" --parallel "$(nproc)" "${targets[@]}"
