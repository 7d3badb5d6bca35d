#!/usr/bin/env bash
# Runs every config in configs/ the way its header says, in an order that makes each one's
# inputs first, and prints the wall time of each command: the expected run times that
# docs/cli.md lists ("How long each config runs"). Configs whose data is not on this machine
# (the Open Bandit Dataset, full RetailRocket/YOOCHOOSE/OTTO logs) are listed as skipped.
#   bash tools/time_configs.sh [WORK_DIR]      # default: a new temporary folder
# Needs a built program (tools/build.sh). Runs from WORK_DIR, so nothing lands in the project.
set -euo pipefail
project=$(cd "$(dirname "$0")/.." && pwd)
shoprl="${SHOPRL_BUILD_DIR:-$project/build}/shoprl"
work=${1:-$(mktemp -d)}
mkdir -p "$work"
cd "$work"
ln -sfn "$project/configs" configs
shared="$project/../shared/data"

timed() {
  local label=$1
  shift
  local start=$SECONDS
  if "$shoprl" -q "$@" > "$work/$(echo "$label" | tr ' /' '__').log" 2>&1; then
    printf '%-46s %6d s\n' "$label" $((SECONDS - start))
  else
    printf '%-46s FAILED after %d s (see %s)\n' "$label" $((SECONDS - start)) "$work"
  fi
}
skipped() { printf '%-46s skipped: %s\n' "$1" "$2"; }

echo "shoprl config run times on $(nproc) cores, $(date -u +%F), in $work"
timed "quickstart.yaml (quickstart)" quickstart --config configs/quickstart.yaml --overwrite
timed "evaluate-quickstart-agent.yaml" evaluate --config configs/evaluate-quickstart-agent.yaml
timed "synth-bandit.yaml" data synth --config configs/synth-bandit.yaml -o data/logs-bandit.h5
timed "evaluate-bandit.yaml" evaluate --config configs/evaluate-bandit.yaml
timed "synth-plackett-luce.yaml" data synth --config configs/synth-plackett-luce.yaml -o logs-pl.h5
timed "synth-epsilon-greedy.yaml" data synth --config configs/synth-epsilon-greedy.yaml -o logs-eg.h5
timed "synth-uniform.yaml" data synth --config configs/synth-uniform.yaml -o logs-uniform.h5
timed "sim-quickstart.yaml (sim fit)" sim fit --config configs/sim-quickstart.yaml
timed "sim-quickstart.yaml (sim report)" sim report --config configs/sim-quickstart.yaml
timed "sim-check.yaml (sim check)" sim check --config configs/sim-check.yaml
for agent in dqn slateq reinforce a2c; do
  timed "train-$agent.yaml" train --config "configs/train-$agent.yaml"
done
timed "train-world.yaml" train --config configs/train-world.yaml
for agent in supervised sqn sa2c; do
  timed "train-offline.yaml (agent.kind=$agent)" train --config configs/train-offline.yaml \
    --set agent.kind=$agent --set run.name=train-offline-$agent
done
timed "train-topk.yaml" train --config configs/train-topk.yaml
timed "train-topk-popularity.yaml (data synth)" data synth \
  --config configs/train-topk-popularity.yaml -o runs/logs-popularity.h5
timed "train-topk-popularity.yaml (train)" train --config configs/train-topk-popularity.yaml
if [[ -d "$shared/diginetica" ]]; then
  d="$shared/diginetica"
  timed "import-diginetica.yaml" data import --config configs/import-diginetica.yaml \
    -i "$d/train-item-views.sample-srgnn.csv" -i "$d/train-purchases.csv" \
    -i "$d/product-categories.csv" -o data/diginetica.h5
  timed "sim-diginetica.yaml (sim fit)" sim fit --config configs/sim-diginetica.yaml
  timed "sim-diginetica.yaml (sim report)" sim report --config configs/sim-diginetica.yaml
  for agent in supervised sqn sa2c; do
    timed "train-offline-diginetica.yaml ($agent)" train \
      --config configs/train-offline-diginetica.yaml --set agent.kind=$agent \
      --set run.name=train-offline-diginetica-$agent
  done
else
  skipped "import-diginetica.yaml, sim-diginetica.yaml" "$shared/diginetica is absent"
fi
# The RetailRocket-shaped sample log of `bench import` (2.7M rows) stands in for events.csv.
timed "data sample (2.7M RetailRocket-shaped rows)" data sample -o events.csv \
  --set sample.events=2700000 --set sample.items=235000
timed "import-retailrocket-sqn.yaml (sample log)" data import \
  --config configs/import-retailrocket-sqn.yaml -i events.csv -o rr.h5
skipped "import-yoochoose.yaml, import-otto.yaml" "the datasets are not on this machine"
skipped "import-open-bandit.yaml, evaluate-obd-men.yaml" "the Open Bandit Dataset is not here"
skipped "import-sessions-csv.yaml" "a template for your own log"
