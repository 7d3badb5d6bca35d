#include "sim/fitted_simulator.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/atomic_file.h"
#include "core/error.h"
#include "sim/successor_sequences.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

FittedSimulator two_member_simulator() {
  FittedSimulator simulator;
  simulator.config = testing::tiny_sim_config("gru");
  simulator.config.ensemble = 2;
  simulator.config.uncertainty_penalty = 0.25;
  simulator.config.response.no_click_utility = -1.5;
  simulator.num_items = 13;
  simulator.slate_size = 3;
  simulator.store_path = "data/x.h5";
  simulator.store_hash = "fnv1a64:0123456789abcdef";
  simulator.seed = 0xFFFFFFFFFFFFFFF1ULL;  // above 2^63: JSON must keep it unsigned
  simulator.calibration.source = "impressions";
  simulator.calibration.no_click_utility = -2.25;
  simulator.calibration.position_bias = {0, 0.5, 0.75};
  simulator.calibration.preference_scale = 0.625;
  simulator.calibration.slates_used = 99;
  simulator.calibration.log_likelihood = std::nan("");
  simulator.calibration.leave.decays = {0.5, 0.875};
  simulator.calibration.leave.weights = {-2.5, 0.25, -0.125, 1.5, 0.0625, -0.75, 0.5};
  simulator.calibration.leave.steps_used = 1234;
  simulator.calibration.leave.censored = 17;
  simulator.calibration.leave.log_likelihood = -0.3125;
  torch::manual_seed(9);
  for (int k = 0; k < 2; ++k) {
    simulator.members.emplace_back(simulator.config.model, simulator.num_items);
    simulator.members.back()->eval();
    TrainingSummary summary;
    summary.best_epoch = k + 1;
    summary.best_valid.next_item_nll = 1.5 + k;
    summary.best_valid.end_targets = 40;
    summary.epochs.push_back(EpochRecord{1, 2.5, summary.best_valid, 0.1});
    simulator.summaries.push_back(summary);
  }
  return simulator;
}

TEST(FittedSimulator, SaveAndLoadGiveIdenticalLogits) {
  testing::TempDir dir;
  FittedSimulator saved = two_member_simulator();
  save_simulator(saved, dir / "sim");
  FittedSimulator loaded = load_simulator(dir / "sim", "cpu");

  ASSERT_EQ(loaded.members.size(), 2u);
  EXPECT_EQ(loaded.num_items, 13);
  EXPECT_EQ(loaded.slate_size, 3);
  EXPECT_EQ(loaded.store_path, "data/x.h5");
  EXPECT_EQ(loaded.store_hash, saved.store_hash);
  EXPECT_EQ(loaded.seed, saved.seed);
  EXPECT_EQ(loaded.config.ensemble, 2);
  EXPECT_EQ(loaded.config.uncertainty_penalty, 0.25);
  EXPECT_EQ(loaded.config.model.hidden_dim, 16);
  EXPECT_EQ(loaded.config.training.learning_rate, 1e-2);
  EXPECT_EQ(loaded.config.response.no_click_utility, -1.5);
  EXPECT_EQ(loaded.calibration.source, "impressions");
  EXPECT_EQ(loaded.calibration.position_bias, saved.calibration.position_bias);
  EXPECT_EQ(loaded.calibration.preference_scale, 0.625);
  EXPECT_EQ(loaded.calibration.slates_used, 99);
  EXPECT_TRUE(std::isnan(loaded.calibration.log_likelihood));
  EXPECT_EQ(loaded.calibration.leave.decays, saved.calibration.leave.decays);
  EXPECT_EQ(loaded.calibration.leave.weights, saved.calibration.leave.weights);
  EXPECT_EQ(loaded.calibration.leave.steps_used, 1234);
  EXPECT_EQ(loaded.calibration.leave.censored, 17);
  EXPECT_EQ(loaded.calibration.leave.log_likelihood, -0.3125);
  ASSERT_EQ(loaded.summaries.size(), 2u);
  EXPECT_EQ(loaded.summaries[1].best_epoch, 2);
  EXPECT_EQ(loaded.summaries[1].best_valid.next_item_nll, 2.5);
  EXPECT_EQ(loaded.summaries[1].best_valid.end_targets, 40);
  EXPECT_EQ(loaded.summaries[0].epochs.at(0).train_loss, 2.5);

  torch::NoGradGuard no_grad;
  const torch::Tensor items = torch::randint(13, {3, 4}, torch::kInt64);
  const torch::Tensor types = torch::randint(3, {3, 4}, torch::kInt64);
  for (std::size_t k = 0; k < 2; ++k) {
    EXPECT_FALSE(loaded.members[k]->is_training());
    const torch::Tensor a = saved.members[k]->encoder()->forward(items, types).select(1, 4);
    const torch::Tensor b = loaded.members[k]->encoder()->forward(items, types).select(1, 4);
    EXPECT_TRUE(torch::equal(saved.members[k]->item_logits(a), loaded.members[k]->item_logits(b)));
    EXPECT_TRUE(torch::equal(saved.members[k]->purchase_logits(a, items),
                             loaded.members[k]->purchase_logits(b, items)));
    EXPECT_TRUE(torch::equal(saved.members[k]->end_logits(a), loaded.members[k]->end_logits(b)));
  }
  // The members differ from each other (each is its own model, not one saved twice).
  EXPECT_FALSE(
      torch::equal(loaded.members[0]->named_parameters()["encoder.item_embedding.weight"],
                   loaded.members[1]->named_parameters()["encoder.item_embedding.weight"]));
}

