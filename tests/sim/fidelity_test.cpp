// Tests the fidelity evaluation (src/sim/fidelity.cpp) on a tiny simulator fitted on logs of a
// tiny synthetic world: the popularity baseline against a brute-force ranking, the one-member
// mixture's log-likelihood against the trainer's own evaluation (two implementations of the
// same number), the targets both heads are scored on, and the simulated sessions.
#include "sim/fidelity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "core/error.h"
#include "data/event_type.h"
#include "env/log_synthesis.h"
#include "env/tiny_world.h"
#include "sim/fitted_simulator.h"
#include "sim/session_sequences.h"
#include "sim/simulator_fit.h"
#include "sim/user_model_training.h"
#include "testing/event_codes.h"

namespace shoprl {
namespace {

using testing::kClickCode;

// 800 sessions of up to 6 slates of 3 out of 40 items, logged by an epsilon-greedy policy; a
// one-member GRU of width 12 trained for up to 15 epochs (a second on one core).
class TinyFidelity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    WorldConfig world = testing::tiny_world_config(40, 200);
    EnvConfig env = testing::tiny_env_config(3);
    env.max_steps = 6;
    env.history_length = 20;
    PolicyConfig logging;
    logging.kind = "epsilon_greedy";
    logging.epsilon = 0.3;
    SynthConfig synth;
    synth.sessions = 800;
    synth.batch_size = 200;
    synth.value_episodes = 0;
    synth.split.train = 0.6;
    synth.split.valid = 0.2;
    synth.split.test = 0.2;
    logs_ = new SynthesizedLogs(synthesize_logs(world, env, logging, synth, 21, "world: {}\n"));
    SimConfig config;
    config.ensemble = 1;
    config.model.embedding_dim = 12;
    config.model.hidden_dim = 12;
    config.model.max_length = 12;  // some sessions are windowed
    config.training.epochs = 15;
    config.training.batch_size = 64;
    simulator_ = new FittedSimulator(fit_simulator(config, logs_->store, "tiny.h5", 3, 5, "cpu"));
    inputs_.store_path = "tiny.h5";
    inputs_.simulator_path = "tiny-simulator";
    inputs_.env = env;
    inputs_.report.max_sessions = 100;
    inputs_.report.batch_size = 64;
    inputs_.report.eval_batch_size = 16;  // several batches
    inputs_.seed = 3;
    report_ = new FidelityReport(evaluate_fidelity(*simulator_, logs_->store, inputs_));
  }
  static void TearDownTestSuite() {
    delete report_;
    delete simulator_;
    delete logs_;
  }

  static SynthesizedLogs* logs_;
  static FittedSimulator* simulator_;
  static FidelityInputs inputs_;
  static FidelityReport* report_;
};

SynthesizedLogs* TinyFidelity::logs_ = nullptr;
FittedSimulator* TinyFidelity::simulator_ = nullptr;
FidelityInputs TinyFidelity::inputs_;
FidelityReport* TinyFidelity::report_ = nullptr;

TEST_F(TinyFidelity, PopularityBaselineMatchesABruteForceRanking) {
  const SessionStore& store = logs_->store;
  std::vector<double> counts(store.num_items(), 1.0);  // add-one
  double total = static_cast<double>(store.num_items());
  for (std::size_t s = 0; s < store.num_sessions(); ++s) {
    if (store.session_split[s] != static_cast<std::int8_t>(Split::kTrain)) continue;
    for (std::int64_t e = store.session_offsets[s]; e < store.session_offsets[s + 1]; ++e) {
      if (store.event_type[e] != kClickCode) continue;
      counts[store.event_item[e]] += 1;
      total += 1;
    }
  }
  // Every click of the test sequences, ranked by counting items above and tied.
  const SessionSequences test =
      session_sequences(store, Split::kTest, simulator_->config.model.max_length, "tiny.h5");
  double hits_at_5 = 0, log_likelihood = 0;
  std::int64_t targets = 0;
  for (std::size_t e = 0; e < test.items.size(); ++e) {
    if (test.types[e] != kClickCode) continue;
    const double c = counts[test.items[e]];
    std::int64_t above = 0, tied = 0;
    for (const double other : counts) {
      above += other > c;
      tied += other == c;
    }
    // Rank uniform on above+1 .. above+tied: the chance it is <= 5.
    hits_at_5 += std::clamp<double>(5.0 - above, 0, tied) / tied;
    log_likelihood += std::log(c / total);
    ++targets;
  }
  const NextClickScores& popularity = report_->popularity_next_click;
  ASSERT_GT(targets, 50);
  EXPECT_EQ(popularity.targets, targets);
  EXPECT_EQ(popularity.cutoffs, (std::vector<int>{5, 10, 20}));
  EXPECT_NEAR(popularity.hit_rate[0], hits_at_5 / targets, 1e-12);
  EXPECT_NEAR(popularity.mean_log_likelihood, log_likelihood / targets, 1e-12);
  EXPECT_NEAR(popularity.perplexity, std::exp(-log_likelihood / targets), 1e-9);
}

