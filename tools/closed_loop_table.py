"""The table and plot of tools/closed-loop.sh: per round, the served policy's value in the world
(the mean return of that round's shoppers served by it, with its standard error), the gate's
estimate of the candidate with its interval against the served policy's value on the same logs
(with evidence canary: the two arms' means per session and the experiment's lead), with the
simulator's evidence the candidate's simulated lead over the served policy (paired sessions)
and its true lead (the same pairing in the world), the candidate's true value (a Monte Carlo
run in the world), and the decision. A round that judged no candidate (the first of evidence
canary) has its served value only.

    python3 tools/closed_loop_table.py OUT ROUNDS   # writes OUT/rounds.{md,json,svg}
"""
import json
import math
import os
import sys


def world_values(path):
    """The true values `shoprl data synth` printed: name -> (value, std error)."""
    values = {}
    for line in open(path):
        parts = line.split()
        if len(parts) == 4 and parts[0] != "true":
            try:
                values[parts[0].split(":")[0]] = (float(parts[1]), float(parts[2]))
            except ValueError:
                pass
    return values


def number(value):
    """JSON null (no value known) as NaN."""
    return float("nan") if value is None else float(value)


def simulated_of(decision):
    """The simulator's evidence (promote.evidence simulator), the experiment's (canary) and the
    candidate's true lead over the served policy on paired sessions (promote --baseline), NaN
    where the gate had none."""
    sim = decision.get("simulated", {})
    experiment = decision.get("experiment", {})
    truth = decision.get("true_lead", {})
    return {
        "simulated_lead": number(sim.get("difference")),
        "simulated_lead_ci": [number(sim.get("difference_ci_low")), number(sim.get("difference_ci_high"))],
        "simulator_gap": number(sim.get("simulator_gap")),
        "experiment_lead": number(experiment.get("difference")),
        "experiment_lead_ci": [number(experiment.get("ci_low")), number(experiment.get("ci_high"))],
        "true_lead": number(truth.get("difference")),
        "true_lead_std_error": number(truth.get("std_error")),
    }


def candidate_truth(decision):
    """The candidate's true value per session: the gate's Monte Carlo run in the world where it
    evaluated off-policy, else the candidate's side of the paired true lead."""
    value = number(decision.get("candidate_true_session_value"))
    if not math.isnan(value):
        return value, number(decision.get("candidate_true_session_value_std_error"))
    truth = decision.get("true_lead", {})
    return number(truth.get("candidate_value")), number(truth.get("candidate_std_error"))


def rows_of(out, rounds):
    rows = []
    for r in range(1, rounds + 1):
        traffic = json.load(open(f"{out}/traffic-{r}/traffic.json"))
        versions = sorted(int(v) for v in traffic["decisions_by_version"])
        served = traffic["arms"][0] if traffic.get("arms") else traffic
        row = {"round": r, "served_version": versions[-1], "served_value": served["mean_return"],
               "served_std_error": served["std_error"]}
        if not os.path.exists(f"{out}/promote-{r}/decision.json"):
            rows.append(row)
            continue
        decision = json.load(open(f"{out}/promote-{r}/decision.json"))
        estimate = decision["candidate_estimate"]
        true_value, true_std_error = candidate_truth(decision)
        row.update({
            "estimator": estimate["estimator"],
            "unit": estimate["unit"],
            "candidate_estimate": estimate["value"],
            "candidate_ci": [number(estimate["ci_low"]), number(estimate["ci_high"])],
            "served_on_logs": decision["served_value"]["value"],
            "candidate_true_value": true_value,
            "candidate_true_std_error": true_std_error,
            "decision": decision["decision"],
            "published_version": decision.get("published_version"),
            **simulated_of(decision),
        })
        rows.append(row)
    return rows


def markdown(rows, world):
    judged = [r for r in rows if "decision" in r]
    has = lambda key: any(not math.isnan(r[key]) for r in judged)
    simulated, experiment, paired = has("simulated_lead"), has("experiment_lead"), has("true_lead")
    first = judged[0] if judged else {"estimator": "-", "unit": "-"}
    header = ("| round | served version | served value in the world (per session) | gate: candidate "
              f"{first['estimator']} per {first['unit']} [95% interval] | served on the same logs | ")
    rule = "|---:|---:|---:|---:|---:|"
    if experiment:
        header += "experiment's lead per session [95% interval] | "
        rule += "---:|"
    if simulated:
        header += "simulated lead per session [95% interval] | "
        rule += "---:|"
    if paired:
        header += "candidate's true lead per session (paired) | "
        rule += "---:|"
    lines = [header + "candidate's true value (per session) | decision |", rule + "---:|---|"]
    for row in rows:
        line = (f"| {row['round']} | {row['served_version']} | {row['served_value']:.3f} ± "
                f"{row['served_std_error']:.3f} | ")
        if "decision" not in row:
            blanks = 3 + experiment + simulated + paired
            lines.append(line + "– | " * blanks + "no candidate yet |")
            continue
        low, high = row["candidate_ci"]
        line += f"{row['candidate_estimate']:.4f} [{low:.4f}, {high:.4f}] | {row['served_on_logs']:.4f} | "
        if experiment:
            lead_low, lead_high = row["experiment_lead_ci"]
            line += f"{row['experiment_lead']:+.3f} [{lead_low:+.3f}, {lead_high:+.3f}] | "
        if simulated:
            lead_low, lead_high = row["simulated_lead_ci"]
            line += f"{row['simulated_lead']:+.3f} [{lead_low:+.3f}, {lead_high:+.3f}] | "
        if paired:
            line += f"{row['true_lead']:+.3f} ± {row['true_lead_std_error']:.3f} | "
        line += (f"{row['candidate_true_value']:.3f} ± {row['candidate_true_std_error']:.3f} | "
                 f"{row['decision']}"
                 + (f" (version {row['published_version']})" if row["published_version"] else "")
                 + " |")
        lines.append(line)
    for name in ("logging", "oracle"):
        if name in world:
            lines.append(f"\n{name} policy's true value: {world[name][0]:.3f} ± {world[name][1]:.3f} per session")
    return "\n".join(lines) + "\n"


