// What a simulator knows about the world that wrote a synthetic store: true click and purchase
// probabilities, latent factors, true values of named policies. Kept apart from SessionStore
// so that nothing that reads a store (an estimator, a learner) can see it by accident; only
// read_store_truth (data/session_store_io.h) loads it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shoprl {

// A policy's value in the world that wrote the store, e.g. a Monte Carlo mean return.
struct PolicyValue {
  std::string name;
  double value = 0;
  double std_error = 0;       // of `value`; 0 when exact
  std::int64_t episodes = 0;  // behind `value`; 0 when exact
};

// Every vector is optional (empty = not recorded); rows follow the store's impressions, items
// and users.
struct StoreTruth {
  std::string world_config_yaml;             // the resolved config of the simulated world
  std::vector<double> click_probability;     // [M] true P(click) of each impression row
  std::vector<double> purchase_probability;  // [M] true P(purchase | click) of each row
  std::vector<double> expected_reward;       // [M] the row's true expected reward contribution
  std::int64_t factor_dim = 0;      // columns of the factor matrices; 0 when neither is recorded
  std::vector<float> item_factors;  // [I, factor_dim] row-major
  std::vector<float> user_factors;  // [U, factor_dim] row-major, U = store.user_raw_id.size()
  std::vector<PolicyValue> policy_values;

  bool empty() const {
    return world_config_yaml.empty() && click_probability.empty() && purchase_probability.empty() &&
           expected_reward.empty() && factor_dim == 0 && item_factors.empty() &&
           user_factors.empty() && policy_values.empty();
  }
};

}  // namespace shoprl
