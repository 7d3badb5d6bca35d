#!/usr/bin/python3
"""Baseline for `shoprl bench import`: the same read and preprocessing in pandas.

Reads a RetailRocket events.csv, maps view/addtocart/transaction, drops exact duplicate
events, cuts each visitor's history into sessions at gaps longer than 30 minutes, drops
sessions shorter than 3 events, then drops events of items seen fewer than 3 times in the
remaining sessions (the order SQN uses). Prints JSON: best time over --repeats and the
counts kept, which shoprl checks against its own.
"""
import argparse
import json
import sys
import time

try:
    import pandas as pd
except ImportError:
    print("pandas is not importable by " + sys.executable + " (apt install python3-pandas)",
          file=sys.stderr)
    sys.exit(77)

GAP_MS = 30 * 60 * 1000


def preprocess(path):
    df = pd.read_csv(path, usecols=["timestamp", "visitorid", "event", "itemid"],
                     dtype={"timestamp": "int64", "visitorid": "int64", "event": "category",
                            "itemid": "int64"})
    df["type"] = df["event"].map({"view": 0, "addtocart": 1, "transaction": 2}).astype("int8")
    df = df.drop(columns="event")
    df = df.drop_duplicates(["visitorid", "itemid", "type", "timestamp"])
    df = df.sort_values(["visitorid", "timestamp"], kind="stable")
    new_visitor = df["visitorid"].ne(df["visitorid"].shift())
    long_gap = df["timestamp"].diff() > GAP_MS
    df["session"] = (new_visitor | long_gap).cumsum()
    lengths = df.groupby("session")["session"].transform("size")
    df = df[lengths >= 3]
    support = df.groupby("itemid")["itemid"].transform("size")
    df = df[support >= 3]
    return {"sessions": int(df["session"].nunique()), "events": int(len(df)),
            "items": int(df["itemid"].nunique())}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("input")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    best = float("inf")
    counts = None
    for _ in range(args.repeats):
        start = time.perf_counter()
        counts = preprocess(args.input)
        best = min(best, time.perf_counter() - start)
    counts["seconds"] = best
    counts["pandas"] = pd.__version__
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
