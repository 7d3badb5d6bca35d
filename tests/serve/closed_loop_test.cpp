// The closed loop on loopback, checked against the synthetic world's truth: a stochastic policy
// is served (serve/policy_server.h), the world's shoppers play against it over HTTP
// (traffic/synthetic_shoppers.h), the decision log becomes a session store (the decision-log
// importer), and candidates are evaluated off-policy on it (policy/log_evaluation.h) or served
// to their own share of the shoppers (an A/B experiment, eval/ab_experiment.h), and gated
// (eval/promotion_gate.h, jobs/policy_publication.h). A small world (10 items, slates of 2, at
// most 3 slates per session) keeps whole-slate importance weights bounded, so that the session
// estimators' intervals can be checked for coverage in seconds.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <torch/script.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "data/import.h"
#include "env/log_synthesis.h"
#include "env/policy_value.h"
#include "env/synthetic_world.h"
#include "eval/ab_experiment.h"
#include "eval/promotion_gate.h"
#include "jobs/policy_publication.h"
#include "policy/log_evaluation.h"
#include "policy/network_slate_policy.h"
#include "policy/policy_artifact.h"
#include "policy/torchscript_policy.h"
#include "serve/policy_server.h"
#include "serve/serve_fixtures.h"
#include "testing/test_paths.h"
#include "traffic/synthetic_shoppers.h"

namespace shoprl {
namespace {

constexpr std::int64_t kLoopItems = 10;
constexpr int kLoopSlate = 2;
constexpr std::uint64_t kLoopWorldSeed = 7;

struct LoopWorld {
  WorldConfig config;
  EnvConfig env;
  std::unique_ptr<SyntheticWorld> world;
  std::vector<float> quality;  // per item: its mean utility over the population
};

LoopWorld make_loop_world() {
  LoopWorld w;
  w.config.items = kLoopItems;
  w.config.users = 300;
  // Clicks common and popularity strong, so that a context-free ranking by quality is clearly
  // better than a near-uniform one and a session's return is not almost always 0.
  w.config.choice.no_click_utility = 1.5;
  w.config.popularity_weight = 1.5;
  w.env.slate_size = kLoopSlate;
  w.env.max_steps = 3;
  w.env.history_length = 8;
  w.env.threads = 1;
  w.world = std::make_unique<SyntheticWorld>(w.config, kLoopSlate, world_seed(kLoopWorldSeed));
  w.quality.assign(kLoopItems, 0.0F);
  for (std::int64_t i = 0; i < kLoopItems; ++i) {
    double sum = 0;
    for (std::int32_t u = 0; u < w.world->num_users(); ++u)
      sum += w.world->utility(w.world->user_factor(u), static_cast<std::int32_t>(i));
    w.quality[static_cast<std::size_t>(i)] = static_cast<float>(sum / w.world->num_users());
  }
  return w;
}

// A context-free Boltzmann policy over `scores` (the item head's bias; its weights are zero),
// exported as version `version` of `name`.
void export_scored_policy(const std::filesystem::path& repository, const std::string& name,
                          std::int64_t version, const std::vector<float>& scores) {
  PolicyNetworkConfig config;
  config.encoder = "mean";
  config.embedding_dim = 4;
  config.hidden_dim = 4;
  config.history_length = 6;
  PolicyNetwork network(config, kLoopItems, PolicyHeads{});
  {
    torch::NoGradGuard no_grad;
    for (auto& p : network->named_parameters()) {
      if (p.key() == "item_head.weight") p.value().zero_();
      if (p.key() == "item_head.bias")
        p.value().copy_(torch::tensor(scores, torch::dtype(torch::kFloat32)));
    }
  }
  network->eval();
  torch::jit::Module module = script_policy({network, ScoreHead::kItem, 1.0});
  PolicyMetadata m = testing::test_policy_metadata("mean", kLoopItems, kLoopSlate);
  m.slate_rule.rule = "boltzmann";
  m.slate_rule.temperature = 1.0;
  write_policy_version(repository, name, version, module, m, /*force=*/true);
}

std::vector<float> scaled(const std::vector<float>& quality, float factor) {
  std::vector<float> out(quality);
  for (float& q : out) q *= factor;
  return out;
}

ScoringFunction scoring_of(const std::shared_ptr<ExportedPolicy>& policy) {
  return [policy](const SessionBatch& batch) { return policy->scores(batch); };
}

// The policy's true value per session in the world (Monte Carlo, 40,000 sessions).
PolicyValueEstimate true_value(const LoopWorld& w, const std::filesystem::path& model) {
  const auto policy = std::make_shared<ExportedPolicy>(ExportedPolicy::load(model));
  const NetworkSlatePolicy acting(scoring_of(policy), kLoopItems, policy->metadata().slate_rule, 64,
                                  "truth");
  return monte_carlo_policy_value(*w.world, w.env, acting, 40000, 1024, 99);
}

// A server over `repository` on a free loopback port, with a decision log.
class LoopServer {
 public:
  LoopServer(const std::filesystem::path& repository, const std::filesystem::path& log_dir,
             std::uint64_t seed) {
    ServeOptions options;
    options.models = repository;
    options.port = 0;
    options.threads = 2;
    options.log_dir = log_dir;
    options.log_flush_ms = 20;
    options.poll_seconds = 0;
    options.seed = seed;
    server_ = std::make_unique<PolicyServer>(options);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
  }
  ~LoopServer() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }
  std::string url() const { return fmt::format("http://127.0.0.1:{}", port_); }
  int port() const { return port_; }

