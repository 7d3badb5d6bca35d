#!/usr/bin/env python3
"""Counts what a shoprl session store holds, reading it with h5py alone (no shoprl code).

An independent reader of the schema in docs/data-format.md: tests compare its counts with the
C++ writer's, so a store that only shoprl could read would fail them.

Usage: check_store_h5py.py STORE.h5
Prints one JSON object: sessions, items, events (total and by type), impressions, users, splits;
the simulator's impression columns (clicks, purchases, NaN propensities; null when not recorded);
and truth: null for a store without ground truth, else its world config, the sums of its
per-impression columns, the shapes of its factor matrices and its policy values.
Exit codes: 0 ok, 1 not a consistent store, 2 usage, 77 h5py missing (CTest's skip code).
"""
import json
import sys

try:
    import h5py
    import numpy as np
except ImportError as error:  # the tests skip rather than fail on a machine without h5py
    print(f"check_store_h5py: h5py/numpy not importable ({error}); skipping", file=sys.stderr)
    sys.exit(77)

EVENT_TYPES = ("click", "cart", "purchase")  # codes 0, 1, 2 of /events/type
SPLITS = ("train", "valid", "test")  # codes 0, 1, 2 of /sessions/split


def text(value):
    """Attributes are variable-length UTF-8 (str); tolerate fixed-length ones (bytes)."""
    return value.decode() if isinstance(value, bytes) else str(value)


def fail(path, message):
    print(f"{path}: {message}", file=sys.stderr)
    sys.exit(1)


def optional(f, name):
    """The dataset's values, or None when the store does not record it."""
    return f[name][:] if name in f else None


def simulated_impressions(path, f, rows):
    """Checks and counts /impressions/{click,purchase,slate_propensity,prefix_propensity}."""
    columns = {name: optional(f, f"impressions/{name}")
               for name in ("click", "purchase", "slate_propensity", "prefix_propensity")}
    for name, values in columns.items():
        if values is not None and len(values) != rows:
            fail(path, f"impressions/{name} has {len(values)} rows, expected {rows}")
    click, purchase = columns["click"], columns["purchase"]
    for name in ("click", "purchase"):
        values = columns[name]
        if values is not None and not np.isin(values, (0, 1)).all():
            fail(path, f"impressions/{name} holds values other than 0 and 1")
    if click is not None and purchase is not None and ((purchase == 1) & (click == 0)).any():
        fail(path, "impressions/purchase has a purchase without a click")
    undefined = {}
    for kind in ("slate", "prefix"):
        values = columns[f"{kind}_propensity"]
        if values is None:
            undefined[kind] = None
            continue
        nan = np.isnan(values)
        if not ((values[~nan] > 0) & (values[~nan] <= 1)).all():
            fail(path, f"impressions/{kind}_propensity is neither NaN nor in (0, 1]")
        undefined[kind] = int(nan.sum())
    return {
        "clicks": None if click is None else int(click.sum()),
        "purchases": None if purchase is None else int(purchase.sum()),
        "undefined_propensities": undefined,
    }


def truth(path, f, impressions, items, users):
    """Summarises /truth after checking its lengths against the store's."""
    if "truth" not in f:
        return None
    group = f["truth"]
    sums = {}
    for name in ("click_probability", "purchase_probability", "expected_reward"):
        values = optional(group, f"impressions/{name}")
        if values is None:
            continue
        if len(values) != impressions:
            fail(path, f"truth/impressions/{name} has {len(values)} rows, expected {impressions}")
        sums[name] = float(values.sum())
    shapes = {}
    for kind, rows in (("items", items), ("users", users)):
        factors = optional(group, f"{kind}/factors")
        if factors is not None and factors.shape[0] != rows:
            fail(path, f"truth/{kind}/factors has {factors.shape[0]} rows, expected {rows}")
        shapes[kind] = None if factors is None else list(factors.shape)
    policies = {}
    if "policy_values" in group:
        names = [name.decode() for name in group["policy_values/name"][:]]
        columns = [group[f"policy_values/{c}"][:] for c in ("value", "std_error", "episodes")]
        if any(len(column) != len(names) for column in columns):
            fail(path, "truth/policy_values columns differ in length")
        for name, value, std_error, episodes in zip(names, *columns):
            policies[name] = {"value": float(value), "std_error": float(std_error),
                              "episodes": int(episodes)}
    return {
        "world_config": text(group.attrs["world_config"]),
        "sums": sums,
        "item_factors": shapes["items"],
        "user_factors": shapes["users"],
        "policy_values": policies,
    }


def counts(path):
    with h5py.File(path, "r") as f:
        magic = text(f.attrs.get("shoprl_format", ""))
        if magic != "shoprl-session-store":
            fail(path, f"not a shoprl session store (shoprl_format = {magic!r})")
        offsets = f["sessions/offsets"][:]
        event_type = f["events/type"][:]
        split = f["sessions/split"][:]
        sessions = len(f["sessions/raw_id"])
        if len(offsets) != sessions + 1 or offsets[0] != 0 or offsets[-1] != len(event_type):
            fail(path, "sessions/offsets do not index events/type")
        by_type = np.bincount(event_type.astype(np.int64), minlength=len(EVENT_TYPES))
        by_split = np.bincount(split.astype(np.int64), minlength=len(SPLITS))
        items = len(f["items/raw_id"])
        impressions = len(f["impressions/item"]) if "impressions" in f else 0
        users = len(f["users/raw_id"]) if "users" in f else 0
        return {
            "sessions": sessions,
            "items": items,
            "events": {
                "total": int(len(event_type)),
                **{name: int(by_type[code]) for code, name in enumerate(EVENT_TYPES)},
            },
            "impressions": impressions,
            **simulated_impressions(path, f, impressions),
            "users": users,
            "splits": {name: int(by_split[code]) for code, name in enumerate(SPLITS)},
            "truth": truth(path, f, impressions, items, users),
        }


def main(argv):
    if len(argv) != 2:
        print("usage: check_store_h5py.py STORE.h5", file=sys.stderr)
        return 2
    try:
        result = counts(argv[1])
    except (OSError, KeyError) as error:  # unreadable file, missing dataset
        fail(argv[1], str(error))
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
