#!/usr/bin/env bash
# Rounds of the closed loop on the quickstart world (docs/closed-loop.md): one server for the
# whole run; each round the world's shoppers play against it (shoprl traffic), the decision log
# of the served version becomes a store (data import --format decision-log), a candidate is
# made from that traffic and exported, and `shoprl promote` publishes it only if its evidence
# says it is better; the server hot-reloads what is published. Two ways to judge a candidate
# (SHOPRL_LOOP_EVIDENCE):
#   canary (default): the candidate is a DQN trained in a simulator fitted on the round's
#     traffic; next round the server serves it as a canary to half the shoppers
#     (traffic.canary_model, traffic.canary_share) and the A/B experiment decides
#     (promote --canary-logs). The last round trains no candidate (nothing would judge it).
#   off_policy, simulator: the candidate continues the served policy's checkpoint on the
#     round's traffic (train.init_from, a small step) and is judged at once on that traffic,
#     off-policy, or in a simulator fitted on its test half.
# The gate also plays the candidate against the served version on paired sessions of the true
# world (--baseline): the true lead that says whether each decision was right. Writes
# OUT/rounds.md, OUT/rounds.json and OUT/rounds.svg (per round: the served policy's value in the
# world, the gate's evidence with its intervals, the candidate's true value and lead, the
# decision).
#   bash tools/closed-loop.sh [ROUNDS (default 3; about 13 minutes each on two cores)]
# Environment: SHOPRL_LOOP_DIR (runs/closed-loop), SHOPRL_LOOP_PORT (8765),
# SHOPRL_LOOP_EVIDENCE (canary, off_policy or simulator),
# SHOPRL_LOOP_TEMPERATURE (0.5: the Boltzmann temperature the first policy and retrained
# candidates are served with), SHOPRL_LOOP_RETRAIN_ITERATIONS (20: off_policy and simulator's
# training iterations per round), SHOPRL_LOOP_FIRST_ITERATIONS (the config's train.iterations:
# round 0's training), SHOPRL_LOOP_SESSIONS (the config's traffic.sessions: shoppers' sessions
# per round), SHOPRL_BUILD_DIR (build).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
build=${SHOPRL_BUILD_DIR:-build}
out=${SHOPRL_LOOP_DIR:-runs/closed-loop}
port=${SHOPRL_LOOP_PORT:-8765}
temperature=${SHOPRL_LOOP_TEMPERATURE:-0.5}
retrain_iterations=${SHOPRL_LOOP_RETRAIN_ITERATIONS:-20}
evidence=${SHOPRL_LOOP_EVIDENCE:-canary}
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

# The version the server serves of model $1 (default shop); 0 when none yet.
serving() { curl -sf "http://127.0.0.1:$port/v1/models" | /usr/bin/python3 -c '
import json, sys
models = {m["name"]: m["serving"] for m in json.load(sys.stdin)["models"]}
print(models.get(sys.argv[1], 0))' "${1:-shop}"; }

# Waits until the server serves a version of `shop` other than $1.
await_publication() {
  for _ in $(seq 100); do [[ $(serving) != "$1" ]] && break; sleep 0.2; done
  echo "   the server now serves version $(serving)"
}

# Served traffic as a store: the decisions of one model's one version. With evidence canary,
# this round's shoppers only (an experiment compares arms of the same period); otherwise every
# round that version served, so that the evidence for a candidate grows while it is refused.
import_arm() {  # MODEL VERSION STORE
  local units=""
  [[ $evidence == canary ]] && units="round$round/"
  shoprl data import "${common[@]}" --input "$out/served" -o "$3" \
    --set "import.catalogue=$out/models/$1/$2" --set "import.model=$1" \
    --set "import.version=$2" --set "import.unit_prefix=$units" \
    --set "import.world=$out/traffic-$round/config.yaml" >/dev/null
}

canary=0  # the version of shop-canary waiting for its experiment; 0: none
for round in $(seq "$rounds"); do
  version=$(serving)
  note=""
  [[ $canary != 0 ]] && note=", and the candidate shop-canary/$canary to half the shoppers"
  echo "== round $round: serving version $version$note"
  arms=()
  [[ $canary != 0 ]] && arms=(--set traffic.canary_model=shop-canary)
  shoprl traffic "${common[@]}" --set "run.name=traffic-$round" --url "http://127.0.0.1:$port" \
    --set "traffic.request_prefix=round$round" "${sessions[@]}" "${arms[@]}"
  sleep 1  # the server's log writer flushes every 100 ms: the last feedback is then on disk
  import_arm shop "$version" "$out/round-$round.h5"
  if [[ $evidence == canary ]]; then
    if [[ $canary != 0 ]]; then
      import_arm shop-canary "$canary" "$out/canary-$round.h5"
      shoprl promote "${common[@]}" --set "run.name=promote-$round" \
        --candidate "$out/models/shop-canary/$canary" --logs "$out/round-$round.h5" \
        --canary-logs "$out/canary-$round.h5" --repository "$out/models" --name shop \
        --baseline "$out/models/shop/$version"
      grep -q '"decision": "published"' "$out/promote-$round/decision.json" &&
        await_publication "$version"
      canary=0
    fi
    (( round == rounds )) && break
    # The next candidate: a DQN trained in a simulator of this round's served traffic.
    shoprl sim fit "${common[@]}" --set "run.name=sim-$round" \
      --set "sim.store=$out/round-$round.h5" >/dev/null
    shoprl train --config configs/quickstart.yaml --set "run.output_dir=$out" \
      --set "run.name=candidate-$round" --set train.environment=simulator \
      --set "train.simulator=$out/sim-$round/simulator" >/dev/null
    shoprl export --run "$out/candidate-$round" --output "$out/models" --name shop-canary >/dev/null
    canary=$(ls "$out/models/shop-canary" | grep -E '^[0-9]+$' | sort -n | tail -1)
    for _ in $(seq 100); do [[ $(serving shop-canary) == "$canary" ]] && break; sleep 0.2; done
    continue
  fi
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
    await_publication "$version"
  fi
done

/usr/bin/python3 tools/closed_loop_table.py "$out" "$rounds"
echo "closed loop: $rounds rounds in $((SECONDS - started)) s; table $out/rounds.md, plot $out/rounds.svg"
