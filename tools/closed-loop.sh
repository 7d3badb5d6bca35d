#!/usr/bin/env bash
# Rounds of the closed loop on the quickstart world (docs/closed-loop.md): one server for the
# whole run; each round the world's shoppers play against it (shoprl traffic), the decision log
# of the served version becomes a store (data import --format decision-log), the served
# policy's checkpoint is retrained on its train half (train.init_from), the candidate is
# exported, and `shoprl promote` publishes it only if its off-policy lower bound on the test
# half beats the served policy (or, with SHOPRL_LOOP_EVIDENCE=simulator, its lead in a simulator
# fitted on the test half); the server hot-reloads what is published. The gate also plays the
# candidate against the served version on paired sessions of the true world (--baseline): the
# true lead that says whether each decision was right. Writes OUT/rounds.md,
# OUT/rounds.json and OUT/rounds.svg (per round: the served policy's value in the world, the
# gate's evidence with its intervals, the candidate's true value and lead, the decision).
#   bash tools/closed-loop.sh [ROUNDS (default 2; about 15 minutes each on two cores)]
# Environment: SHOPRL_LOOP_DIR (runs/closed-loop), SHOPRL_LOOP_PORT (8765),
# SHOPRL_LOOP_TEMPERATURE (0.5: the Boltzmann temperature every policy is served with),
# SHOPRL_LOOP_RETRAIN_ITERATIONS (20: training iterations per round),
# SHOPRL_LOOP_FIRST_ITERATIONS (the config's train.iterations: round 0's training),
# SHOPRL_LOOP_SESSIONS (the config's traffic.sessions: shoppers' sessions per round),
# SHOPRL_LOOP_EVIDENCE (off_policy, or simulator: promote.evidence; simulator fits one a round),
# SHOPRL_BUILD_DIR (build).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-2}
build=${SHOPRL_BUILD_DIR:-build}
out=${SHOPRL_LOOP_DIR:-runs/closed-loop}
port=${SHOPRL_LOOP_PORT:-8765}
temperature=${SHOPRL_LOOP_TEMPERATURE:-0.5}
retrain_iterations=${SHOPRL_LOOP_RETRAIN_ITERATIONS:-20}
evidence=${SHOPRL_LOOP_EVIDENCE:-off_policy}
config=configs/closed-loop.yaml
first_iterations=()
[[ -n ${SHOPRL_LOOP_FIRST_ITERATIONS:-} ]] && first_iterations=(--set "train.iterations=$SHOPRL_LOOP_FIRST_ITERATIONS")
sessions=()
[[ -n ${SHOPRL_LOOP_SESSIONS:-} ]] && sessions=(--set "traffic.sessions=$SHOPRL_LOOP_SESSIONS")
started=$SECONDS

bash tools/build.sh shoprl shoprl-serve >/dev/null
# One config serves every step, so each command's note on the sections it does not read is noise.
shoprl() { "$build/shoprl" --quiet "$@" 2> >(grep -v 'reads none of the sections' >&2); }
common=(--config "$config" --set "run.output_dir=$out")
rm -rf "$out"
mkdir -p "$out"

echo "== round 0: the first served policy (top-K REINFORCE on logs of the quickstart's logging policy)"
shoprl data synth "${common[@]}" --set synth.sessions=3000 -o "$out/seed-logs.h5" | tee "$out/world-values.txt"
shoprl train "${common[@]}" --set run.name=train-0 --set "train.store=$out/seed-logs.h5" \
  "${first_iterations[@]}" >/dev/null
shoprl export --run "$out/train-0" --output "$out/models" --name shop --rule boltzmann \
  --temperature "$temperature" >/dev/null
served_run=$out/train-0

"$build/shoprl-serve" --quiet serve --models "$out/models" --port "$port" \
  --log-dir "$out/served" --poll-seconds 1 >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && break
  sleep 0.1
done

serving() { curl -sf "http://127.0.0.1:$port/v1/models" | /usr/bin/python3 -c \
  'import json,sys; print(json.load(sys.stdin)["models"][0]["serving"])'; }

for round in $(seq "$rounds"); do
  version=$(serving)
  echo "== round $round: serving version $version"
  shoprl traffic "${common[@]}" --set "run.name=traffic-$round" --url "http://127.0.0.1:$port" \
    --set "traffic.request_prefix=round$round" "${sessions[@]}"
  sleep 1  # the server's log writer flushes every 100 ms: the last feedback is then on disk
  shoprl data import "${common[@]}" --input "$out/served" -o "$out/round-$round.h5" \
    --set "import.catalogue=$out/models/shop/$version" --set "import.version=$version" \
    --set "import.world=$out/traffic-$round/config.yaml" >/dev/null
  gate=(--baseline "$out/models/shop/$version" --set "promote.evidence=$evidence")
  if [[ $evidence == simulator ]]; then
    shoprl sim fit "${common[@]}" --set "run.name=sim-$round" --set "sim.store=$out/round-$round.h5" \
      >/dev/null
    gate+=(--simulator "$out/sim-$round/simulator")
  fi
  shoprl train "${common[@]}" --set "run.name=train-$round" --set "train.store=$out/round-$round.h5" \
    --set "train.init_from=$served_run" --set "train.iterations=$retrain_iterations" >/dev/null
  shoprl export --run "$out/train-$round" --output "$out/candidates" --name "round-$round" \
    --rule boltzmann --temperature "$temperature" >/dev/null
  shoprl promote "${common[@]}" --set "run.name=promote-$round" \
    --candidate "$out/candidates/round-$round" --logs "$out/round-$round.h5" \
    --repository "$out/models" --name shop "${gate[@]}"
  if grep -q '"decision": "published"' "$out/promote-$round/decision.json"; then
    served_run=$out/train-$round
    for _ in $(seq 100); do [[ $(serving) != "$version" ]] && break; sleep 0.2; done
    echo "   the server now serves version $(serving)"
  fi
done

/usr/bin/python3 tools/closed_loop_table.py "$out" "$rounds"
echo "closed loop: $rounds rounds in $((SECONDS - started)) s; table $out/rounds.md, plot $out/rounds.svg"