TEST_F(TinyFidelity, OneMemberMixtureIsTheModelsOwnLikelihood) {
  const SessionSequences test =
      session_sequences(logs_->store, Split::kTest, simulator_->config.model.max_length, "tiny.h5");
  const UserModelLosses losses = evaluate_user_model(simulator_->members[0], test, "cpu");
  const NextClickScores& model = report_->simulator_next_click;
  EXPECT_EQ(model.targets, losses.next_item_targets);
  EXPECT_EQ(report_->purchase.targets, losses.purchase_targets);
  // Both in float32 over a 40-item softmax: agreement to 1e-4 nats.
  EXPECT_NEAR(-model.mean_log_likelihood, losses.next_item_nll, 1e-4);
  // A trained model beats add-one popularity in a world where interest drives clicks.
  EXPECT_GT(model.mean_log_likelihood, report_->popularity_next_click.mean_log_likelihood);
}

TEST_F(TinyFidelity, RankingAndPurchaseFiguresAreConsistent) {
  const NextClickScores& model = report_->simulator_next_click;
  for (std::size_t c = 0; c < 3; ++c) {
    EXPECT_GE(model.hit_rate[c], 0.0);
    EXPECT_LE(model.hit_rate[c], 1.0);
    EXPECT_LE(model.ndcg[c], model.hit_rate[c]);
    if (c > 0) {
      EXPECT_GE(model.hit_rate[c], model.hit_rate[c - 1]);
    }
  }
  // With 40 items, the top 20 hold the target more often than not for any sensible model.
  EXPECT_GT(model.hit_rate[2], 0.5);
  const PurchaseScores& purchase = report_->purchase;
  std::int64_t binned = 0;
  for (const ReliabilityBin& bin : purchase.bins) binned += bin.count;
  EXPECT_EQ(binned, purchase.targets);
  EXPECT_GT(purchase.positives, 0);
  EXPECT_GE(purchase.auc, 0.0);
  EXPECT_LE(purchase.auc, 1.0);
}

TEST_F(TinyFidelity, SimulatesAsManySessionsAsTheTestSplitHasUpToTheCap) {
  EXPECT_GT(report_->real.sessions, 100);
  EXPECT_EQ(report_->simulated.sessions, 100);  // sim_report.max_sessions
  EXPECT_NE(report_->simulation_policy.find("logged slates"), std::string::npos)
      << report_->simulation_policy;
  EXPECT_GT(report_->simulated.slates, 0);
  EXPECT_FALSE(std::isnan(report_->real.click_through_rate));
  EXPECT_GE(report_->length_ks.statistic, 0.0);
  EXPECT_LE(report_->length_ks.statistic, 1.0);
  EXPECT_EQ(report_->ensemble, 1);
  EXPECT_EQ(report_->members.size(), 1u);
  EXPECT_EQ(report_->calibration.source, "impressions");
}

TEST_F(TinyFidelity, SameSeedSameReport) {
  const FidelityReport again = evaluate_fidelity(*simulator_, logs_->store, inputs_);
  EXPECT_EQ(again.simulated.lengths, report_->simulated.lengths);
  EXPECT_EQ(again.simulator_next_click.hit_rate, report_->simulator_next_click.hit_rate);
}

TEST_F(TinyFidelity, WithoutImpressionsUniformSlatesAndNoClickThrough) {
  SessionStore store = logs_->store;
  store.impressions = StoreImpressions{};
  const FidelityReport report = evaluate_fidelity(*simulator_, store, inputs_);
  EXPECT_EQ(report.simulation_policy.rfind("uniform", 0), 0u) << report.simulation_policy;
  EXPECT_TRUE(std::isnan(report.real.click_through_rate));
  EXPECT_FALSE(std::isnan(report.simulated.click_through_rate));
  bool noted = false;
  for (const std::string& note : report.notes)
    noted |= note.find("click-through") != std::string::npos;
  EXPECT_TRUE(noted);
  // The model's figures do not depend on the impressions.
  EXPECT_EQ(report.simulator_next_click.hit_rate, report_->simulator_next_click.hit_rate);
}

TEST_F(TinyFidelity, ACatalogueOfAnotherSizeIsADataError) {
  SessionStore other = logs_->store;
  other.item_raw_id.push_back("extra");
  EXPECT_THROW(evaluate_fidelity(*simulator_, other, inputs_), DataError);
}

}  // namespace
}  // namespace shoprl
