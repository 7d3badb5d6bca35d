// The agent factory (agent_factory.h).
#include "agent/agent_factory.h"

#include <fmt/format.h>

#include "agent/dqn_agent.h"
#include "agent/offline_agent.h"
#include "agent/policy_gradient_agent.h"
#include "agent/topk_reinforce_agent.h"
#include "core/error.h"

namespace shoprl {

std::unique_ptr<Agent> make_agent(const AgentConfig& config, const PolicyNetworkConfig& network,
                                  const AgentInputs& inputs) {
  const std::string& kind = config.kind;
  if (learns_from_logs(kind) && inputs.logs == nullptr)
    throw ConfigError(fmt::format("agent.kind {} learns from logs: set train.store", kind));
  if (!learns_from_logs(kind) && inputs.env == nullptr)
    throw ConfigError(fmt::format("agent.kind {} acts in an environment: none was given", kind));
  if (kind == "dqn" || kind == "slateq") return make_dqn_agent(config, network, inputs);
  if (kind == "reinforce" || kind == "a2c")
    return make_policy_gradient_agent(config, network, inputs);
  if (kind == "topk_reinforce") return make_topk_reinforce_agent(config, network, inputs);
  if (kind == "supervised" || kind == "sqn" || kind == "sa2c")
    return make_offline_agent(config, network, inputs);
  throw ConfigError(fmt::format("agent.kind: unknown agent '{}'", kind));
}

}  // namespace shoprl
