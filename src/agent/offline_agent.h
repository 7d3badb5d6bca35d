// The agents trained from logged sessions (AgentInputs::logs, train split): supervised
// (next-item cross-entropy), sqn (Xin et al., SIGIR 2020) and sa2c (Xin et al., WSDM 2022,
// with SNQN's negative sampling). One sequence encoder per network; its second item head is
// the supervised head (the policy) and its item head the Q head. sqn and sa2c keep two
// copies of the whole network for double Q-learning; each step updates one copy, chosen at
// random, against the other. docs/agents/offline.md.
#pragma once

#include <memory>

#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/agent_inputs.h"
#include "policy/policy_config.h"

namespace shoprl {

// agent.kind must be supervised, sqn or sa2c; inputs.logs must hold train sessions with
// events. ConfigError / DataError naming the key or the store otherwise.
std::unique_ptr<Agent> make_offline_agent(const AgentConfig& config,
                                          const PolicyNetworkConfig& policy,
                                          const AgentInputs& inputs);

}  // namespace shoprl
