// Configuration of the agent (section `agent`): which algorithm, the settings every agent
// shares, and one subsection per family. docs/agents.md explains each algorithm.
#pragma once

#include <string>
#include <vector>

#include "agent/dqn_config.h"
#include "agent/offline_config.h"
#include "agent/policy_gradient_config.h"
#include "core/config_field.h"
#include "policy/slate_rule.h"

namespace shoprl {

// The agent kinds, in the order the docs list them.
inline const std::vector<std::string>& agent_kinds() {
  static const std::vector<std::string> kinds = {
      "dqn", "slateq", "reinforce", "a2c", "topk_reinforce", "supervised", "sqn", "sa2c"};
  return kinds;
}

// Whether agents of `kind` learn from logged sessions (train.store) rather than by acting in an
// environment.
inline bool learns_from_logs(const std::string& kind) {
  return kind == "topk_reinforce" || kind == "supervised" || kind == "sqn" || kind == "sa2c";
}

struct AgentConfig {
  std::string kind = "dqn";
  double gamma = 0.9;
  double learning_rate = 1e-3;
  double weight_decay = 0.0;
  double max_grad_norm = 10.0;
  SlateRuleConfig evaluation;
  DqnConfig dqn;
  PolicyGradientConfig pg;
  OfflineConfig offline;

  void visit(ConfigVisitor& v) {
    v.field("kind", kind,
            "dqn (item-wise Q-learning, top-k of Q), slateq (SlateQ: Q decomposed through the "
            "choice model), reinforce (with a learned baseline), a2c (advantage actor-critic), "
            "topk_reinforce (REINFORCE from logs with the top-K off-policy correction), "
            "supervised (next-item cross-entropy on logs), sqn / sa2c (Xin et al.: a "
            "cross-entropy head and a Q head on one encoder, from logs)",
            one_of(agent_kinds()));
    v.field("gamma", gamma, "Discount factor", in_range(0, 1));
    v.field("learning_rate", learning_rate, "Adam step size", at_least(1e-12));
    v.field("weight_decay", weight_decay, "Adam L2 penalty", at_least(0));
    v.field("max_grad_norm", max_grad_norm, "Gradients are clipped to this global norm (0: off)",
            at_least(0));
    v.section("evaluation", evaluation,
              "How the trained policy builds slates when evaluated or exported");
    v.section("dqn", dqn, "DQN and SlateQ");
    v.section("pg", pg, "REINFORCE, A2C and the top-K off-policy correction");
    v.section("offline", offline, "Agents trained from logged sessions: supervised, SQN, SA2C");
  }
};

}  // namespace shoprl
