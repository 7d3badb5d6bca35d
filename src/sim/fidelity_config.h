// Configuration of the simulator's fidelity report (`shoprl sim report`, section sim_report)
// and of the ground-truth check (`shoprl sim check`, section sim_check).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config_field.h"

namespace shoprl {

struct SimReportConfig {
  std::int64_t max_sessions = 20000;
  std::int64_t batch_size = 1024;
  int eval_batch_size = 256;

  void visit(ConfigVisitor& v) {
    v.field("max_sessions", max_sessions,
            "Simulated sessions compared with the real test sessions: as many as the test split "
            "has, at most this many",
            at_least(1));
    v.field("batch_size", batch_size, "Simulated users stepped together", at_least(1));
    v.field("eval_batch_size", eval_batch_size,
            "Test sequences per forward pass when scoring next clicks and purchases",
            in_range(1, 1 << 20));
  }
};

struct SimCheckConfig {
  std::int64_t episodes = 4000;
  std::int64_t batch_size = 1024;
  std::vector<std::string> policies{"uniform", "popularity:temperature=1", "history_oracle:noise=2",
                                    "history_oracle:noise=1", "history_oracle:noise=0"};
  std::vector<std::string> exported;

  void visit(ConfigVisitor& v) {
    v.field("episodes", episodes,
            "Monte Carlo sessions behind each policy value, in the true world and in the learned "
            "one alike",
            at_least(2));
    v.field("batch_size", batch_size, "Users stepped together while evaluating", at_least(1));
    v.field("policies", policies,
            "Policies compared, each 'kind' or 'kind:key=value,...' with keys temperature, "
            "epsilon, noise, marginal_samples (e.g. history_oracle:noise=1). Only policies "
            "that read the observation alone act in the learned world: uniform, popularity, "
            "history_oracle");
    v.field("exported", exported,
            "Trained policies valued beside `policies`: model folders written by `shoprl export` "
            "(a version folder or the model folder, newest version) whose catalogue and slates "
            "are this world's, e.g. an agent trained in this check's own simulator");
  }
};

}  // namespace shoprl
