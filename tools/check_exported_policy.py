#!/usr/bin/env python3
"""Scores session histories with a policy exported by `shoprl export`, in PyTorch alone: an
independent check that model.pt loads without shoprl (torch.jit.load) and that its metadata
travels inside it (the extra file shoprl/metadata.json).

    /usr/bin/python3 tools/check_exported_policy.py MODEL.pt HISTORIES.json

HISTORIES.json holds {"items": [[...]], "types": [[...]], "lengths": [...]} (right-padded with
-1). Prints {"scores": [[...]], "num_items": I, "agent_kind": ...} as JSON. Exits 77 (a skip)
when torch cannot be imported.
"""
import json
import sys

try:
    import torch
except ImportError as error:  # Debian's python3-torch is missing
    print(f"cannot import torch: {error}", file=sys.stderr)
    sys.exit(77)


def main() -> None:
    model_path, histories_path = sys.argv[1], sys.argv[2]
    extra = {"shoprl/metadata.json": ""}
    module = torch.jit.load(model_path, map_location="cpu", _extra_files=extra)
    metadata = json.loads(extra["shoprl/metadata.json"])
    with open(histories_path) as f:
        histories = json.load(f)
    items = torch.tensor(histories["items"], dtype=torch.int64)
    types = torch.tensor(histories["types"], dtype=torch.int64)
    lengths = torch.tensor(histories["lengths"], dtype=torch.int64)
    with torch.no_grad():
        scores = module(items, types, lengths)
    json.dump({"scores": scores.tolist(), "num_items": metadata["num_items"],
               "agent_kind": metadata["agent_kind"], "torch": torch.__version__}, sys.stdout)


if __name__ == "__main__":
    main()
