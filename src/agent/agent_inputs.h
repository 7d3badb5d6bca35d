// What an agent is built from: where its experience comes from and the facts it may use.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/data_parallel.h"
#include "data/session_store.h"
#include "env/batch_env.h"
#include "policy/policy_config.h"

namespace shoprl {

// The environment's multinomial-logit choice model as SlateQ uses it: a user shown slate A
// clicks item i in slot k with probability exp(u_i + slot_offset[k]) / (exp(no_click_utility) +
// sum_j exp(u_j + slot_offset[k_j])); the item utilities u are learned.
struct ChoiceModelParameters {
  double no_click_utility = 0.0;
  std::vector<double> slot_offsets;  // one per slot
};

struct AgentInputs {
  BatchEnv* env = nullptr;             // online agents act here (synthetic world or simulator)
  const SessionStore* logs = nullptr;  // offline agents and topk_reinforce learn from these
  std::int64_t num_items = 0;
  int slate_size = 10;
  double click_reward = 0.2;  // the environment's rewards (env section), for rewards from logs
  double purchase_reward = 1.0;
  std::int64_t users = 256;  // sessions per rollout (online agents)
  ChoiceModelParameters choice;
  torch::Device device = torch::kCPU;
  std::uint64_t seed = 0;
  // The data-parallel job this agent is one replica of (data_parallel.h); null in a plain run.
  // An online agent's `users` are then this rank's share, slots rank * users onwards of the
  // job's; an offline agent's batch sizes are per rank.
  DataParallel* parallel = nullptr;
};

}  // namespace shoprl
