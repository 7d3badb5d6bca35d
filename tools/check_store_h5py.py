#!/usr/bin/env python3
"""Counts what a shoprl session store holds, reading it with h5py alone (no shoprl code).

An independent reader of the schema in docs/data-format.md: tests compare its counts with the
C++ writer's, so a store that only shoprl could read would fail them.

Usage: check_store_h5py.py STORE.h5
Prints one JSON object: sessions, items, events (total and by type), impressions, users, splits.
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
        return {
            "sessions": sessions,
            "items": len(f["items/raw_id"]),
            "events": {
                "total": int(len(event_type)),
                **{name: int(by_type[code]) for code, name in enumerate(EVENT_TYPES)},
            },
            "impressions": len(f["impressions/item"]) if "impressions" in f else 0,
            "users": len(f["users/raw_id"]) if "users" in f else 0,
            "splits": {name: int(by_split[code]) for code, name in enumerate(SPLITS)},
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