 private:
  std::unique_ptr<PolicyServer> server_;
  int port_ = 0;
  std::thread thread_;
};

// `canary`: a second model that half the shoppers ask instead (traffic.canary_model).
TrafficResult play(const LoopWorld& w, const LoopServer& server, std::int64_t sessions,
                   std::uint64_t seed, const std::string& prefix, const std::string& canary = "") {
  TrafficConfig traffic;
  traffic.url = server.url();
  traffic.model = "served";
  traffic.sessions = sessions;
  traffic.concurrency = 2;
  traffic.canary_model = canary;
  traffic.canary_share = 0.5;
  return play_synthetic_traffic(*w.world, w.env, traffic, seed, prefix);
}

// `only_model`: keep one model's decisions (import.model), as each arm of an experiment.
SessionStore import_served_logs(const LoopWorld& w, const std::filesystem::path& log_dir,
                                const std::filesystem::path& model,
                                const std::string& only_model = "") {
  ImportConfig config;
  config.format = "decision-log";
  config.inputs = {log_dir.string()};
  config.catalogue = model.string();
  config.model = only_model;
  config.rewards.click = w.env.click_reward;
  config.rewards.purchase = w.env.purchase_reward;
  config.split.train = 1;
  config.split.valid = 0;
  config.split.test = 0;
  return import_session_logs(config, 1, "");
}

EvaluationReport evaluate_on_logs(const SessionStore& store, const std::filesystem::path& model,
                                  std::uint64_t seed) {
  const auto policy = std::make_shared<ExportedPolicy>(ExportedPolicy::load(model));
  LogEvaluationOptions options;
  options.split = "all";
  options.name = "candidate";
  options.history_length = policy->metadata().history_length;
  options.ope.estimators = {"pdis", "seq-dr"};
  options.ope.reward_max = 1.2;
  options.ranking = false;
  return evaluate_scoring_policy_on_logs(store, scoring_of(policy), kLoopItems,
                                         policy->metadata().slate_rule, kLoopSlate, options, seed);
}

const Estimate& estimate_named(const EvaluationReport& report, const std::string& name) {
  for (const Estimate& e : report.estimates)
    if (e.estimator == name) return e;
  throw std::runtime_error("no estimate " + name);
}

const Estimate& logged_session_value(const EvaluationReport& report) {
  for (const Estimate& e : report.logging_values)
    if (e.unit == "session") return e;
  throw std::runtime_error("no on-policy session value");
}

class ClosedLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    export_scored_policy(repository_, "served", 1, scaled(world_.quality, 0.5F));
    export_scored_policy(candidates_, "better", 1, scaled(world_.quality, 1.5F));
    export_scored_policy(candidates_, "worse", 1, scaled(world_.quality, -0.5F));
  }

  LoopWorld world_ = make_loop_world();
  testing::TempDir dir_;
  std::filesystem::path repository_ = dir_ / "models";
  std::filesystem::path candidates_ = dir_ / "candidates";
};

