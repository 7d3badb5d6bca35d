// Builds the agent `config.kind` names (agent_config.h lists the kinds).
#pragma once

#include <memory>

#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/agent_inputs.h"
#include "policy/policy_config.h"

namespace shoprl {

// ConfigError naming the key when the inputs do not suit the kind (no environment for an
// online agent, no logs for an offline one).
std::unique_ptr<Agent> make_agent(const AgentConfig& config, const PolicyNetworkConfig& network,
                                  const AgentInputs& inputs);

}  // namespace shoprl
