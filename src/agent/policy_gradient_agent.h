// On-policy policy gradient in a batched environment: REINFORCE with a learned baseline
// (Williams 1992) and advantage actor-critic (A2C, Mnih et al. 2016) with generalised advantage
// estimation. The policy is softmax(logits / temperature) over the catalogue (the network's
// item head); a slate is a Plackett-Luce sample without replacement from it, and the
// score-function gradient uses log P(slate). docs/agents/policy_gradient.md.
#pragma once

#include <memory>

#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/agent_inputs.h"
#include "policy/policy_config.h"

namespace shoprl {

// Kinds "reinforce" and "a2c". ConfigError for another kind or without an environment.
std::unique_ptr<Agent> make_policy_gradient_agent(const AgentConfig& config,
                                                  const PolicyNetworkConfig& network,
                                                  const AgentInputs& inputs);

}  // namespace shoprl
