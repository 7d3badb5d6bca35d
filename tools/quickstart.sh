#!/usr/bin/env bash
# The README's first command: install what is missing, build the program (not the tests), and
# run the main job on the embedded default (configs/quickstart.yaml), replacing an earlier
# runs/quickstart/ (--overwrite). Extra arguments go to
# `shoprl quickstart`. Ends with where the time went.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$SECONDS
bash tools/deps.sh
packages=$((SECONDS - start))

start=$SECONDS
bash tools/build.sh shoprl
build=$((SECONDS - start))

start=$SECONDS
"${SHOPRL_BUILD_DIR:-build}/shoprl" quickstart --overwrite "$@"
job=$((SECONDS - start))

printf 'Time: packages %d s, build %d s, quickstart %d s (its stages above); %d min %d s in all\n' \
  "$packages" "$build" "$job" $(((packages + build + job) / 60)) $(((packages + build + job) % 60))
