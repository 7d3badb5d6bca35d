// Configuration of a training run (section `train`): where the agent's experience comes from,
// how long it trains, and how often it is checkpointed and evaluated. docs/training.md.
#pragma once

#include <cstdint>
#include <string>

#include "core/config_field.h"

namespace shoprl {

struct TrainConfig {
  std::string environment = "world";
  std::string simulator;
  std::string store;
  std::int64_t iterations = 200;
  std::int64_t users = 256;
  std::int64_t checkpoint_every = 50;
  std::int64_t eval_every = 25;
  std::int64_t eval_sessions = 2000;
  std::int64_t final_eval_sessions = 10000;
  std::string held_out_split = "test";
  bool true_world = true;
  std::string init_from;

  void visit(ConfigVisitor& v) {
    v.field("environment", environment,
            "Where online agents act while training: world (the synthetic ground truth of the "
            "`world` section) or simulator (a simulator fitted by `shoprl sim fit`, folder "
            "`simulator`). Evaluation rollouts always use the true world",
            one_of({"world", "simulator"}));
    v.field("simulator", simulator, "Folder of a fitted simulator (environment: simulator)");
    v.field("store", store,
            "Session store of logs: what offline agents (supervised, sqn, sa2c) and "
            "topk_reinforce learn from (train split), and where every trained policy is "
            "evaluated off-policy (held_out_split)");
    v.field("iterations", iterations,
            "Training iterations: one batch of episodes (online agents) or of logged sessions "
            "(offline agents) each",
            at_least(1));
    v.field("users", users, "Sessions per iteration (online agents)", in_range(1, 1 << 24));
    v.field("checkpoint_every", checkpoint_every,
            "Iterations between checkpoints (also written at the end and on SIGINT/SIGTERM; 0: "
            "only then)",
            at_least(0));
    v.field("eval_every", eval_every,
            "Iterations between evaluations during training (0: only at the end)", at_least(0));
    v.field("eval_sessions", eval_sessions,
            "Sessions per evaluation rollout during training (the same users every time)",
            at_least(1));
    v.field("final_eval_sessions", final_eval_sessions,
            "Sessions of the final evaluation in the true world", at_least(1));
    v.field("true_world", true_world,
            "The `world` section (with run.seed) is the world behind the logs and the simulator, "
            "as when they were made with this config (shoprl quickstart, data synth): trained "
            "policies are evaluated there by rollouts. false for real logs");
    v.field("held_out_split", held_out_split,
            "Split of `store` the final off-policy evaluation and ranking metrics use",
            one_of({"valid", "test"}));
    v.field("init_from", init_from,
            "Start from the weights (and optimizer state) of another run's checkpoint: its run "
            "folder or checkpoint/ folder, of the same agent.kind and catalogue. Retraining on "
            "new logs continues the served policy this way (docs/closed-loop.md); \"\" = fresh "
            "weights");
  }
};

}  // namespace shoprl
