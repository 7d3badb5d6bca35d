// Settings of the agents trained from logs (section agent.offline). Owned by agent/offline*.
#pragma once

#include "core/config_field.h"

namespace shoprl {

struct OfflineConfig {
  void visit(ConfigVisitor& /*v*/) {}
};

}  // namespace shoprl
