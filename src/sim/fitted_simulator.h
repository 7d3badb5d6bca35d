// A fitted simulator on disk: what `shoprl sim fit` writes and everything else loads.
//   <directory>/simulator.json  the config it was fitted with, the catalogue size, the store
//                               (path and content hash), the response calibration, and each
//                               member's training summary;
//   <directory>/member-<k>.pt   the k-th user model's parameters (torch::save).
// The folder is written beside its final place and renamed in, so a crash never leaves half a
// simulator behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/leave_hazard.h"
#include "sim/sim_config.h"
#include "sim/user_model.h"
#include "sim/user_model_training.h"

namespace shoprl {

// The slate-response parameters (learned_env.h uses them as they are).
struct ResponseCalibration {
  std::string source = "config";  // "impressions" when fitted from the store's impression logs
  double no_click_utility = 0;
  // How strongly the model's log-probability of an item sets its weight in a slate (alpha in
  // weight = p^alpha e^-bias): 1 from config; fitted from impressions, where alpha < 1 undoes
  // part of the logging policy's exposure in the next-item probabilities (docs/simulator.md).
  double preference_scale = 1;
  std::vector<double> position_bias;  // per slot, subtracted from the log-weight; [0] = 0
  double organic_rate = 1;
  double quiet_leave = 0;
  LeaveHazard leave;  // fitted from impressions (sim.response.leave: hazard); else the end head
  std::int64_t slates_used = 0;  // impression slates behind the fit; 0 from config
  double log_likelihood = 0;     // per slate, of the fitted click model (impressions only)
};

struct FittedSimulator {
  SimConfig config;
  std::int64_t num_items = 0;
  int slate_size = 0;
  std::string store_path;
  std::string store_hash;  // hex digest of the store's events (what the models were fitted on)
  std::uint64_t seed = 0;
  ResponseCalibration calibration;
  std::vector<UserModel> members;
  std::vector<TrainingSummary> summaries;
};

void save_simulator(const FittedSimulator& simulator, const std::filesystem::path& directory);
// IoError naming the file for a missing or unreadable part; the models are moved to `device`.
FittedSimulator load_simulator(const std::filesystem::path& directory, const std::string& device);

}  // namespace shoprl
