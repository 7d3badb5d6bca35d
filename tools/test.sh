#!/usr/bin/env bash
# The README's second command: install what is missing, build, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
bash tools/build.sh
ctest --test-dir "${SHOPRL_BUILD_DIR:-build}" --output-on-failure --parallel "$(nproc)" "$@"