TEST(FittedSimulator, SavingOverAnExistingSimulatorReplacesIt) {
  testing::TempDir dir;
  FittedSimulator first = two_member_simulator();
  save_simulator(first, dir / "sim");
  testing::write_text(dir / "sim" / "stale.txt", "left from before");
  FittedSimulator second = two_member_simulator();
  second.members.pop_back();
  second.summaries.pop_back();
  second.store_hash = "fnv1a64:ffffffffffffffff";
  save_simulator(second, dir / "sim");
  EXPECT_FALSE(std::filesystem::exists(dir / "sim" / "stale.txt"));
  EXPECT_FALSE(std::filesystem::exists(dir / "sim" / "member-1.pt"));
  const FittedSimulator loaded = load_simulator(dir / "sim", "cpu");
  EXPECT_EQ(loaded.members.size(), 1u);
  EXPECT_EQ(loaded.store_hash, "fnv1a64:ffffffffffffffff");
  // Nothing but the simulator is left beside it.
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path()))
    ++entries;
  EXPECT_EQ(entries, 1);
}

std::string io_error_message(const std::filesystem::path& directory) {
  try {
    load_simulator(directory, "cpu");
  } catch (const IoError& e) {
    return e.what();
  }
  return "no IoError";
}

TEST(FittedSimulator, MissingPartsAreIoErrorsNamingTheFile) {
  testing::TempDir dir;
  EXPECT_NE(io_error_message(dir / "nowhere").find("simulator.json"), std::string::npos);

  save_simulator(two_member_simulator(), dir / "sim");
  std::filesystem::remove(dir / "sim" / "member-1.pt");
  EXPECT_NE(io_error_message(dir / "sim").find("member-1.pt"), std::string::npos)
      << io_error_message(dir / "sim");

  testing::write_text(dir / "sim" / "member-1.pt", "not a torch archive");
  EXPECT_NE(io_error_message(dir / "sim").find("member-1.pt"), std::string::npos)
      << io_error_message(dir / "sim");

  // A leave hazard whose weights do not match its decays.
  std::string manifest = read_file_text(dir / "sim" / "simulator.json");
  const std::size_t weights = manifest.find("\"weights\": [");
  ASSERT_NE(weights, std::string::npos);
  manifest.insert(weights + std::string("\"weights\": [").size(), "1.0, ");
  testing::write_text(dir / "sim" / "simulator.json", manifest);
  EXPECT_NE(io_error_message(dir / "sim").find("simulator.json: leave_hazard: 8 weights"),
            std::string::npos)
      << io_error_message(dir / "sim");

  testing::write_text(dir / "sim" / "simulator.json", "{\"format_version\": 1");
  EXPECT_NE(io_error_message(dir / "sim").find("simulator.json"), std::string::npos)
      << io_error_message(dir / "sim");
}

}  // namespace
}  // namespace shoprl
