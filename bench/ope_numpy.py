#!/usr/bin/python3
"""Baseline for `shoprl bench ope`: the reduction of Open Bandit Pipeline arrays and the IPW and
DR estimates with a bootstrap, in NumPy, vectorised over rounds.

It builds its own arrays by the same recipe as src/app/bench_ope_command.cpp (not the same random
numbers: the time of this arithmetic does not depend on the values): action_dist[n, A, 1] of
squared uniforms normalised per row, estimated rewards q[n, A, 1] uniform, a uniform logging
policy (pscore = 1/A), uniform logged actions, rewards Bernoulli(q[i, a_i]). Timed, best of
--repeats, interpreter start and array generation excluded:
  reduction  the checks shoprl makes (finite, non-negative, each slot summing to 1 within 1e-6)
             and the per-row gathers: pi(a_i), q(x_i, a_i), sum_a pi(a) q(x_i, a);
  estimates  IPW and DR point estimates from the reduced rows;
  bootstrap  IPW and DR on each of `resamples` resamples of n row indices drawn with
             replacement (rng.integers, the usual NumPy bootstrap), best of --repeats like the
             other steps; when one run would take over `budget` seconds, fewer resamples are
             timed once and the time is scaled (reported).
With "cross_check" in the parameters it also computes IPW and DR on arrays shoprl wrote, so that
the two implementations are compared value for value on the same data.
Parameters come as one JSON object (--params); prints JSON. Single-threaded.
"""
import argparse
import json
import os
import sys
import time

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

try:
    import numpy as np
except ImportError:
    print("numpy is not importable by " + sys.executable + " (apt install python3-numpy)",
          file=sys.stderr)
    sys.exit(77)


def make_arrays(rng, n, actions):
    dist = rng.random((n, actions, 1)) ** 2
    dist /= dist.sum(axis=1, keepdims=True)
    q = rng.random((n, actions, 1))
    action = rng.integers(0, actions, n)
    position = np.zeros(n, dtype=np.int64)
    pscore = np.full(n, 1.0 / actions)
    reward = (rng.random(n) < q[np.arange(n), action, 0]).astype(np.float64)
    return dist, q, action, position, pscore, reward


def reduce(dist, q, action, position):
    if not np.all(np.isfinite(dist)) or np.any(dist < 0) or not np.all(np.isfinite(q)):
        raise SystemExit("bad action_dist or q")
    if np.any(np.abs(dist.sum(axis=1) - 1) > 1e-6):
        raise SystemExit("a slot does not sum to 1")
    rows = np.arange(len(action))
    if dist.shape[2] == 1:
        # One slot: the slot's [n, A] matrices are views, no copy (the gathers of one element
        # per row remain).
        dist_slot, q_slot = dist[:, :, 0], q[:, :, 0]
        target = dist_slot[rows, action]
        q_logged = q_slot[rows, action]
    else:
        dist_slot, q_slot = dist[rows, :, position], q[rows, :, position]
        target = dist[rows, action, position]
        q_logged = q[rows, action, position]
    q_target = np.einsum("ia,ia->i", dist_slot, q_slot)
    return target, q_logged, q_target


def cross_check(spec):
    """IPW and DR on arrays shoprl wrote (raw little-endian files), to compare values."""
    folder, n, actions = spec["dir"], spec["rows"], spec["actions"]
    dist = np.fromfile(os.path.join(folder, "action_dist.f64"), dtype="<f8").reshape(n, actions, 1)
    q = np.fromfile(os.path.join(folder, "reward_model.f64"), dtype="<f8").reshape(n, actions, 1)
    action = np.fromfile(os.path.join(folder, "action.i64"), dtype="<i8")
    reward = np.fromfile(os.path.join(folder, "reward.f64"), dtype="<f8")
    pscore = np.fromfile(os.path.join(folder, "pscore.f64"), dtype="<f8")
    target, q_logged, q_target = reduce(dist, q, action, np.zeros(n, dtype=np.int64))
    w = target / pscore
    return {"rows": n, "ipw": float(np.mean(w * reward)),
            "dr": float(np.mean(q_target + w * (reward - q_logged)))}


def best_of(repeats, fn):
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--params", required=True)
    params = json.loads(parser.parse_args().params)
    n, actions = params["rounds"], params["actions"]
    resamples, repeats = params["resamples"], params["repeats"]
    budget = params.get("budget_seconds", 60.0)
    rng = np.random.default_rng(params["seed"])
    dist, q, action, position, pscore, reward = make_arrays(rng, n, actions)

    reduction_s, (target, q_logged, q_target) = best_of(
        repeats, lambda: reduce(dist, q, action, position))

    def estimates():
        w = target / pscore
        return float(np.mean(w * reward)), float(np.mean(q_target + w * (reward - q_logged)))

    estimates_s, (ipw, dr) = best_of(repeats, estimates)

    w = target / pscore
    ipw_terms = w * reward
    dr_terms = q_target + w * (reward - q_logged)

    def bootstrap(count):
        boot_rng = np.random.default_rng(params["seed"] + 1)
        values = np.empty((count, 2))
        for b in range(count):
            idx = boot_rng.integers(0, n, n)
            values[b, 0] = ipw_terms[idx].mean()
            values[b, 1] = dr_terms[idx].mean()
        return values

    # Time a few resamples first; if the whole run would exceed the budget, time fewer.
    probe = min(resamples, 5)
    probe_s, _ = best_of(1, lambda: bootstrap(probe))
    timed = resamples
    if probe_s / probe * resamples > budget:
        timed = max(probe, int(budget / (probe_s / probe)))
    bootstrap_s, values = best_of(repeats if timed == resamples else 1, lambda: bootstrap(timed))
    scaled_s = bootstrap_s * resamples / timed
    cross = cross_check(params["cross_check"]) if "cross_check" in params else None
    print(json.dumps({
        "cross_check": cross,
        "numpy": np.__version__,
        "rounds": n,
        "actions": actions,
        "reduction_seconds": reduction_s,
        "estimates_seconds": estimates_s,
        "bootstrap_resamples": resamples,
        "bootstrap_resamples_timed": timed,
        "bootstrap_seconds": scaled_s,
        "ipw": ipw,
        "dr": dr,
        "ipw_bootstrap_sd": float(values[:, 0].std(ddof=1)) if timed > 1 else None,
    }))


if __name__ == "__main__":
    main()
