// Settings of the DQN family (section agent.dqn). Owned by agent/dqn_agent.*.
#pragma once

#include "core/config_field.h"

namespace shoprl {

struct DqnConfig {
  void visit(ConfigVisitor& /*v*/) {}
};

}  // namespace shoprl
