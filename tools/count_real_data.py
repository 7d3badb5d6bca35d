#!/usr/bin/env python3
"""Independent counts of the real datasets in ../shared/data, computed with pandas.

tests/data/importers/real_data_test.cpp imports the same files with shoprl's importers and
compares its RawLog with these figures; docs/real-data.md records them. Written from the file
formats (PROVENANCE.md of each dataset), not from the C++ code, so a shared mistake is unlikely.

Usage: /usr/bin/python3 tools/count_real_data.py [SHARED_DATA_DIR]   (default: ../shared/data)
Prints one JSON object. Exits 77 (the "skipped" code) when pandas or a file is missing.
"""
import json
import os
import sys

SKIP = 77


def fail_skip(message):
    print(message, file=sys.stderr)
    sys.exit(SKIP)


try:
    import pandas as pd
except ImportError:
    fail_skip("pandas is not installed for " + sys.executable)


def read(path, sep):
    if not os.path.exists(path):
        fail_skip("missing " + path)
    # Every column as text, and "NA" kept as text: it is DIGINETICA's anonymous user.
    return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)


def epoch_ms(dates):
    return (pd.to_datetime(dates, utc=True) - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(1, "ms")


def diginetica(root):
    folder = os.path.join(root, "diginetica")
    views = read(os.path.join(folder, "train-item-views.sample-srgnn.csv"), ";")
    purchases = read(os.path.join(folder, "train-purchases.csv"), ";")
    categories = read(os.path.join(folder, "product-categories.csv"), ";")
    # One table in import order: the views file, then the purchases file.
    events = pd.concat([
        pd.DataFrame({"session": views["session_id"], "user": views["user_id"],
                      "item": views["item_id"], "timeframe": views["timeframe"],
                      "date": views["eventdate"], "type": "click"}),
        pd.DataFrame({"session": purchases["sessionId"], "user": purchases["userId"],
                      "item": purchases["itemId"], "timeframe": purchases["timeframe"],
                      "date": purchases["eventdate"], "type": "purchase"}),
    ], ignore_index=True)
    time_ms = epoch_ms(events["date"]) + events["timeframe"].astype("int64")
    known = events[events["user"] != "NA"]
    # A session's user is the first one it is seen with (a few sessions show two).
    first_user = known.groupby("session", sort=False)["user"].first()
    items = pd.unique(events["item"])
    category_of = categories.drop_duplicates("itemId").set_index("itemId")["categoryId"]
    return {
        "rows": int(len(views) + len(purchases) + len(categories)),
        "events": {"click": int((events["type"] == "click").sum()),
                   "cart": 0,
                   "purchase": int((events["type"] == "purchase").sum())},
        "sessions": int(events["session"].nunique()),
        "items": int(len(items)),
        "users": int(first_user.nunique()),
        "sessions_with_user": int(len(first_user)),
        "distinct_user_ids": int(known["user"].nunique()),
        "items_with_category": int(pd.Index(items).isin(category_of.index).sum()),
        "categories_of_event_items": int(category_of.reindex(items).dropna().nunique()),
        "time_ms_sum": int(time_ms.sum()),
        "first_time_ms": int(time_ms.min()),
        "last_time_ms": int(time_ms.max()),
    }


def open_bandit(root):
    folder = os.path.join(root, "open-bandit-dataset", "random", "men")
    log = read(os.path.join(folder, "men.csv"), ",")
    context = read(os.path.join(folder, "item_context.csv"), ",")
    index_column = log.columns[0]
    user_features = [c for c in log.columns if c.startswith("user_feature_")]
    affinities = [c for c in log.columns if c.startswith("user-item_affinity_")]
    item_features = [c for c in context.columns if c.startswith("item_feature_")]
    clicks = log["click"].astype("int64")
    return {
        "rows": int(len(log) + len(context)),
        "impressions": int(len(log)),
        "clicks": int(clicks.sum()),
        "events": {"click": int(clicks.sum()), "cart": 0, "purchase": 0},
        "sessions": int(log[index_column].nunique()),
        # Items of the log and of the item context: the context lists the whole action set.
        "items": int(len(set(log["item_id"]) | set(context["item_id"]))),
        "items_in_log": int(log["item_id"].nunique()),
        "propensity_sum": float(log["propensity_score"].astype("float64").sum()),
        "position_counts": {str(p): int(n) for p, n in
                            log["position"].astype("int64").value_counts().sort_index().items()},
        "time_ms_sum": int(epoch_ms(log["timestamp"]).sum()),
        "context_numeric_columns": len(affinities),
        "context_categorical_columns": len(user_features),
        "user_feature_cardinalities": [int(log[c].nunique()) for c in user_features],
        "affinity_sum": float(log[affinities].astype("float64").to_numpy().sum()),
        "item_context_rows": int(len(context)),
        "item_numeric_columns": 1,  # item_feature_0; OBP treats the others as categories
        "item_feature_0_sum": float(context["item_feature_0"].astype("float64").sum()),
        "item_feature_cardinalities": [int(context[c].nunique()) for c in item_features[1:]],
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "shared", "data")
    print(json.dumps({"diginetica": diginetica(root), "open_bandit_random_men": open_bandit(root)},
                     indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
