// Settings of the policy-gradient agents (section agent.pg). Owned by agent/policy_gradient*.
#pragma once

#include "core/config_field.h"

namespace shoprl {

struct PolicyGradientConfig {
  void visit(ConfigVisitor& /*v*/) {}
};

}  // namespace shoprl
