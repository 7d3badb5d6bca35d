#include "sim/fidelity.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "core/seeding.h"
#include "data/event_type.h"
#include "env/policies/policies.h"
#include "sim/fitted_simulator.h"
#include "sim/learned_env.h"
#include "sim/logged_slate_policy.h"
#include "sim/session_sequences.h"

namespace shoprl {

namespace {

constexpr std::uint64_t kSimulationStream = 0x5e551;
// Rows of the [targets, catalogue] probability matrix held at once (bounds memory for large
// catalogues: 512 x 50,000 floats is 100 MB).
constexpr std::int64_t kTargetChunk = 512;

NextClickScores scores_of(const std::string& model, const NextItemAccumulator& accumulator) {
  NextClickScores scores;
  scores.model = model;
  scores.cutoffs = accumulator.cutoffs();
  for (std::size_t c = 0; c < scores.cutoffs.size(); ++c) {
    scores.hit_rate.push_back(accumulator.hit_rate(c));
    scores.ndcg.push_back(accumulator.ndcg(c));
  }
  scores.mean_log_likelihood = accumulator.mean_log_likelihood();
  scores.perplexity = accumulator.perplexity();
  scores.targets = accumulator.targets();
  return scores;
}

// The popularity baseline: p(j) = (train clicks of j + 1) / (train clicks + I). The rank of an
// item is read from the sorted counts: items above it have larger counts, ties equal ones.
class PopularityBaseline {
 public:
  explicit PopularityBaseline(const SessionStore& store) : counts_(store.num_items(), 0) {
    const auto click = static_cast<std::int8_t>(EventType::kClick);
    const auto train = static_cast<std::int8_t>(Split::kTrain);
    std::int64_t total = 0;
    for (std::size_t s = 0; s < store.num_sessions(); ++s) {
      if (store.session_split[s] != train) continue;
      for (std::int64_t e = store.session_offsets[s]; e < store.session_offsets[s + 1]; ++e) {
        if (store.event_type[e] != click) continue;
        ++counts_[store.event_item[e]];
        ++total;
      }
    }
    sorted_ = counts_;
    std::sort(sorted_.begin(), sorted_.end());
    log_denominator_ = std::log(static_cast<double>(total + store.num_items()));
  }

  void add(std::int32_t item, NextItemAccumulator& accumulator) const {
    const std::int64_t count = counts_[item];
    const auto low = std::lower_bound(sorted_.begin(), sorted_.end(), count);
    const auto high = std::upper_bound(sorted_.begin(), sorted_.end(), count);
    accumulator.add(sorted_.end() - high, (high - low) - 1,
                    std::log(static_cast<double>(count + 1)) - log_denominator_);
  }

