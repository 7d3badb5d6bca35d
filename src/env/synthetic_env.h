// The synthetic world behind the batched environment: per-user interest (drifting toward what
// she clicks), satisfaction (which keeps her or makes her leave), and the world's choice,
// purchase and organic-browsing responses. Also the ground truth of the current states: the
// true expected reward of any slate for any user in the batch.
#pragma once

#include <cstdint>
#include <vector>

#include "env/batch_env.h"
#include "env/synthetic_world.h"

namespace shoprl {

class SyntheticEnv : public BatchEnv {
 public:
  // `world` must outlive the environment.
  SyntheticEnv(const SyntheticWorld& world, const EnvConfig& config);

  const SyntheticWorld& world() const { return world_; }

  // State of user slot i.
  std::int32_t user(std::size_t i) const { return user_[i]; }
  const float* interest(std::size_t i) const { return &interest_[i * world_.dim()]; }
  double satisfaction(std::size_t i) const { return satisfaction_[i]; }
  double price_sensitivity(std::size_t i) const { return world_.user_price_sensitivity(user_[i]); }

  // The true expected immediate reward of showing `slate` (slate_size items) to user i now,
  // with the per-slot click and purchase-given-click probabilities when asked.
  double expected_reward(std::size_t i, const std::int32_t* slate,
                         double* click_probability = nullptr,
                         double* purchase_probability = nullptr) const;

  // Puts population user `user` in slot i as at the start of a session (satisfaction 0, her
  // own interest, no entry event), for exact computations over the whole population.
  void place_user(std::size_t i, std::int32_t user);
  // Moves user i's interest toward `item` as a click on it does (world.interest_drift).
  void drift_interest(std::size_t i, std::int32_t item) {
    drift_toward(&interest_[i * world_.dim()], item);
  }

 protected:
  void allocate(std::int64_t batch_size) override;
  void begin_sessions(std::size_t begin, std::size_t end, const std::uint8_t* starting) override;
  void respond(std::size_t begin, std::size_t end, const std::int32_t* slates) override;

 private:
  std::int32_t draw_organic_item(const float* interest, RandomStream& rng) const;
  void drift_toward(float* interest, std::int32_t item) const;

  const SyntheticWorld& world_;
  std::vector<std::int32_t> user_;
  std::vector<float> interest_;  // [N, d]
  std::vector<double> satisfaction_;
};

}  // namespace shoprl
