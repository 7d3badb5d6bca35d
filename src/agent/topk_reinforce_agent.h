// REINFORCE from logs of another policy with the top-K off-policy correction of Chen et al.,
// "Top-K Off-Policy Correction for a REINFORCE Recommender System" (WSDM 2019). Each logged
// click step (logged_click_steps.h) contributes
//   -w_t lambda_K(s_t, a_t) R_t log pi(a_t | s_t),  w_t = min(pi(a_t|s_t) / beta(a_t|s_t), cap),
// with beta a learned behaviour head or the logged propensity (off_policy_correction.h).
// docs/agents/policy_gradient.md.
#pragma once

#include <memory>

#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/agent_inputs.h"
#include "policy/policy_config.h"

namespace shoprl {

// Kind "topk_reinforce", learning from inputs.logs (the train split). ConfigError without logs
// or for another kind; DataError when the logs hold no click on a recommended item or their
// catalogue differs from inputs.num_items.
std::unique_ptr<Agent> make_topk_reinforce_agent(const AgentConfig& config,
                                                 const PolicyNetworkConfig& network,
                                                 const AgentInputs& inputs);

}  // namespace shoprl
