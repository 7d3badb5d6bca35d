#!/usr/bin/env bash
# Trains one agent config over several seeds and prints, per seed and as a mean with a 95%
# t-interval, the trained policy's share of the oracle's value in the true world (each run's
# evaluation.json). docs/results.md was made with it:
#   bash tools/results_over_seeds.sh configs/train-dqn.yaml 1 2 3 [-- extra --set arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
config=$1
shift
seeds=()
while (($# > 0)) && [[ $1 != "--" ]]; do seeds+=("$1"); shift; done
[[ ${1:-} == "--" ]] && shift
name=$(basename "$config" .yaml)
out=${SHOPRL_RESULTS_DIR:-runs/results}
mkdir -p "$out"
for seed in "${seeds[@]}"; do
  "${SHOPRL_BUILD_DIR:-build}/shoprl" --quiet train --config "$config" \
    --set run.seed="$seed" --set run.output_dir="$out" --set run.name="$name-seed$seed" "$@" \
    > "$out/$name-seed$seed.log" 2>&1 || { echo "seed $seed failed: see $out.$name-seed$seed.log"; exit 1; }
done
/usr/bin/python3 - "$out" "$name" "${seeds[@]}" <<'PY'
import json, math, sys
out, name, seeds = sys.argv[1], sys.argv[2], sys.argv[3:]
shares, values, oracles = [], [], []
for seed in seeds:
    report = json.load(open(f"{out}/{name}-seed{seed}/evaluation.json"))
    rows = {row["policy"]: row for row in report["true_world"]}
    trained = next(r for p, r in rows.items() if p.startswith("trained"))
    shares.append(report["fraction_of_oracle"])
    print(f"seed {seed}: return {trained['value']:.3f} +- {trained['std_error']:.3f}, oracle "
          f"{rows['oracle']['value']:.3f}, popularity {rows['popularity']['value']:.3f}, uniform "
          f"{rows['uniform']['value']:.3f}, share of oracle {100 * shares[-1]:.1f}%")
n = len(shares)
mean = sum(shares) / n
if n > 1:
    sd = math.sqrt(sum((s - mean) ** 2 for s in shares) / (n - 1))
    t = {2: 12.706, 3: 4.303, 4: 3.182, 5: 2.776, 6: 2.571, 7: 2.447, 8: 2.365, 9: 2.306, 10: 2.262}.get(n, 1.96)
    half = t * sd / math.sqrt(n)
    print(f"{name}: share of oracle {100 * mean:.1f}% (95% t-interval {100 * (mean - half):.1f}% .. {100 * (mean + half):.1f}%, {n} seeds)")
else:
    print(f"{name}: share of oracle {100 * mean:.1f}% (1 seed)")
PY
