// Fitting a simulator end to end (simulator_fit.h): sequences, K user models, calibration.
#include "sim/simulator_fit.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/error.h"
#include "core/seeding.h"
#include "sim/response_calibration.h"
#include "sim/session_sequences.h"
#include "sim/store_content_hash.h"

namespace shoprl {

namespace {

constexpr std::int64_t kHoldOutEvery = 10;  // sim.fit_split test: one session in ten stops early

}  // namespace

FittedSimulator fit_simulator(const SimConfig& config, const SessionStore& store,
                              const std::string& store_path, int slate_size, std::uint64_t seed,
                              const std::string& device) {
  const bool on_test = config.fit_split == "test";
  SessionSequences train, valid;
  if (on_test) {
    // One session in ten of the test split stops the members early; the rest trains them.
    const SessionSequences test =
        session_sequences(store, Split::kTest, config.model.max_length, store_path);
    train = every_nth_session(test, kHoldOutEvery, false);
    valid = every_nth_session(test, kHoldOutEvery, true);
    if (train.size() == 0 || valid.size() == 0)
      throw DataError(fmt::format(
          "{}: sim.fit_split test needs at least 2 test sessions with events (one in {} stops "
          "early), found {}",
          store_path, kHoldOutEvery, test.size() == 0 ? 0 : 1));
  } else {
    train = session_sequences(store, Split::kTrain, config.model.max_length, store_path);
    valid = session_sequences(store, Split::kValid, config.model.max_length, store_path);
  }
  spdlog::info("fitting {} user model(s) on {}: {} train and {} valid sequences, {} items",
               config.ensemble, store_path, train.size(), valid.size(), train.num_items);

  FittedSimulator simulator;
  simulator.config = config;
  simulator.num_items = train.num_items;
  simulator.slate_size = slate_size;
  simulator.store_path = store_path;
  simulator.store_hash = store_content_hash(store);
  simulator.seed = seed;
  for (int k = 0; k < config.ensemble; ++k) {
    spdlog::info("ensemble member {}/{}", k + 1, config.ensemble);
    TrainingSummary summary;
    simulator.members.push_back(train_user_model(
        config, train, valid, derive_seed(seed, static_cast<std::uint64_t>(k)), device, &summary));
    simulator.summaries.push_back(std::move(summary));
  }
  simulator.calibration =
      calibrate_response(store, on_test ? Split::kTest : Split::kTrain, simulator.members,
                         config.response, slate_size, device);
  return simulator;
}

}  // namespace shoprl
