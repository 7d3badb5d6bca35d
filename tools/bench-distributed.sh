#!/usr/bin/env bash
# Data-parallel training on one machine (docs/training.md, "More than one machine"): the same
# training as one process with every core (1 rank x 2 threads), as a job of two ranks with one
# thread each (2 ranks x 1 thread), and, for reference, one process with one thread, on the
# same global batches, for an offline agent (supervised, from logs) and an online one
# (REINFORCE, in the world). Prints transitions per second of each layout, the ratio of the
# job to the one process with every core, and the all-reduce time and size per optimizer step
# that distributed.json records, so the communication cost is visible. Writes OUT/bench.md.
# OPENBLAS_NUM_THREADS=1 everywhere: BLAS's own threads on top of LibTorch's intra-op threads
# oversubscribe the cores (the supervised row's single process took 8.6 s instead of 3.5 s
# with OMP_NUM_THREADS=2 and BLAS left to its default).
#   bash tools/bench-distributed.sh
# Environment: SHOPRL_BENCH_DIR (runs/bench-distributed), SHOPRL_BENCH_PORT (29731),
# SHOPRL_BUILD_DIR (build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SHOPRL_BUILD_DIR:-build}
out=${SHOPRL_BENCH_DIR:-runs/bench-distributed}
port=${SHOPRL_BENCH_PORT:-29731}
config=configs/bench-distributed.yaml
threads=$(nproc)

bash tools/build.sh shoprl >/dev/null
rm -rf "$out"
mkdir -p "$out"
common=(--config "$config" --set "run.output_dir=$out" --set "train.store=$out/logs.h5")
"$build/shoprl" -q data synth "${common[@]}" -o "$out/logs.h5" >/dev/null 2>&1

# Transitions per second of the training loop (rank 0's "trained iterations" line), from the
# run's metrics (summed over ranks by the job).
rate() {  # run-name log
  /usr/bin/python3 - "$out/$1/metrics.jsonl" "$2" <<'PY'
import json, re, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
key = "transitions" if "transitions" in lines[0] else "steps"
total = sum(l[key] for l in lines)
seconds = float(re.search(r"trained iterations \d+\.\.\d+ in ([0-9.]+) s", open(sys.argv[2]).read()).group(1))
print(f"{total / seconds:.0f} {total:.0f} {seconds:.2f}")
PY
}

export OPENBLAS_NUM_THREADS=1

# agent batch-set(one process) batch-set(each of two ranks)
measure() {
  local agent=$1 whole=$2 half=$3
  for layout in 1x1 "1x$threads"; do
    OMP_NUM_THREADS=${layout#1x} "$build/shoprl" train "${common[@]}" --set agent.kind="$agent" \
      --set "$whole" --set "run.name=$agent-$layout" > "$out/$agent-$layout.log" 2>&1
  done
  for rank in 0 1; do
    RANK=$rank WORLD_SIZE=2 LOCAL_RANK=$rank MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
      OMP_NUM_THREADS=1 "$build/shoprl" train "${common[@]}" --set agent.kind="$agent" \
      --set "$half" --set "run.name=$agent-2x1" > "$out/$agent-2x1.rank$rank.log" 2>&1 &
  done
  wait
  port=$((port + 1))
  read -r single_rate _ _ < <(rate "$agent-1x1" "$out/$agent-1x1.log")
  read -r one_rate _ _ < <(rate "$agent-1x$threads" "$out/$agent-1x$threads.log")
  read -r two_rate two_total two_seconds < <(rate "$agent-2x1" "$out/$agent-2x1.rank0.log")
  /usr/bin/python3 - "$out/$agent-2x1/distributed.json" "$agent" "$single_rate" "$one_rate" \
    "$two_rate" "$two_seconds" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))
agent, single, one, two, seconds = sys.argv[2:7]
rank = job["ranks"][0]
steps = rank["all_reduce_steps"]
ms = 1000 * rank["all_reduce_seconds"] / steps
mb = rank["all_reduce_bytes"] / steps / 1e6
share = 100 * rank["all_reduce_seconds"] / float(seconds)
print(f"| {agent} | {single} | {one} | {two} | {float(two) / float(one):.2f} | {steps} | "
      f"{ms:.2f} | {mb:.2f} | {share:.0f}% |")
PY
}

{
  echo "| agent | 1 rank x 1 thread | 1 rank x $threads threads | 2 ranks x 1 thread | 2 ranks / 1 rank x $threads | optimizer steps | all-reduce ms per step | MB per step | all-reduce share of rank 0's loop |"
  echo "|---|---|---|---|---|---|---|---|---|"
  measure supervised agent.offline.batch_size=256 agent.offline.batch_size=128
  measure reinforce train.users=256 train.users=128
} | tee "$out/bench.md"
