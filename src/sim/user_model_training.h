// Maximum-likelihood training of one user model: Adam on the sum of the next-item
// cross-entropy (full or sampled softmax), the purchase and the end log-losses; early stopping
// on the valid split's next-item log-likelihood, keeping the best epoch's weights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/session_sequences.h"
#include "sim/sim_config.h"
#include "sim/user_model.h"

namespace shoprl {

// Mean per-target losses (nats) of a model on sequences.
struct UserModelLosses {
  double next_item_nll = 0;  // full-softmax negative log-likelihood per next-item target
  double purchase_nll = 0;   // per purchase target
  double end_nll = 0;        // per end target
  std::int64_t next_item_targets = 0;
  std::int64_t purchase_targets = 0;
  std::int64_t end_targets = 0;
};

struct EpochRecord {
  int epoch = 0;
  double train_loss = 0;  // the optimised (possibly sampled) loss
  UserModelLosses valid;
  double seconds = 0;
};

struct TrainingSummary {
  int best_epoch = 0;
  UserModelLosses best_valid;
  std::vector<EpochRecord> epochs;
  bool stopped_early = false;
};

// Trains a fresh model seeded by `seed` (torch::manual_seed and the batch order). With
// config.training.bootstrap, `train` is resampled with replacement (by `seed`) first.
// `device` is a resolved torch device string ("cpu", "cuda").
UserModel train_user_model(const SimConfig& config, const SessionSequences& train,
                           const SessionSequences& valid, std::uint64_t seed,
                           const std::string& device, TrainingSummary* summary = nullptr);

// Losses of `model` on `sequences` in eval mode, full softmax.
UserModelLosses evaluate_user_model(UserModel& model, const SessionSequences& sequences,
                                    const std::string& device, int batch_size = 256);

}  // namespace shoprl