 private:
  std::vector<std::int64_t> counts_;
  std::vector<std::int64_t> sorted_;
  double log_denominator_ = 0;
};

// Scores every next-click target of the test sequences with the ensemble mixture
//   p(j | h) = (1/K) sum_k softmax_k(h)[j],
// and every purchase target with the mean of the members' P(purchase | h, j).
void score_targets(FittedSimulator& simulator, const SessionSequences& sequences,
                   const std::string& device, int batch_size, const PopularityBaseline& popularity,
                   NextItemAccumulator& model_scores, NextItemAccumulator& popularity_scores,
                   std::vector<double>& purchase_probability,
                   std::vector<std::int8_t>& purchase_label) {
  torch::NoGradGuard no_grad;
  const torch::Device where(device);
  const auto members = static_cast<double>(simulator.members.size());
  for (UserModel& model : simulator.members) model->eval();
  const auto click = static_cast<std::int8_t>(EventType::kClick);

  for (std::size_t first = 0; first < sequences.size(); first += batch_size) {
    const std::size_t last = std::min<std::size_t>(first + batch_size, sequences.size());
    const auto rows = static_cast<std::int64_t>(last - first);
    std::int64_t width = 1;
    for (std::size_t s = first; s < last; ++s) width = std::max(width, sequences.length(s));
    std::vector<std::int64_t> items(rows * width, -1), types(rows * width, -1);
    std::vector<std::int64_t> target_row;  // index into the [rows * (width + 1)] states
    std::vector<std::int64_t> target_item;
    for (std::size_t s = first; s < last; ++s) {
      const std::int64_t r = static_cast<std::int64_t>(s - first);
      for (std::int64_t t = 0; t < sequences.length(s); ++t) {
        const std::int64_t e = sequences.offsets[s] + t;
        items[r * width + t] = sequences.items[e];
        types[r * width + t] = sequences.types[e];
        if (sequences.types[e] != click) continue;
        // State t has read events 0..t-1: it predicts event t.
        target_row.push_back(r * (width + 1) + t);
        target_item.push_back(sequences.items[e]);
        purchase_label.push_back(sequences.purchased_later[e]);
        popularity.add(sequences.items[e], popularity_scores);
      }
    }
    if (target_row.empty()) continue;
    const auto targets = static_cast<std::int64_t>(target_row.size());
    const torch::Tensor items_tensor =
        torch::tensor(items, torch::kInt64).view({rows, width}).to(where);
    const torch::Tensor types_tensor =
        torch::tensor(types, torch::kInt64).view({rows, width}).to(where);
    const torch::Tensor rows_tensor = torch::tensor(target_row, torch::kInt64).to(where);
    const torch::Tensor items_of_targets = torch::tensor(target_item, torch::kInt64).to(where);

    std::vector<torch::Tensor> member_states;
    torch::Tensor purchase_sum = torch::zeros({targets}, torch::kFloat32).to(where);
    for (UserModel& model : simulator.members) {
      const torch::Tensor states = model->encoder()->forward(items_tensor, types_tensor);
      const torch::Tensor flat = states.reshape({rows * (width + 1), states.size(2)});
      member_states.push_back(flat.index_select(0, rows_tensor));
      purchase_sum += torch::sigmoid(model->purchase_logits(member_states.back(),
                                                            items_of_targets.view({-1, 1})))
                          .view({-1});
    }
    const torch::Tensor purchase_mean = (purchase_sum / members).to(torch::kCPU);
    const float* purchase = purchase_mean.data_ptr<float>();
    purchase_probability.insert(purchase_probability.end(), purchase, purchase + targets);

    for (std::int64_t begin = 0; begin < targets; begin += kTargetChunk) {
      const std::int64_t end = std::min(begin + kTargetChunk, targets);
      const torch::Tensor chunk_items = items_of_targets.slice(0, begin, end).view({-1, 1});
      torch::Tensor probability_sum;
      std::vector<torch::Tensor> target_log_probability;
      for (std::size_t k = 0; k < simulator.members.size(); ++k) {
        const torch::Tensor log_probability = torch::log_softmax(
            simulator.members[k]->item_logits(member_states[k].slice(0, begin, end)), 1);
        target_log_probability.push_back(log_probability.gather(1, chunk_items).view({-1}));
        const torch::Tensor probability = log_probability.exp();
        probability_sum = k == 0 ? probability : probability_sum + probability;
      }
      // log p(target) = logsumexp_k log p_k(target) - log K: exact where the mixture's float
      // probability would underflow.
      const torch::Tensor mixture_log_probability =
          (torch::logsumexp(torch::stack(target_log_probability), 0) - std::log(members))
              .to(torch::kFloat64)
              .to(torch::kCPU);
      const torch::Tensor target_probability = probability_sum.gather(1, chunk_items);
      const torch::Tensor higher =
          (probability_sum > target_probability).sum(1).to(torch::kInt64).to(torch::kCPU);
      const torch::Tensor ties =
          ((probability_sum == target_probability).sum(1) - 1).to(torch::kInt64).to(torch::kCPU);
      const double* log_p = mixture_log_probability.data_ptr<double>();
      const std::int64_t* above = higher.data_ptr<std::int64_t>();
      const std::int64_t* tied = ties.data_ptr<std::int64_t>();
      for (std::int64_t m = 0; m < end - begin; ++m) model_scores.add(above[m], tied[m], log_p[m]);
    }
  }
}

PurchaseScores purchase_scores(const std::vector<double>& probability,
                               const std::vector<std::int8_t>& label) {
  PurchaseScores scores;
  scores.targets = static_cast<std::int64_t>(label.size());
  double predicted = 0;
  for (std::size_t i = 0; i < label.size(); ++i) {
    scores.positives += label[i] != 0;
    predicted += probability[i];
  }
  const double n = static_cast<double>(scores.targets);
  scores.mean_predicted = scores.targets ? predicted / n : std::nan("");
  scores.observed_rate = scores.targets ? static_cast<double>(scores.positives) / n : std::nan("");
  scores.auc = roc_auc(probability, label);
  scores.bins = reliability_bins(probability, label, 10);
  scores.expected_calibration_error = expected_calibration_error(scores.bins);
  return scores;
}

}  // namespace

FidelityReport evaluate_fidelity(FittedSimulator& simulator, const SessionStore& store,
                                 const FidelityInputs& inputs) {
  if (static_cast<std::int64_t>(store.num_items()) != simulator.num_items)
    throw DataError(fmt::format(
        "{}: the store has {} items but the simulator in {} was fitted on {} (fitted on {})",
        inputs.store_path, store.num_items(), inputs.simulator_path, simulator.num_items,
        simulator.store_path));
  if (simulator.members.empty())
    throw DataError(fmt::format("{}: the simulator has no ensemble member", inputs.simulator_path));

  FidelityReport report;
  report.simulator_directory = inputs.simulator_path;
  report.store_path = inputs.store_path;
  report.store_hash = simulator.store_hash;
  report.device = inputs.device;
  report.seed = inputs.seed;
  report.items = simulator.num_items;
  report.slate_size = simulator.slate_size;
  report.encoder = simulator.config.model.encoder;
  report.ensemble = static_cast<int>(simulator.members.size());
  for (const TrainingSummary& summary : simulator.summaries) {
    MemberSummary member;
    member.best_epoch = summary.best_epoch;
    member.epochs = static_cast<int>(summary.epochs.size());
    member.stopped_early = summary.stopped_early;
    member.valid_next_item_nll = summary.best_valid.next_item_nll;
    member.valid_purchase_nll = summary.best_valid.purchase_nll;
    member.valid_end_nll = summary.best_valid.end_nll;
    report.members.push_back(member);
  }
  const ResponseCalibration& calibration = simulator.calibration;
  report.calibration = {
      calibration.source,         calibration.no_click_utility, calibration.position_bias,
      calibration.organic_rate,   calibration.quiet_leave,      calibration.slates_used,
      calibration.log_likelihood, calibration.preference_scale, leave_rule_text(calibration.leave),
      calibration.leave.weights};

  // (a) and (b): next clicks and purchases of the test sequences.
  const SessionSequences sequences =
      session_sequences(store, Split::kTest, simulator.config.model.max_length, inputs.store_path);
  const PopularityBaseline popularity(store);
  NextItemAccumulator model_scores, popularity_scores;
  std::vector<double> purchase_probability;
  std::vector<std::int8_t> purchase_label;
  score_targets(simulator, sequences, inputs.device, inputs.report.eval_batch_size, popularity,
                model_scores, popularity_scores, purchase_probability, purchase_label);
  report.simulator_next_click =
      scores_of(fmt::format("simulator (mixture of {} members)", report.ensemble), model_scores);
  report.popularity_next_click =
      scores_of("popularity (train-split clicks, add-one)", popularity_scores);
  report.purchase = purchase_scores(purchase_probability, purchase_label);
  if (report.purchase.positives == 0)
    report.notes.push_back(
        "No test click is followed by a purchase of its item: the purchase AUC is undefined.");
  if (sequences.size() > 0 && model_scores.targets() == 0)
    report.notes.push_back("The test split has no click event: no next-click target.");

  // (c): simulated sessions against the real test sessions.
  report.real = real_sessions(store, Split::kTest);
  EnvConfig env_config = inputs.env;
  if (env_config.slate_size != simulator.slate_size) {
    report.notes.push_back(fmt::format(
        "env.slate_size is {} but the simulator was fitted for slates of {}; simulated sessions "
        "use {}.",
        env_config.slate_size, simulator.slate_size, simulator.slate_size));
    env_config.slate_size = simulator.slate_size;
  }
  std::unique_ptr<SlatePolicy> policy;
  std::vector<std::int32_t> slates = logged_slates(store, Split::kTest, simulator.slate_size);
  const char* slate_split = "test";
  if (slates.empty()) {
    slates = logged_slates(store, Split::kTrain, simulator.slate_size);
    slate_split = "train";
  }
  if (!slates.empty()) {
    const std::size_t count = slates.size() / simulator.slate_size;
    report.simulation_policy = fmt::format(
        "logged slates: each step shows one of the {} slates of {} items logged in the {} split, "
        "drawn uniformly (the logging policy's slates, not its choices given the history)",
        count, simulator.slate_size, slate_split);
    policy = make_logged_slate_policy(std::move(slates), simulator.slate_size);
  } else {
    report.simulation_policy = fmt::format(
        "uniform: the store logs no slates of {} items, so each step shows {} distinct items drawn "
        "uniformly",
        simulator.slate_size, simulator.slate_size);
    policy = make_uniform_policy(simulator.num_items, simulator.slate_size);
  }
  const std::int64_t sessions = std::min(report.real.sessions, inputs.report.max_sessions);
  LearnedEnv env(simulator, env_config, /*uncertainty_penalty=*/0.0, inputs.device);
  spdlog::info("simulating {} sessions ({})", sessions, policy->name());
  report.simulated = simulate_sessions(env, *policy, sessions, inputs.report.batch_size,
                                       derive_seed(inputs.seed, kSimulationStream));
  report.length_ks = ks_two_sample(report.real.lengths, report.simulated.lengths);
  if (std::isnan(report.real.click_through_rate))
    report.notes.push_back(
        "The store's impressions do not record clicks: the real click-through is not available.");
  return report;
}

}  // namespace shoprl
