#!/usr/bin/python3
"""Baseline for `shoprl bench train`: the SQN training step (Xin et al., SIGIR 2020) and the
supervised step in PyTorch (Python), as src/agent/offline_losses.cpp computes them.

The same model and the same arithmetic per step: item + event-type embeddings read by a GRU
after a start token, giving the state after every prefix of a batch of padded sessions; a
supervised head (softmax over the catalogue, cross-entropy) and a Q head; two copies of the
whole model, a fair coin choosing the copy to update; the TD target
    y_t = r_t + gamma * Q'(s_{t+1}, argmax_a Q(s_{t+1}, a))   (0 after a session's last event)
with the updated copy's argmax over its detached next states and the other copy's value at it;
loss = cross-entropy + mean squared TD error; Adam; gradients clipped to norm 10.

Batches are random sessions by the recipe of src/app/bench_train_command.cpp (lengths uniform
in [1, 2 * mean_length - 1], items uniform, event types click / cart / purchase with
probabilities 0.9 / 0.05 / 0.05): not the same random numbers, the same shapes. Timed: `steps`
steps after `warmup` untimed ones, best of `repeats`; batch generation is inside the timed loop
(as shoprl builds its batches inside its iteration). Parameters come as one JSON object
(--params); prints JSON. Threads: torch.set_num_threads(params["threads"]).
"""
import argparse
import json
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("torch is not importable by " + sys.executable + " (apt install python3-torch)",
          file=sys.stderr)
    sys.exit(77)

START_TYPE = 3


class Network(torch.nn.Module):
    def __init__(self, items, embedding, hidden):
        super().__init__()
        self.items = items
        self.item_embedding = torch.nn.Embedding(items + 1, embedding)
        self.type_embedding = torch.nn.Embedding(START_TYPE + 1, embedding)
        self.gru = torch.nn.GRU(embedding, hidden, batch_first=True)
        self.item_head = torch.nn.Linear(hidden, items)  # Q head
        self.second_item_head = torch.nn.Linear(hidden, items)  # supervised head

    def encode_prefixes(self, items, types):
        batch = items.shape[0]
        token_items = torch.cat([torch.full((batch, 1), self.items, dtype=torch.long),
                                 items.clamp_min(0)], 1)
        token_types = torch.cat([torch.full((batch, 1), START_TYPE, dtype=torch.long),
                                 types.clamp_min(0)], 1)
        embedded = self.item_embedding(token_items) + self.type_embedding(token_types)
        return self.gru(embedded)[0]  # [B, T + 1, H]

    def q_of(self, state, items):  # [N, H], [N, M] -> [N, M]
        weight = self.item_head.weight[items]
        bias = self.item_head.bias[items]
        return torch.bmm(weight, state.unsqueeze(2)).squeeze(2) + bias


def make_batch(generator, params):
    b, mean_length, items = params["batch_size"], params["mean_length"], params["items"]
    lengths = torch.randint(1, 2 * mean_length, (b,), generator=generator)
    longest = int(lengths.max())
    valid = torch.arange(longest).view(1, -1) < lengths.view(-1, 1)
    item = torch.randint(0, items, (b, longest), generator=generator)
    u = torch.rand((b, longest), generator=generator)
    event_type = (u > 0.9).long() + (u > 0.95).long()
    item = torch.where(valid, item, torch.full_like(item, -1))
    event_type = torch.where(valid, event_type, torch.full_like(event_type, -1))
    rewards = torch.tensor([0.2, 0.2, 1.0])[event_type.clamp_min(0)] * valid
    terminal = torch.arange(longest).view(1, -1) == (lengths - 1).view(-1, 1)
    return item, event_type, valid, rewards, terminal


def losses(kind, main, target, batch, gamma):
    items, types, valid, rewards, terminal = batch
    steps = items.shape[1]
    states = main.encode_prefixes(items, types)
    state = states[:, :steps][valid]
    actions = items[valid]
    cross_entropy = F.cross_entropy(main.second_item_head(state), actions)
    if kind == "supervised":
        return cross_entropy
    q_taken = main.q_of(state, actions.view(-1, 1)).squeeze(1)
    with torch.no_grad():
        next_state = states[:, 1:][valid].detach()
        best_next = main.item_head(next_state).argmax(1, keepdim=True)
        target_next = target.encode_prefixes(items, types)[:, 1:][valid]
        q_next = target.q_of(target_next, best_next).squeeze(1)
        y = rewards[valid] + gamma * (~terminal[valid]).float() * q_next
    return cross_entropy + (y - q_taken).pow(2).mean()


def time_kind(kind, params):
    torch.manual_seed(params["seed"])
    generator = torch.Generator().manual_seed(params["seed"])
    copies = 1 if kind == "supervised" else 2
    networks = [Network(params["items"], params["embedding_dim"], params["hidden_dim"])
                for _ in range(copies)]
    optimizers = [torch.optim.Adam(n.parameters(), lr=1e-3) for n in networks]
    coin = torch.Generator().manual_seed(params["seed"] + 1)

    def step():
        updated = int(torch.randint(0, copies, (1,), generator=coin))
        main, target = networks[updated], networks[1 - updated] if copies == 2 else None
        main.train()
        if target is not None:
            target.eval()
        batch = make_batch(generator, params)
        loss = losses(kind, main, target, batch, params["gamma"])
        optimizers[updated].zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(main.parameters(), 10.0)
        optimizers[updated].step()
        return int(batch[2].sum())

    for _ in range(params["warmup"]):
        step()
    best = None
    for _ in range(params["repeats"]):
        start = time.perf_counter()
        transitions = sum(step() for _ in range(params["steps"]))
        seconds = time.perf_counter() - start
        rate = transitions / seconds
        if best is None or rate > best["transitions_per_sec"]:
            best = {"seconds": seconds, "transitions": transitions, "transitions_per_sec": rate}
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--params", required=True)
    params = json.loads(parser.parse_args().params)
    torch.set_num_threads(params["threads"])
    out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    for kind in params["kinds"]:
        out[kind] = time_kind(kind, params)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
