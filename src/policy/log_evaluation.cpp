// Off-policy evaluation of a scoring policy on logged sessions (log_evaluation.h).
#include "policy/log_evaluation.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

#include "core/error.h"
#include "core/seeding.h"
#include "core/thread_pool.h"
#include "env/logged_state_value.h"
#include "env/policy_value.h"
#include "env/synthetic_world.h"
#include "eval/evaluation_policy.h"
#include "eval/ranking_metrics.h"
#include "eval/torch/mlp_reward_model.h"
#include "eval/true_value.h"
#include "eval/weight_histogram.h"
#include "policy/network_scorer.h"
#include "policy/slate_propensities.h"

namespace shoprl {

namespace {

// Streams derived from the evaluation seed.
enum LogEvaluationStream : std::uint64_t {
  kSlateStream = 0x51a7e,       // per logged slate: the sampled prefixes of boltzmann marginals
  kTruthStream = 0x7e0e,        // the Monte Carlo true value
  kLoggedStateStream = 0x7e0f,  // the true value in the logged states
};

// Slates the policy draws in each logged state for the per-slate truth: enough for a standard
// error of a random slate rule; a deterministic one gets the same slate each time (error 0).
constexpr int kLoggedStateDraws = 4;

// One logged slate: rows [first, last) of the rounds, shown in `session` at `time_ms`.
struct LoggedSlate {
  std::size_t first = 0;
  std::size_t last = 0;
  std::int64_t store_slate = 0;
  std::int64_t session = 0;
  std::int64_t time_ms = 0;
};

std::vector<LoggedSlate> logged_slates(const SessionStore& store, const StoreRounds& rounds) {
  const StoreImpressions& shown = store.impressions;
  std::vector<LoggedSlate> slates;
  for (std::size_t r = 0; r < rounds.impression_row.size(); ++r) {
    const std::size_t row = rounds.impression_row[r];
    if (slates.empty() || shown.slate[row] != slates.back().store_slate) {
      slates.push_back({r, r, shown.slate[row], shown.session[row], shown.time_ms[row]});
    }
    slates.back().last = r + 1;
  }
  return slates;
}

// Where a slate's probabilities go: the rounds' target columns and the prefix probabilities.
struct SlateProbabilityTargets {
  const SessionStore& store;
  StoreRounds& out;
  bool has_slates;
  const RewardModel* model;
  std::uint64_t seed;
  std::vector<double>& prefix_target;
};

// The policy's probabilities of one logged slate's rows, from that state's scores; one per
// thread (the slate rule and the buffers are reused across slates).
class SlateProbabilityWorker {
 public:
  SlateProbabilityWorker(const SlateRuleConfig& rule, int slate_size, int marginal_samples,
                         std::int64_t num_items)
      : rule_(rule, slate_size, marginal_samples),
        k_(slate_size),
        num_items_(num_items),
        q_(static_cast<std::size_t>(num_items)) {}

  void fill(const LoggedSlate& slate, const float* scores, const SlateProbabilityTargets& to) {
    LoggedRounds& rounds = to.out.rounds;
    rule_.set_scores(scores, num_items_);
    RandomStream rng(
        derive_seed(to.seed, kSlateStream, static_cast<std::uint64_t>(slate.store_slate)));
    const int count = static_cast<int>(slate.last - slate.first);
    items_.clear();
    bool in_slot_order = true;  // rows hold slots 0, 1, ... in order (the usual layout)
    for (int j = 0; j < count; ++j) {
      const std::size_t r = slate.first + j;
      items_.push_back(to.store.impressions.item[to.out.impression_row[r]]);
      in_slot_order = in_slot_order && rounds.position[r] == j;
    }
    // Prefix probabilities of the rows in order (as the context-free path reads them); rows
    // beyond the policy's slate have probability 0.
    const int shown = std::min(count, k_);
    prefix_.assign(count, 0.0);
    rule_.prefix_probabilities(items_.data(), shown, prefix_.data());
    // Every shown item's marginal at every slot of the policy (inclusion = their sum).
    inclusion_.assign(static_cast<std::size_t>(count) * k_, 0.0);
    rule_.item_slot_marginals(items_.data(), count, rng, inclusion_.data());
    // The logged slot's marginal: with rows in slot order, the estimate that adds the shown
    // prefix's exact term (never below it, so never 0 for a slate the policy can show).
    marginal_.assign(count, 0.0);
    if (in_slot_order) rule_.marginals(items_.data(), shown, rng, marginal_.data());
    for (int j = 0; j < count; ++j) {
      const std::size_t r = slate.first + j;
      const int slot = rounds.position[r];
      if (!in_slot_order) marginal_[j] = slot < k_ ? inclusion_[j * k_ + slot] : 0.0;
      rounds.target_pscore[r] = slot < k_ ? marginal_[j] : 0.0;
      double sum = 0;
      for (int s = 0; s < k_; ++s) sum += inclusion_[j * k_ + s];
      rounds.target_inclusion[r] = sum;
      to.prefix_target[r] = prefix_[j];
      if (to.model) {
        to.model->predict(r, slot, q_.data());
        rounds.q_target[r] = rule_.slot_expectation(q_.data(), slot, rng);
      }
    }
    if (to.has_slates)
      for (std::size_t r = slate.first; r < slate.last; ++r)
        rounds.slate_target_pscore[r] = prefix_[count - 1];
  }

