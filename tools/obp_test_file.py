#!/usr/bin/python3
"""Writes a small Open Bandit Pipeline-convention HDF5 file with h5py, optionally with one
defect, and prints (as JSON) what shoprl must read from it and the IPW, SNIPW, DM and DR
estimates computed here in NumPy, the independent reference of tests/eval/obp_file_test.cpp
and tests/e2e/ope_cli_test.cpp.

Usage: obp_test_file.py OUT.h5 [--rows N] [--actions A] [--len-list L] [--seed S]
                        [--defect NAME] [--no-reward-model] [--narrow-types] [--chunk-rows R]
Exit status 77 when numpy or h5py cannot be imported (the tests skip).
"""
import argparse
import json
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:  # the tests skip on 77
    print(f"cannot import numpy/h5py: {error}")
    sys.exit(77)


def build(args):
    rng = np.random.default_rng(args.seed)
    n, A, L = args.rows, args.actions, args.len_list
    d = {}
    d["reward"] = rng.integers(0, 2, n).astype(np.int64)
    d["action"] = rng.integers(0, A, n).astype(np.int64)
    d["position"] = rng.integers(0, L, n).astype(np.int64)
    logging = rng.random((n, A, L)) + 0.2
    logging /= logging.sum(axis=1, keepdims=True)
    d["pscore"] = logging[np.arange(n), d["action"], d["position"]]
    dist = rng.random((n, A, L)) ** 2
    dist /= dist.sum(axis=1, keepdims=True)
    d["action_dist"] = dist
    if not args.no_reward_model:
        d["estimated_rewards_by_reg_model"] = rng.random((n, A, L))
    d["context"] = rng.normal(size=(n, 3))
    d["action_context"] = rng.normal(size=(A, 2))
    return d


def expected(d):
    n = len(d["reward"])
    rows = np.arange(n)
    a, k = d["action"].astype(np.int64), d["position"].astype(np.int64)
    r = d["reward"].astype(np.float64)
    dist = d["action_dist"].astype(np.float64)
    target = dist[rows, a, k]
    w = target / d["pscore"].astype(np.float64)
    out = {
        "rows": n,
        "target_pscore": target.tolist(),
        "target_inclusion": dist[rows, a, :].sum(axis=1).tolist(),
        "ipw": float(np.mean(w * r)),
        "snipw": float(np.sum(w * r) / np.sum(w)),
        "logging_value": float(np.mean(r)),
    }
    if "estimated_rewards_by_reg_model" in d:
        q = d["estimated_rewards_by_reg_model"].astype(np.float64)
        q_logged = q[rows, a, k]
        q_target = np.einsum("ia,ia->i", dist[rows, :, k], q[rows, :, k])
        out["q_logged"] = q_logged.tolist()
        out["q_target"] = q_target.tolist()
        out["dm"] = float(np.mean(q_target))
        out["dr"] = float(np.mean(q_target + w * (r - q_logged)))
    return out


def apply_defect(d, defect, args):
    if defect is None:
        return
    kind, _, detail = defect.partition(":")
    if kind == "missing":
        del d[detail]
    elif kind == "reward_nan":
        d["reward"] = d["reward"].astype(np.float64)
        d["reward"][3] = np.nan
    elif kind == "reward_inf":
        d["reward"] = d["reward"].astype(np.float64)
        d["reward"][4] = np.inf
    elif kind == "pscore_zero":
        d["pscore"][2] = 0.0
    elif kind == "pscore_above_one":
        d["pscore"][5] = 1.5
    elif kind == "pscore_nan":
        d["pscore"][1] = np.nan
    elif kind == "action_out_of_range":
        d["action"][4] = args.actions
    elif kind == "action_negative":
        d["action"][6] = -1
    elif kind == "position_out_of_range":
        d["position"][1] = args.len_list
    elif kind == "action_dist_negative":
        k = d["position"][5]
        moved = d["action_dist"][5, 1, k] + 0.1  # the slot still sums to 1
        d["action_dist"][5, 1, k] = -0.1
        d["action_dist"][5, 0, k] += moved
    elif kind == "action_dist_sum":
        d["action_dist"][2, :, args.len_list - 1] *= 1.01
    elif kind == "action_dist_nan":
        d["action_dist"][7, 2, 0] = np.nan
    elif kind == "q_nan":
        d["estimated_rewards_by_reg_model"][3, 1, 0] = np.nan
    elif kind == "length_mismatch":
        d["pscore"] = d["pscore"][:-1]
    elif kind == "shape_mismatch":
        q = d["estimated_rewards_by_reg_model"]
        d["estimated_rewards_by_reg_model"] = np.concatenate([q, q[:, :1, :]], axis=1)
    elif kind == "action_dist_rank":
        d["action_dist"] = d["action_dist"][:, 0, 0]
    elif kind == "slate_not_contiguous":
        ids = np.arange(len(d["reward"])) // 2
        ids[-1] = 0
        d["slate_id"] = ids
    else:
        raise SystemExit(f"unknown defect {defect}")


def narrow(d):
    """The types h5py writes from other NumPy arrays: bool, int32, int8, float32."""
    d["reward"] = d["reward"].astype(bool)
    d["action"] = d["action"].astype(np.int32)
    d["position"] = d["position"].astype(np.int8)
    d["pscore"] = d["pscore"].astype(np.float32)
    # float32 probabilities still sum to 1 within ~1e-7 per slot, inside the 1e-6 tolerance.
    d["action_dist"] = d["action_dist"].astype(np.float32)
    if "estimated_rewards_by_reg_model" in d:
        d["estimated_rewards_by_reg_model"] = d["estimated_rewards_by_reg_model"].astype(np.float32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=12)
    parser.add_argument("--actions", type=int, default=4)
    parser.add_argument("--len-list", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--defect")
    parser.add_argument("--no-reward-model", action="store_true")
    parser.add_argument("--narrow-types", action="store_true")
    parser.add_argument("--chunk-rows", type=int, default=0)
    args = parser.parse_args()
    d = build(args)
    if args.narrow_types:
        narrow(d)
    defect_free = expected(d) if args.defect is None else {}
    apply_defect(d, args.defect, args)
    with h5py.File(args.out, "w") as f:
        for name, values in d.items():
            chunked = args.chunk_rows > 0 and values.ndim >= 1 and len(values) > 0
            if chunked:
                chunks = (min(args.chunk_rows, len(values)),) + values.shape[1:]
                f.create_dataset(name, data=values, chunks=chunks, compression="gzip")
            else:
                f.create_dataset(name, data=values)
    print(json.dumps(defect_free))


if __name__ == "__main__":
    main()
