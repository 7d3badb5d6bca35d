// Fitting a whole simulator on a tiny synthetic store (src/sim/simulator_fit.cpp) and the
// store digest it records (src/sim/store_content_hash.cpp).
#include "sim/simulator_fit.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "env/log_synthesis.h"
#include "env/tiny_world.h"
#include "sim/store_content_hash.h"
#include "sim/successor_sequences.h"

namespace shoprl {
namespace {

SessionStore tiny_store() {
  EnvConfig env = testing::tiny_env_config(3);
  env.max_steps = 4;
  PolicyConfig logging;
  logging.kind = "uniform";
  SynthConfig synth;
  synth.sessions = 120;
  synth.batch_size = 40;
  synth.value_episodes = 0;
  return synthesize_logs(testing::tiny_world_config(12, 40), env, logging, synth, 5, "").store;
}

TEST(SimulatorFit, FitsOneSeededModelPerMemberAndRecordsTheStore) {
  const SessionStore store = tiny_store();
  SimConfig config = testing::tiny_sim_config("gru");
  config.ensemble = 2;
  config.training.epochs = 2;
  config.response.calibration = "config";
  const FittedSimulator simulator = fit_simulator(config, store, "tiny.h5", 3, 21, "cpu");
  ASSERT_EQ(simulator.members.size(), 2u);
  ASSERT_EQ(simulator.summaries.size(), 2u);
  EXPECT_EQ(simulator.num_items, 12);
  EXPECT_EQ(simulator.slate_size, 3);
  EXPECT_EQ(simulator.store_path, "tiny.h5");
  EXPECT_EQ(simulator.store_hash, store_content_hash(store));
  EXPECT_EQ(simulator.seed, 21u);
  EXPECT_EQ(simulator.calibration.source, "config");
  for (const TrainingSummary& s : simulator.summaries) {
    EXPECT_GE(s.best_epoch, 1);
    EXPECT_GT(s.best_valid.next_item_targets, 0);
    EXPECT_TRUE(std::isfinite(s.best_valid.next_item_nll));
  }
  // Members are seeded apart.
  EXPECT_FALSE(
      torch::equal(simulator.members[0]->named_parameters()["encoder.item_embedding.weight"],
                   simulator.members[1]->named_parameters()["encoder.item_embedding.weight"]));
}

TEST(SimulatorFit, FitSplitTestLearnsFromTheTestSplitAlone) {
  // Every session in the test split: the default fit finds no train sequences, fit_split test
  // trains on nine sessions in ten of them and stops early on the tenth.
  SessionStore store = tiny_store();
  store.session_split.assign(store.num_sessions(), static_cast<std::int8_t>(Split::kTest));
  SimConfig config = testing::tiny_sim_config("gru");
  config.ensemble = 1;
  config.training.epochs = 1;
  config.response.calibration = "config";
  EXPECT_THROW(fit_simulator(config, store, "tiny.h5", 3, 21, "cpu"), DataError);
  config.fit_split = "test";
  const FittedSimulator simulator = fit_simulator(config, store, "tiny.h5", 3, 21, "cpu");
  ASSERT_EQ(simulator.summaries.size(), 1u);
  EXPECT_GT(simulator.summaries[0].best_valid.next_item_targets, 0);
  // Too few test sessions to hold one in ten out.
  SessionStore tiny = store;
  tiny.session_split.assign(tiny.num_sessions(), static_cast<std::int8_t>(Split::kTrain));
  tiny.session_split[0] = static_cast<std::int8_t>(Split::kTest);
  try {
    fit_simulator(config, tiny, "tiny.h5", 3, 21, "cpu");
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("sim.fit_split test"), std::string::npos) << e.what();
  }
}

TEST(StoreContentHash, ChangesWithAnyEventAndIsStable) {
  SessionStore store = tiny_store();
  const std::string hash = store_content_hash(store);
  EXPECT_EQ(hash.rfind("fnv1a64:", 0), 0u);
  EXPECT_EQ(hash.size(), 8u + 16u);
  EXPECT_EQ(hash, store_content_hash(tiny_store()));
  SessionStore other = store;
  other.event_type.back() = static_cast<std::int8_t>((other.event_type.back() + 1) % 3);
  EXPECT_NE(store_content_hash(other), hash);
  other = store;
  other.event_item.front() = (other.event_item.front() + 1) % 12;
  EXPECT_NE(store_content_hash(other), hash);
}

TEST(StoreContentHash, KnownValueOfAnEmptyStore) {
  // The words hashed: 0 items, 1 offset, the offset 0. Computed independently with
  //   h = 0xcbf29ce484222325
  //   for b in bytes(8) + (1).to_bytes(8, "little") + bytes(8): h = ((h ^ b) * 0x100000001b3) %
  //   2**64
  SessionStore empty;
  EXPECT_EQ(store_content_hash(empty), "fnv1a64:32d42a0eed270ac4");
}

}  // namespace
}  // namespace shoprl