 private:
  ScoredSlateRule rule_;
  int k_;
  std::int64_t num_items_;
  std::vector<std::int32_t> items_;
  std::vector<double> prefix_, marginal_, inclusion_, q_;
};

// The last `window` events of the slate's session that happened before it was shown: the
// observation the policy acts on (events of a step come after the slate, log_synthesis.cpp).
void fill_history(const SessionStore& store, const LoggedSlate& slate, int window,
                  std::int64_t* items, std::int64_t* types, std::int64_t& length) {
  const auto session = static_cast<std::size_t>(slate.session);
  const std::int64_t stop = events_before(store, slate.session, slate.time_ms);
  const std::int64_t start = std::max<std::int64_t>(store.session_offsets[session], stop - window);
  length = stop - start;
  std::fill(items, items + window, BatchEnv::kPad);
  std::fill(types, types + window, BatchEnv::kPad);
  for (std::int64_t e = start; e < stop; ++e) {
    items[e - start] = store.event_item[e];
    types[e - start] = store.event_type[e];
  }
}

// Scores [slates, I] of the histories before slates [first, last), float32 CPU.
torch::Tensor score_slates(const SessionStore& store, const std::vector<LoggedSlate>& slates,
                           std::size_t first, std::size_t last, const ScoringFunction& score,
                           std::int64_t num_items, int window, const std::string& name) {
  const auto rows = static_cast<std::int64_t>(last - first);
  torch::Tensor items = torch::empty({rows, window}, torch::kInt64);
  torch::Tensor types = torch::empty({rows, window}, torch::kInt64);
  torch::Tensor lengths = torch::empty({rows}, torch::kInt64);
  for (std::int64_t b = 0; b < rows; ++b)
    fill_history(store, slates[first + b], window, items.data_ptr<std::int64_t>() + b * window,
                 types.data_ptr<std::int64_t>() + b * window, lengths.data_ptr<std::int64_t>()[b]);
  torch::Tensor scores;
  {
    torch::NoGradGuard no_grad;
    scores = score(SessionBatch{items, types, lengths});
  }
  if (scores.dim() != 2 || scores.size(0) != rows || scores.size(1) != num_items)
    throw Error(fmt::format(
        "policy '{}': the scoring function returned {} dimensions for {} histories; expected "
        "[{}, {}]",
        name, scores.dim(), rows, rows, num_items));
  scores = scores.to(torch::kCPU, torch::kFloat32).contiguous();
  check_scores(scores, name);
  return scores;
}

void validate_inputs(const SessionStore& store, std::int64_t num_items, const SlateRuleConfig& rule,
                     int slate_size, const LogEvaluationOptions& options) {
  if (num_items != static_cast<std::int64_t>(store.num_items()))
    throw ConfigError(fmt::format("policy '{}' scores {} items; the store has {}", options.name,
                                  num_items, store.num_items()));
  validate_slate_rule(rule, num_items, slate_size, options.marginal_samples);
  if (options.history_length < 1)
    throw ConfigError(fmt::format("history_length: {} is not >= 1", options.history_length));
  if (options.batch_slates < 1)
    throw ConfigError(fmt::format("batch_slates: {} is not >= 1", options.batch_slates));
}

}  // namespace

StoreRounds scoring_policy_rounds(const SessionStore& store, const ScoringFunction& score,
                                  std::int64_t num_items, const SlateRuleConfig& rule,
                                  int slate_size, const LogEvaluationOptions& options,
                                  const RewardModel* model, std::uint64_t seed) {
  if (!score) throw ConfigError(fmt::format("policy '{}': no scoring function", options.name));
  validate_inputs(store, num_items, rule, slate_size, options);
  // The logging side (rewards, propensities, slates, sessions, reward-model rows) is the
  // context-free path's; a placeholder policy fills target columns that are overwritten below.
  EvaluationPolicyConfig placeholder_config;
  placeholder_config.kind = "uniform";
  const SlotDistributionPolicy placeholder = make_evaluation_policy(placeholder_config, store);
  StoreRounds out = logged_rounds_from_store(store, placeholder, options.split);
  LoggedRounds& rounds = out.rounds;
  const std::size_t n = rounds.size();
  const bool has_slates = !rounds.slate_target_pscore.empty();
  const bool has_prefixes = !rounds.prefix_target_pscore.empty();
  if (model) {
    rounds.q_logged = model->predict_logged();
    rounds.q_target.assign(n, 0.0);
  }
  std::vector<double> prefix_target(n, 0.0);

  const std::vector<LoggedSlate> slates = logged_slates(store, out);
  // The slates of a scored batch are shared among ope.threads workers. Each slate's random
  // stream is its own (derived from its store id), so the numbers do not depend on the split.
  ThreadPool pool(options.ope.threads);
  std::vector<SlateProbabilityWorker> workers;
  for (int t = 0; t < pool.threads(); ++t)
    workers.emplace_back(rule, slate_size, options.marginal_samples, num_items);
  const SlateProbabilityTargets targets{store, out, has_slates, model, seed, prefix_target};
  for (std::size_t first = 0; first < slates.size();
       first += static_cast<std::size_t>(options.batch_slates)) {
    const std::size_t last =
        std::min(slates.size(), first + static_cast<std::size_t>(options.batch_slates));
    const torch::Tensor scores = score_slates(store, slates, first, last, score, num_items,
                                              options.history_length, options.name);
    const float* batch_scores = scores.data_ptr<float>();
    const std::size_t chunks = workers.size();
    pool.run(chunks, [&](std::size_t chunk) {
      const std::size_t begin = first + (last - first) * chunk / chunks;
      const std::size_t end = first + (last - first) * (chunk + 1) / chunks;
      for (std::size_t b = begin; b < end; ++b)
        workers[chunk].fill(slates[b], batch_scores + (b - first) * num_items, targets);
    });
  }
  if (has_prefixes) rounds.prefix_target_pscore = std::move(prefix_target);
  return out;
}

EvaluationReport evaluate_scoring_policy_on_logs(const SessionStore& store,
                                                 const ScoringFunction& score,
                                                 std::int64_t num_items,
                                                 const SlateRuleConfig& rule, int slate_size,
                                                 const LogEvaluationOptions& options,
                                                 std::uint64_t seed) {
  // The reward model learns from the logged rows alone, so it is fitted on the rounds of a
  // first pass that needs no scores, and the policy's pass then predicts with it.
  if (!score) throw ConfigError(fmt::format("policy '{}': no scoring function", options.name));
  validate_inputs(store, num_items, rule, slate_size, options);
  std::unique_ptr<RewardModel> model;
  StoreRounds model_rows;
  if (options.reward_model.kind != "none") {
    EvaluationPolicyConfig placeholder_config;
    placeholder_config.kind = "uniform";
    model_rows = logged_rounds_from_store(store, make_evaluation_policy(placeholder_config, store),
                                          options.split);
    model_rows.model_data.seed = reward_model_seed(seed);
    model = fit_reward_model(options.reward_model, model_rows.model_data, train_mlp_reward_model);
  }
  StoreRounds store_rounds =
      scoring_policy_rounds(store, score, num_items, rule, slate_size, options, model.get(), seed);
  LoggedRounds& rounds = store_rounds.rounds;
  rounds.reward_min = options.ope.reward_min;
  rounds.reward_max = options.ope.reward_max;
  const std::size_t bad = first_reward_outside_range(rounds);
  if (bad < rounds.size())
    throw DataError(fmt::format(
        "{}: dataset /impressions/reward: row {}: reward {} is outside [ope.reward_min, "
        "ope.reward_max] = [{}, {}] (the bounded-reward intervals rely on it)",
        options.store_path, store_rounds.impression_row[bad], rounds.reward[bad],
        options.ope.reward_min, options.ope.reward_max));
  std::string description =
      fmt::format("{}: slates of {} by {}", options.name, slate_size, rule.rule);
  if (rule.rule == "epsilon_greedy") description += fmt::format(" (epsilon {})", rule.epsilon);
  if (rule.rule == "boltzmann") description += fmt::format(" (temperature {})", rule.temperature);
  spdlog::info("{} rounds ({} split); evaluation policy {}", rounds.size(), options.split,
               description);
  OpeResult result = run_estimators(rounds, options.ope, resolve_bootstrap_seed(options.ope, seed));

  EvaluationReport report;
  report.title = fmt::format("Off-policy evaluation: {}", options.name);
  report.input = options.store_path;
  report.evaluation_policy = description;
  report.logging_policy = "the policy that wrote the logs (its propensities are in the store)";
  report.resolved_config = options.resolved_config;
  report.seed = seed;
  report.rounds = rounds.size();
  report.confidence = options.ope.confidence;
  report.interval = shown_interval_kind(options.ope);
  report.interval_note = shown_interval_note(options.ope);
  report.notes.push_back(fmt::format(
      "The evaluation policy is contextual: each logged slate's probabilities come from the "
      "scores of the session's last {} events before it{}.",
      options.history_length,
      rule.rule == "boltzmann"
          ? fmt::format("; marginals of slots after the first are Rao-Blackwellised estimates "
                        "over {} sampled prefixes",
                        options.marginal_samples)
          : ""));
  if (options.world != nullptr) {
    NetworkSlatePolicy policy(score, num_items, rule, options.marginal_samples, options.name);
    EnvConfig env = options.env;
    env.slate_size = slate_size;
    const PolicyValueEstimate truth =
        monte_carlo_policy_value(*options.world, env, policy, options.truth_episodes,
                                 options.truth_batch_size, derive_seed(seed, kTruthStream));
    const PolicyValue value{options.name, truth.value, truth.std_error, truth.episodes};
    report.true_session_value = truth.value;
    report.true_session_value_std_error = truth.std_error;
    // Per slate and per round: the policy in the states the log visited (needs the sessions'
    // users, which synthetic stores record).
    std::optional<PolicyValue> in_logged_states;
    if (users_are_world_users(store) && !one_slate_per_session(rounds)) {
      const LoggedStateValue logged = logged_state_value(
          *options.world, env, store, first_rows_of_slates(store, store_rounds.impression_row),
          policy, kLoggedStateDraws, derive_seed(seed, kLoggedStateStream));
      in_logged_states =
          PolicyValue{options.name, logged.per_slate, logged.std_error, logged.slates};
    }
    const auto notes = attach_true_value(value, rounds, options.ope.gamma, result,
                                         in_logged_states ? &*in_logged_states : nullptr);
    report.notes.insert(report.notes.end(), notes.begin(), notes.end());
  }
  if (!result.ipw_weights.empty())
    report.weights = make_weight_histogram("ipw", result.ipw_weights);
  if (options.ranking) {
    RankingConfig ranking;
    ranking.split = options.ranking_split;
    ranking.history_length = options.history_length;
    report.ranking =
        ranking_metrics(store, *make_network_scorer(options.name, num_items, score), ranking);
  }
  if (model)
    report.notes.push_back(fmt::format("Reward model: {} ({} fold{}).", options.reward_model.kind,
                                       options.reward_model.folds,
                                       options.reward_model.folds == 1 ? "" : "s"));
  report.logging_values = result.logging_values;
  report.estimates = result.estimates;
  return report;
}

}  // namespace shoprl
