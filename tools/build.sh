#!/usr/bin/env bash
# Configures (once) and builds shoprl incrementally in build/ (Release, Ninja when present).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${SHOPRL_BUILD_DIR:-build}
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build_dir" --parallel "$(nproc)"
