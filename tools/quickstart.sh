#!/usr/bin/env bash
# The README's first command: install what is missing, build, and run the main job on the
# embedded default (configs/quickstart.yaml). Extra arguments go to `shoprl quickstart`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
bash tools/build.sh
exec "${SHOPRL_BUILD_DIR:-build}/shoprl" quickstart --config configs/quickstart.yaml "$@"
