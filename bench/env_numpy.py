#!/usr/bin/python3
"""Baseline for `shoprl bench env`: the synthetic world's step in NumPy, vectorised over users.

The same arithmetic per step as src/env/synthetic_env.cpp and batch_env.cpp, over [N, ...]
arrays with no Python loop over users: slate validation (range, distinct items), gather of the
slate's item factors, utilities affinity_scale * <interest, v> + popularity logit, click
probabilities of the choice model (mnl, cascade or pbm), the click draw, purchase
probability and draw for the clicked items, organic browsing for users without a click
(popularity-drawn candidates by the alias method, then a softmax choice), interest drift, the
satisfaction update, the leave draw, the history append (a shift of the [N, L] int64 rows
when full), per-slot totals, episode step counters with truncation at max_steps, and new
sessions for finished users (a new user's factor and the entry event).

It builds its own random world with the same shapes and the same generative recipe as
src/env/synthetic_world.cpp (not the same random numbers), so the click-through rate and
reward per step of uniform slates should be close to shoprl's: a cross-check of the
arithmetic. Parameters come as one JSON object (--params); prints JSON: user-steps per second
for each batch size (best of --repeats, interpreter start and slate generation excluded) and
the step metrics of the largest batch. Single-threaded (BLAS threads pinned to one).
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

CLICK = 0  # data/event_type.h: EventType::kClick
PURCHASE = 2  # EventType::kPurchase
PAD = -1


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def draw_factors(rng, centres, noise, dim):
    """Unit vectors about the centres, as draw_factor() in synthetic_world.cpp."""
    out = (centres + noise * rng.standard_normal(centres.shape) / np.sqrt(dim)).astype(np.float32)
    norm = np.sqrt(np.sum(out.astype(np.float64) ** 2, axis=1, keepdims=True))
    inverse = np.where(norm > 0, 1.0 / np.where(norm > 0, norm, 1.0), 0.0)
    return (out * inverse).astype(np.float32)


def alias_table(weights):
    """Walker's alias method, Vose's construction, as env/alias_table.cpp (built once)."""
    n = len(weights)
    scaled = weights * n / weights.sum()
    probability = np.ones(n)
    alias = np.arange(n)
    small = [i for i in range(n) if scaled[i] < 1.0]
    large = [i for i in range(n) if scaled[i] >= 1.0]
    while small and large:
        s, l = small.pop(), large[-1]
        probability[s] = scaled[s]
        alias[s] = l
        scaled[l] -= 1.0 - scaled[s]
        if scaled[l] < 1.0:
            small.append(large.pop())
    return probability, alias


class World:
    def __init__(self, w, slate_size, rng):
        self.items = int(w["items"])
        self.users = int(w["users"])
        self.dim = int(w["factor_dim"])
        topics = int(w["topics"])
        d = self.dim
        topic_factors = draw_factors(rng, np.zeros((topics, d)), np.sqrt(d), d)
        self.item_factors = draw_factors(
            rng, topic_factors[rng.integers(topics, size=self.items)].astype(np.float64),
            w["item_topic_noise"], d)
        self.user_factors = draw_factors(
            rng, topic_factors[rng.integers(topics, size=self.users)].astype(np.float64),
            w["user_topic_noise"], d)
        self.price_sensitivity = w["price_sensitivity"] * np.exp(
            w["price_sensitivity_log_sd"] * rng.standard_normal(self.users))
        rank = rng.permutation(self.items) + 1
        logit = -w["popularity_weight"] * np.log(rank.astype(np.float64))
        self.popularity_logit = logit - logit.mean()
        self.alias_probability, self.alias = alias_table(np.exp(self.popularity_logit))
        log_ratio = w["price_log_sd"] * rng.standard_normal(self.items)
        price = np.maximum(0.01, np.round(w["price_median"] * np.exp(log_ratio) * 100) / 100)
        self.log_price_ratio = np.log(price / w["price_median"])

        c = w["choice"]
        self.model = c["model"]
        self.no_click_utility = c["no_click_utility"]
        self.exp_no_click = np.exp(self.no_click_utility)
        self.continuation = c["cascade_continuation"]
        k = np.arange(slate_size, dtype=np.float64)
        self.slot_logit_bias = -c["position_bias"] * np.log1p(k)
        self.slot_examination = (1.0 + k) ** -c["pbm_exponent"]
        self.w = w


class Env:
    """N sessions stepped together; the state arrays of batch_env.h and synthetic_env.h."""

    def __init__(self, world, e, n, rng):
        self.world = world
        self.rng = rng
        self.n = n
        self.k = int(e["slate_size"])
        self.length = int(e["history_length"])
        self.max_steps = int(e["max_steps"])
        self.click_reward = e["click_reward"]
        self.purchase_reward = e["purchase_reward"]
        w = world.w
        self.affinity_scale = w["affinity_scale"]
        self.drift = np.float32(w["interest_drift"])
        self.rows = np.arange(n)

        self.history_item = np.full((n, self.length), PAD, np.int64)
        self.history_type = np.full((n, self.length), PAD, np.int64)
        self.history_length = np.zeros(n, np.int32)
        self.user = np.zeros(n, np.int32)
        self.interest = np.zeros((n, world.dim), np.float32)
        self.satisfaction = np.zeros(n)
        self.step_in_episode = np.zeros(n, np.int32)
        self.episode = np.zeros(n, np.uint64)
        self.episode_return = np.zeros(n)
        self.episode_converted = np.zeros(n, bool)
        self.totals = {name: np.zeros(n) for name in (
            "episodes", "return_sum", "return_square_sum", "episode_steps",
            "converted_episodes", "steps", "clicked_steps", "clicks", "purchases",
            "organic_clicks", "reward")}
        self.start_sessions(self.rows)

    def clear_metrics(self):
        for total in self.totals.values():
            total[:] = 0

    def metrics(self):
        t = {name: float(total.sum()) for name, total in self.totals.items()}

        def ratio(a, b):
            return a / b if b > 0 else 0.0

        return {"episodes": int(t["episodes"]), "steps": int(t["steps"]),
                "mean_return": ratio(t["return_sum"], t["episodes"]),
                "mean_session_length": ratio(t["episode_steps"], t["episodes"]),
                "click_through_rate": ratio(t["clicked_steps"], t["steps"]),
                "clicks_per_slate": ratio(t["clicks"], t["steps"]),
                "purchases_per_click": ratio(t["purchases"], t["clicks"]),
                "session_conversion": ratio(t["converted_episodes"], t["episodes"]),
                "organic_clicks_per_step": ratio(t["organic_clicks"], t["steps"]),
                "reward_per_step": ratio(t["reward"], t["steps"])}

    def organic_items(self, interest):
        """SyntheticEnv::draw_organic_item for each row of `interest`."""
        world = self.world
        m = interest.shape[0]
        candidates = int(world.w["organic_candidates"])
        # Popularity draws by the alias method, as shoprl (O(1) each; inverse-CDF by
        # np.searchsorted measured 6x slower here).
        column = self.rng.integers(world.items, size=(m, candidates))
        drawn = np.where(self.rng.random((m, candidates)) < world.alias_probability[column],
                         column, world.alias[column])
        affinity = np.einsum("mcd,md->mc", np.take(world.item_factors, drawn, axis=0), interest)
        cumulative = np.cumsum(np.exp(self.affinity_scale * affinity.astype(np.float64)), axis=1)
        u = self.rng.random(m) * cumulative[:, -1]
        pick = np.sum(u[:, None] >= cumulative[:, :-1], axis=1)
        return drawn[np.arange(m), pick]

    def drift_toward(self, users, items):
        state = self.interest[users]
        self.interest[users] = state + self.drift * (
            np.take(self.world.item_factors, items, axis=0) - state)

    def append_event(self, users, items, event_type):
        """BatchEnv::append_event for distinct users: a full row drops its oldest event."""
        full = users[self.history_length[users] == self.length]
        if full.size:
            self.history_item[full, :-1] = self.history_item[full, 1:]
            self.history_type[full, :-1] = self.history_type[full, 1:]
            self.history_length[full] -= 1
        position = self.history_length[users]
        self.history_item[users, position] = items
        self.history_type[users, position] = event_type
        self.history_length[users] += 1

    def start_sessions(self, users):
        world = self.world
        drawn = self.rng.integers(world.users, size=users.size)
        self.user[users] = drawn
        self.interest[users] = world.user_factors[drawn]
        self.satisfaction[users] = 0
        if world.w["entry_event"]:
            entry = self.organic_items(self.interest[users])
            self.drift_toward(users, entry)
            self.append_event(users, entry, CLICK)

    def step(self, slates):
        world, rng, n, k = self.world, self.rng, self.n, self.k
        if slates.min() < 0 or slates.max() >= world.items:
            raise ValueError("item out of range")
        ordered = np.sort(slates, axis=1)
        if np.any(ordered[:, 1:] == ordered[:, :-1]):
            raise ValueError("item repeated within a slate")

        # Utilities and click probabilities (choice_model.h).
        # np.take and einsum: the fastest gather and batched dot product in NumPy 1.24.
        affinity = np.einsum("nkd,nd->nk", np.take(world.item_factors, slates, axis=0),
                             self.interest)
        utility = self.affinity_scale * affinity.astype(np.float64) + \
            world.popularity_logit[slates]
        if world.model == "mnl":
            weight = np.exp(utility + world.slot_logit_bias)
            probability = weight / (world.exp_no_click + weight.sum(axis=1))[:, None]
        elif world.model == "cascade":
            attraction = sigmoid(utility - world.no_click_utility)
            reach = np.ones_like(attraction)
            reach[:, 1:] = np.cumprod((1.0 - attraction) * world.continuation, axis=1)[:, :-1]
            probability = reach * attraction
        else:
            probability = world.slot_examination * sigmoid(utility - world.no_click_utility)

        if world.model == "pbm":
            click = rng.random((n, k)) < probability
        else:
            below = rng.random(n)[:, None] < np.cumsum(probability, axis=1)
            click = np.zeros((n, k), bool)
            clicked_users = np.nonzero(below[:, -1])[0]
            click[clicked_users, np.argmax(below[clicked_users], axis=1)] = True

        # Purchases, on the interest the user had when she saw the slate.
        click_user, click_slot = np.nonzero(click)
        click_item = slates[click_user, click_slot]
        buy = sigmoid(world.w["purchase_bias"] +
                      world.w["purchase_affinity"] * affinity[click_user, click_slot] -
                      world.price_sensitivity[self.user[click_user]] *
                      world.log_price_ratio[click_item])
        bought = rng.random(click_user.size) < buy
        purchase = np.zeros((n, k), bool)
        purchase[click_user[bought], click_slot[bought]] = True
        clicks = click.sum(axis=1)
        purchases = purchase.sum(axis=1)
        any_click = clicks > 0
        any_purchase = purchases > 0

        organic = np.full(n, -1, np.int64)
        organic_users = np.nonzero(~any_click & (rng.random(n) < world.w["organic_rate"]))[0]
        organic[organic_users] = self.organic_items(self.interest[organic_users])

        # Drift and history, event by event in slot order (at most one click for mnl/cascade).
        if world.model == "pbm":
            for s in range(k):
                users = np.nonzero(click[:, s])[0]
                self.drift_toward(users, slates[users, s])
            for s in range(k):
                users = np.nonzero(click[:, s])[0]
                self.append_event(users, slates[users, s], CLICK)
                users = np.nonzero(purchase[:, s])[0]
                self.append_event(users, slates[users, s], PURCHASE)
        else:
            self.drift_toward(click_user, click_item)
            self.append_event(click_user, click_item, CLICK)
            self.append_event(click_user[bought], click_item[bought], PURCHASE)
        self.drift_toward(organic_users, organic[organic_users])
        self.append_event(organic_users, organic[organic_users], CLICK)

        w = world.w
        self.satisfaction = w["satisfaction_decay"] * self.satisfaction + \
            np.where(any_click, w["click_satisfaction"], -w["boredom"]) + \
            np.where(any_purchase, w["purchase_satisfaction"], 0.0)
        leave = sigmoid(w["leave_bias"] - w["leave_satisfaction_weight"] * self.satisfaction)
        leaving = rng.random(n) < leave

        reward = self.click_reward * clicks + self.purchase_reward * purchases
        self.reward = reward.astype(np.float32)
        self.clicked_slot = np.where(any_click, np.argmax(click, axis=1), -1)
        self.purchased = any_purchase
        self.organic_item = organic
        t = self.totals
        t["steps"] += 1
        t["clicked_steps"] += any_click
        t["clicks"] += clicks
        t["purchases"] += purchases
        t["organic_clicks"] += organic >= 0
        t["reward"] += reward
        self.episode_return += reward
        self.episode_converted |= any_purchase

        self.step_in_episode += 1
        self.truncated = ~leaving & (self.step_in_episode >= self.max_steps)
        self.done = leaving | self.truncated
        done = np.nonzero(self.done)[0]
        if done.size:
            returns = self.episode_return[done]
            t["episodes"][done] += 1
            t["return_sum"][done] += returns
            t["return_square_sum"][done] += returns * returns
            t["episode_steps"][done] += self.step_in_episode[done]
            t["converted_episodes"][done] += self.episode_converted[done]
            self.episode_return[done] = 0
            self.episode_converted[done] = False
            self.step_in_episode[done] = 0
            self.episode[done] += np.uint64(1)
            self.history_length[done] = 0
            self.history_item[done] = PAD
            self.history_type[done] = PAD
            self.start_sessions(done)


def slate_pool(rng, batches, n, k, items):
    """Distinct items per row, uniformly at random (rejection, as draw_uniform_slate)."""
    rows = batches * n
    if 2 * k > items:
        return np.argsort(rng.random((rows, items)), axis=1)[:, :k].astype(np.int32).reshape(
            batches, n, k)
    pool = rng.integers(items, size=(rows, k), dtype=np.int32)
    while True:
        ordered = np.sort(pool, axis=1)
        repeated = np.any(ordered[:, 1:] == ordered[:, :-1], axis=1)
        if not repeated.any():
            return pool.reshape(batches, n, k)
        pool[repeated] = rng.integers(items, size=(int(repeated.sum()), k), dtype=np.int32)


def pool_batches(n, k):
    """How many slate batches the pool cycles through: the rule shoprl's side uses."""
    return int(min(1024, max(64, -(-(1 << 22) // (n * k)))))


def time_steps(env, pool, steps):
    start = time.perf_counter()
    batches = len(pool)
    for s in range(steps):
        env.step(pool[s % batches])
    return time.perf_counter() - start


def bench_batch(world, params, n, rng):
    e = params["env"]
    env = Env(world, e, n, rng)
    pool = slate_pool(rng, pool_batches(n, int(e["slate_size"])), n, int(e["slate_size"]),
                      world.items)
    fixed = int(params["steps"])
    if fixed > 0:
        time_steps(env, pool, fixed)
        steps = fixed
    else:
        # Warm-up doubles until it takes 0.05 s; the timed runs are sized from its rate.
        warm = 1
        while True:
            seconds = time_steps(env, pool, warm)
            if seconds >= 0.05:
                break
            warm *= 2
        steps = max(1, int(round(params["seconds"] * warm / seconds)))
    env.clear_metrics()
    best = float("inf")
    for _ in range(int(params["repeats"])):
        best = min(best, time_steps(env, pool, steps))
    return {"users": n, "steps": steps, "seconds": best, "user_steps_per_sec": n * steps / best,
            "metrics": env.metrics()}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", required=True, help="JSON: world, env, batch_sizes, ...")
    args = parser.parse_args()
    params = json.loads(args.params)
    rng = np.random.default_rng(int(params["seed"]))
    world = World(params["world"], int(params["env"]["slate_size"]), rng)
    results = [bench_batch(world, params, int(n), rng) for n in params["batch_sizes"]]
    print(json.dumps({"numpy": np.__version__, "results": results}))


if __name__ == "__main__":
    main()
