// How a policy turns item scores into a slate (section `slate` of an agent's config, and of an
// evaluated checkpoint): top-k, epsilon-greedy, or Boltzmann sampling without replacement
// (Plackett-Luce over softmax(score / temperature)).
#pragma once

#include <string>

#include "core/config_field.h"

namespace shoprl {

struct SlateRuleConfig {
  std::string rule = "top_k";
  double epsilon = 0.1;
  double temperature = 1.0;

  void visit(ConfigVisitor& v) {
    v.field("rule", rule,
            "top_k (the k best scores, deterministic), epsilon_greedy (a uniformly random slate "
            "with probability epsilon, else top_k) or boltzmann (Plackett-Luce sampling "
            "without replacement from softmax(score / temperature))",
            one_of({"top_k", "epsilon_greedy", "boltzmann"}));
    v.field("epsilon", epsilon, "epsilon_greedy: chance of a uniformly random slate",
            in_range(0, 1));
    v.field("temperature", temperature, "boltzmann: softmax temperature", at_least(1e-6));
  }
};

}  // namespace shoprl