// The imported store puts every logged slate back in the state the server scored it in: the
// served policy evaluated on its own traffic has importance weight 1 on every slate, so its
// per-decision IPW estimate equals the logs' own mean return, which itself estimates the served
// policy's true value.
TEST_F(ClosedLoop, TheServedPolicyOnItsOwnTrafficHasWeightOneEverywhere) {
  LoopServer server(repository_, dir_ / "log", 5);
  const TrafficResult traffic = play(world_, server, 600, 5, "own");
  server.stop();
  EXPECT_EQ(traffic.sessions, 600);
  EXPECT_EQ(traffic.decisions_by_version.at(1), traffic.decisions);
  const SessionStore store = import_served_logs(world_, dir_ / "log", repository_ / "served");
  EXPECT_EQ(store.num_sessions(), 600u);
  EXPECT_EQ(store.impressions.size(), static_cast<std::size_t>(traffic.decisions) * kLoopSlate);
  const EvaluationReport report = evaluate_on_logs(store, repository_ / "served", 1);
  const Estimate& pdis = estimate_named(report, "pdis");
  const Estimate& logged = logged_session_value(report);
  EXPECT_NEAR(logged.value, traffic.mean_return, 1e-9);
  EXPECT_NEAR(pdis.value, logged.value, 1e-5 * std::max(1.0, std::abs(logged.value)));
  EXPECT_NEAR(pdis.effective_sample_size, static_cast<double>(store.num_sessions()), 1.0);
  const PolicyValueEstimate truth = true_value(world_, repository_ / "served");
  EXPECT_LT(std::abs(traffic.mean_return - truth.value),
            4 * std::hypot(traffic.std_error, truth.std_error));
}

// Twenty independent servings of 400 sessions each: the 95% intervals of IPW (pdis) and DR
// (seq-dr) for a second policy cover its true value in at least 15 of the 20. With a true
// coverage of 95% the chance of 14 or fewer is 0.03%; of 90%, 1.1%. Measured here: pdis 18 of
// 20, seq-dr 17 of 20 (the seeds are fixed, so the test gives the same counts every run).
TEST_F(ClosedLoop, OffPolicyIntervalsOnServedTrafficCoverTheCandidatesTrueValue) {
  const PolicyValueEstimate truth = true_value(world_, candidates_ / "better");
  int covered_ipw = 0, covered_dr = 0;
  constexpr int kSeeds = 20;
  for (int seed = 0; seed < kSeeds; ++seed) {
    const std::filesystem::path log_dir = dir_ / fmt::format("log{}", seed);
    {
      LoopServer server(repository_, log_dir, 100 + seed);
      play(world_, server, 400, 100 + seed, fmt::format("c{}", seed));
    }
    const SessionStore store = import_served_logs(world_, log_dir, repository_ / "served");
    const EvaluationReport report = evaluate_on_logs(store, candidates_ / "better", seed);
    const Estimate& ipw = estimate_named(report, "pdis");
    const Estimate& dr = estimate_named(report, "seq-dr");
    covered_ipw += ipw.ci.low <= truth.value && truth.value <= ipw.ci.high;
    covered_dr += dr.ci.low <= truth.value && truth.value <= dr.ci.high;
    std::printf("seed %d: truth %.4f  pdis %.4f [%.4f, %.4f]  seq-dr %.4f [%.4f, %.4f]\n", seed,
                truth.value, ipw.value, ipw.ci.low, ipw.ci.high, dr.value, dr.ci.low, dr.ci.high);
  }
  EXPECT_GE(covered_ipw, 15);
  EXPECT_GE(covered_dr, 15);
}