def svg(rows, world):
    width, height, left, right, top, bottom = 640, 360, 70, 20, 30, 50
    values = [r["served_value"] for r in rows]
    values += [r["candidate_true_value"] for r in rows if "decision" in r]
    values += [v for name, (v, _) in world.items() if name in ("logging", "oracle")]
    low, high = min(values) * 0.9, max(values) * 1.05
    n = len(rows)
    x = lambda i: left + (width - left - right) * (i + 0.5) / n
    y = lambda v: top + (height - top - bottom) * (1 - (v - low) / (high - low))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="sans-serif" font-size="12">',
             f'<text x="{left}" y="18">Closed loop on the quickstart world: true value per session</text>']
    for name, colour in (("logging", "#888"), ("oracle", "#2a2")):
        if name in world:
            v = world[name][0]
            parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                         f'stroke="{colour}" stroke-dasharray="4 3"/>')
            parts.append(f'<text x="{width - right - 4}" y="{y(v) - 4:.1f}" text-anchor="end" '
                         f'fill="{colour}">{name} {v:.2f}</text>')
    for i in range(5):
        v = low + (high - low) * i / 4
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.2f}</text>')
    for i, row in enumerate(rows):
        cx = x(i)
        parts.append(f'<text x="{cx:.1f}" y="{height - bottom + 18}" text-anchor="middle">round {row["round"]}</text>')
        se = row["served_std_error"]
        parts.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(row["served_value"] - 2 * se):.1f}" '
                     f'y2="{y(row["served_value"] + 2 * se):.1f}" stroke="#24c"/>')
        parts.append(f'<circle cx="{cx:.1f}" cy="{y(row["served_value"]):.1f}" r="4" fill="#24c"/>')
        if "decision" not in row:
            continue
        published = row["decision"] == "published"
        true, true_se = row["candidate_true_value"], row["candidate_true_std_error"]
        if not math.isnan(true_se):
            parts.append(f'<line x1="{cx + 14:.1f}" x2="{cx + 14:.1f}" y1="{y(true - 2 * true_se):.1f}" '
                         f'y2="{y(true + 2 * true_se):.1f}" stroke="#e80"/>')
        parts.append(f'<rect x="{cx + 10:.1f}" y="{y(row["candidate_true_value"]) - 4:.1f}" width="8" height="8" '
                     f'fill="{"#e80" if published else "none"}" stroke="#e80"/>')
    parts.append(f'<text x="{left}" y="{height - 10}"><tspan fill="#24c">● served policy (±2 s.e.)</tspan>'
                 '  <tspan fill="#e80">■ candidate, published  □ refused (true value ±2 s.e.)</tspan></text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main():
    out, rounds = sys.argv[1], int(sys.argv[2])
    world = world_values(f"{out}/world-values.txt")
    rows = rows_of(out, rounds)
    json.dump({"rounds": rows, "world": world}, open(f"{out}/rounds.json", "w"), indent=2)
    open(f"{out}/rounds.md", "w").write(markdown(rows, world))
    open(f"{out}/rounds.svg", "w").write(svg(rows, world))
    print(markdown(rows, world))
    # A published candidate is worse when its true lead is negative: the paired lead where the
    # gate measured it, else the candidate's value against the round's shoppers.
    def worse(r):
        if not math.isnan(r["true_lead"]):
            return r["true_lead"] < 0
        return r["candidate_true_value"] < r["served_value"] - 2 * r["served_std_error"]
    judged = [r for r in rows if "decision" in r]
    unsafe = [r["round"] for r in judged if r["decision"] == "published" and worse(r)]
    if unsafe:
        print(f"published a candidate worse than the served policy in rounds {unsafe}")
    if any(math.isnan(r["candidate_true_value"]) for r in judged):
        print("some candidates have no true value (the store recorded no world)")


main()
