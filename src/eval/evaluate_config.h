// The `evaluate` section: which logs, which policy, which split, and what else the report holds.
#pragma once

#include <cstdint>
#include <string>

#include "core/config_field.h"
#include "eval/evaluation_policy.h"

namespace shoprl {

struct EvaluateConfig {
  std::string store;
  std::string split = "all";
  EvaluationPolicyConfig policy;
  bool ranking = true;
  std::string ranking_split = "test";
  std::int64_t true_value_sessions = 20000;

  void visit(ConfigVisitor& v) {
    v.field("store", store, "Session store with impressions (logged slates) to evaluate on");
    v.field("split", split, "Sessions whose impressions are evaluated on",
            one_of({"all", "train", "valid", "test"}));
    v.section("policy", policy, "The evaluation policy");
    v.field("ranking", ranking,
            "Also report next-item ranking metrics (HR, NDCG @5/10/20) on ranking_split: the "
            "checkpoint's own for policy.kind checkpoint, else the popularity baseline's");
    v.field("ranking_split", ranking_split, "Held-out sessions the ranking metrics use",
            one_of({"train", "valid", "test"}));
    v.field("true_value_sessions", true_value_sessions,
            "policy.kind checkpoint on synthetic logs: Monte Carlo sessions behind the trained "
            "policy's true value in the world that wrote the logs (0: none)",
            at_least(0));
  }
};

}  // namespace shoprl