// The gate on one serving: the better candidate's DR lower bound clears the served policy's
// value and is published (the server then serves it), the worse one's does not.
TEST_F(ClosedLoop, TheGatePublishesABetterCandidateAndRefusesAWorseOne) {
  LoopServer server(repository_, dir_ / "log", 9);
  play(world_, server, 1500, 9, "gate");
  // The server keeps serving (it hot-reloads below), so its log is read live: wait until its
  // writer has flushed every decision and feedback of the traffic (every 20 ms here), or the
  // import could read a feedback line whose decision it read the file too early to see.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const SessionStore store = import_served_logs(world_, dir_ / "log", repository_ / "served");
  const double served = true_value(world_, repository_ / "served").value;
  const double better = true_value(world_, candidates_ / "better").value;
  const double worse = true_value(world_, candidates_ / "worse").value;
  std::printf("true values: served %.4f, better %.4f, worse %.4f\n", served, better, worse);
  ASSERT_GT(better, served * 1.1) << "the test's candidates must differ in truth";
  ASSERT_LT(worse, served * 0.9);

  PromoteConfig gate;  // seq-dr, lower bound above the served value
  const PromotionDecision refused =
      decide_promotion(evaluate_on_logs(store, candidates_ / "worse", 2), gate);
  EXPECT_FALSE(refused.publish) << refused.reason;
  const PromotionDecision accepted =
      decide_promotion(evaluate_on_logs(store, candidates_ / "better", 2), gate);
  ASSERT_TRUE(accepted.publish) << accepted.reason;

  check_publishable(candidates_ / "better", repository_, "served", "candidate");
  EXPECT_EQ(publish_policy_version(candidates_ / "better", repository_, "served"), 2);
  httplib::Client client("127.0.0.1", server.port());
  const auto loaded = client.Post("/v1/models/served/load", "", "application/json");
  ASSERT_TRUE(loaded);
  EXPECT_NE(loaded->body.find("\"serving\":2"), std::string::npos) << loaded->body;
  const TrafficResult after = play(world_, server, 50, 10, "after");
  EXPECT_EQ(after.decisions_by_version.count(1), 0u);
  EXPECT_EQ(after.decisions_by_version.at(2), after.decisions);
}

// The canary: a candidate served to half the shoppers beside the served policy, each arm's
// decisions imported into its own store. Each store's mean return per session is exactly that
// arm's shoppers' (the logs lose nothing), the experiment's lead agrees with the two policies'
// true values, and the gate publishes the better candidate and refuses the worse one.
TEST_F(ClosedLoop, TheCanaryExperimentPublishesABetterCandidateAndRefusesAWorseOne) {
  export_scored_policy(repository_, "canary-better", 1, scaled(world_.quality, 1.5F));
  export_scored_policy(repository_, "canary-worse", 1, scaled(world_.quality, -0.5F));
  const double served = true_value(world_, repository_ / "served").value;
  PromoteConfig gate;
  gate.evidence = "canary";
  for (const std::string canary : {"canary-better", "canary-worse"}) {
    const std::filesystem::path log_dir = dir_ / ("log-" + canary);
    TrafficResult traffic;
    {
      LoopServer server(repository_, log_dir, 21);
      traffic = play(world_, server, 2000, 21, canary, canary);
    }
    ASSERT_EQ(traffic.arms.size(), 2u);
    const TrafficArm& own = traffic.arms[0];
    const TrafficArm& other = traffic.arms[1];
    EXPECT_EQ(own.sessions + other.sessions, 2000);
    EXPECT_NEAR(other.sessions, 1000, 5 * std::sqrt(500.0));  // 5 binomial standard deviations
    EXPECT_EQ(other.decisions_by_version.size(), 1u);
    EXPECT_EQ(traffic.decisions_by_version.size(), 1u);

    const SessionStore served_arm =
        import_served_logs(world_, log_dir, repository_ / "served", "served");
    const SessionStore canary_arm =
        import_served_logs(world_, log_dir, repository_ / canary, canary);
    const ArmValue served_value = arm_session_value(served_arm, "served arm");
    const ArmValue canary_value = arm_session_value(canary_arm, "canary arm");
    EXPECT_EQ(served_value.sessions, own.sessions);
    EXPECT_EQ(canary_value.sessions, other.sessions);
    EXPECT_NEAR(served_value.mean, own.mean_return, 1e-5);
    EXPECT_NEAR(canary_value.mean, other.mean_return, 1e-5);

    const ExperimentReadout experiment = read_experiment(served_value, canary_value, 0.95);
    const double truth = true_value(world_, repository_ / canary).value - served;
    std::printf("%s: lead %.4f [%.4f, %.4f], true %.4f\n", canary.c_str(), experiment.difference,
                experiment.ci.low, experiment.ci.high, truth);
    EXPECT_LT(std::abs(experiment.difference - truth), 4 * experiment.std_error);
    const PromotionDecision decision = decide_promotion_by_experiment(experiment, gate, 0.95);
    EXPECT_EQ(decision.publish, canary == "canary-better") << decision.reason;
  }
}

}  // namespace
}  // namespace shoprl
