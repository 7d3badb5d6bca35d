// Propensities of score-based slate rules (slate_propensities.h).
#include "policy/slate_propensities.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"
#include "core/seeding.h"
#include "env/policies/policies.h"

namespace shoprl {

namespace {

bool contains(const std::int32_t* items, int count, std::int32_t item) {
  for (int j = 0; j < count; ++j)
    if (items[j] == item) return true;
  return false;
}

// The top `slots` items of `scores`, best first; ties go to the lower index.
void top_slots(const float* scores, std::int64_t items, int slots, std::vector<std::int32_t>& order,
               std::int32_t* out) {
  order.resize(static_cast<std::size_t>(items));
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + slots, order.end(),
                    [scores](std::int32_t a, std::int32_t b) {
                      return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
                    });
  std::copy_n(order.begin(), slots, out);
}

}  // namespace

void validate_slate_rule(const SlateRuleConfig& rule, std::int64_t items, int slots,
                         int marginal_samples) {
  if (rule.rule != "top_k" && rule.rule != "epsilon_greedy" && rule.rule != "boltzmann")
    throw ConfigError(
        fmt::format("slate.rule: unknown rule '{}' (top_k, epsilon_greedy, boltzmann)", rule.rule));
  if (slots < 1 || slots > kMaxSlateSlots || slots > items)
    throw ConfigError(
        fmt::format("slate of {} items from a catalogue of {} (rule {}; at most {} slots)", slots,
                    items, rule.rule, kMaxSlateSlots));
  if (rule.rule == "epsilon_greedy" && !(rule.epsilon >= 0 && rule.epsilon <= 1))
    throw ConfigError(fmt::format("slate.epsilon: {} is not in [0, 1]", rule.epsilon));
  if (rule.rule == "boltzmann" && !(rule.temperature > 0))
    throw ConfigError(fmt::format("slate.temperature: {} is not positive", rule.temperature));
  if (marginal_samples < 1)
    throw ConfigError(fmt::format("marginal_samples: {} is not >= 1", marginal_samples));
}

void check_scores(const torch::Tensor& scores, const std::string& policy) {
  const torch::Tensor bad = torch::isnan(scores).logical_or(scores == INFINITY);
  if (bad.any().item<bool>())
    throw Error(
        fmt::format("policy '{}': the scoring function returned NaN or +inf scores "
                    "({} of {})",
                    policy, bad.sum().item<std::int64_t>(), scores.numel()));
}

ScoredSlateRule::ScoredSlateRule(const SlateRuleConfig& rule, int slots, int marginal_samples)
    : rule_(rule), slots_(slots), samples_(marginal_samples), greedy_(slots) {}

void ScoredSlateRule::set_scores(const float* scores, std::int64_t items) {
  if (items < slots_)
    throw ConfigError(fmt::format("slate of {} items from a catalogue of {}", slots_, items));
  items_ = items;
  if (rule_.rule == "boltzmann") {
    sampler_.set_logits(scores, items, rule_.temperature);
  } else {
    top_slots(scores, items, slots_, order_, greedy_.data());
  }
}

bool ScoredSlateRule::is_greedy_prefix(const std::int32_t* slate, int length) const {
  return std::equal(slate, slate + length, greedy_.begin());
}

void ScoredSlateRule::sample(RandomStream& rng, std::int32_t* slate) const {
  if (rule_.rule == "boltzmann") {
    sampler_.sample(slots_, rng, slate);
  } else if (rule_.rule == "epsilon_greedy" && rule_.epsilon > 0 && rng.uniform() < rule_.epsilon) {
    draw_uniform_slate(items_, slots_, rng, slate);
  } else {
    std::copy(greedy_.begin(), greedy_.end(), slate);
  }
}

double ScoredSlateRule::prefix_probabilities(const std::int32_t* slate, int length,
                                             double* prefix) const {
  if (rule_.rule == "boltzmann") return sampler_.prefix_probabilities(slate, length, prefix);
  const double eps = rule_.rule == "epsilon_greedy" ? rule_.epsilon : 0.0;
  double uniform = 1.0;
  bool same = true;
  double probability = 0.0;
  for (int k = 0; k < length; ++k) {
    uniform /= static_cast<double>(items_ - k);
    same = same && k < slots_ && slate[k] == greedy_[k];
    probability = (1.0 - eps) * same + eps * uniform;
    if (prefix) prefix[k] = probability;
  }
  return probability;
}

void ScoredSlateRule::marginals(const std::int32_t* slate, int length, RandomStream& rng,
                                double* marginal) const {
  if (rule_.rule == "boltzmann") {
    sampler_.marginals(slate, length, samples_, rng, marginal);
    return;
  }
  const double eps = rule_.rule == "epsilon_greedy" ? rule_.epsilon : 0.0;
  for (int k = 0; k < length; ++k)
    marginal[k] = k < slots_
                      ? (1.0 - eps) * (slate[k] == greedy_[k]) + eps / static_cast<double>(items_)
                      : 0.0;
}

void ScoredSlateRule::item_slot_marginals(const std::int32_t* items, int count, RandomStream& rng,
                                          double* out) const {
  const int k_slots = slots_;
  if (rule_.rule != "boltzmann") {
    const double eps = rule_.rule == "epsilon_greedy" ? rule_.epsilon : 0.0;
    for (int j = 0; j < count; ++j)
      for (int k = 0; k < k_slots; ++k)
        out[j * k_slots + k] =
            (1.0 - eps) * (items[j] == greedy_[k]) + eps / static_cast<double>(items_);
    return;
  }
  // P(i at k) = E_prefix[1{i not in prefix} w_i / (W - w(prefix))] (Rao-Blackwellised).
  const double total = sampler_.total();
  for (int j = 0; j < count; ++j) {
    out[j * k_slots] = sampler_.weight(items[j]) / total;
    std::fill(out + j * k_slots + 1, out + (j + 1) * k_slots, 0.0);
  }
  if (k_slots == 1) return;
  std::int32_t prefix[kMaxSlateSlots];
  for (int r = 0; r < samples_; ++r) {
    sampler_.sample(k_slots - 1, rng, prefix);
    double removed = 0;
    for (int k = 1; k < k_slots; ++k) {
      removed += sampler_.weight(prefix[k - 1]);
      for (int j = 0; j < count; ++j)
        if (!contains(prefix, k, items[j]))
          out[j * k_slots + k] += sampler_.weight(items[j]) / (total - removed);
    }
  }
  for (int j = 0; j < count; ++j)
    for (int k = 1; k < k_slots; ++k) out[j * k_slots + k] /= samples_;
}

double ScoredSlateRule::slot_expectation(const double* values, int slot, RandomStream& rng) const {
  if (slot >= slots_) return 0.0;  // the policy shows nothing there
  if (rule_.rule != "boltzmann") {
    const double greedy_value = values[greedy_[slot]];
    if (rule_.rule == "top_k") return greedy_value;
    double mean = 0;
    for (std::int64_t i = 0; i < items_; ++i) mean += values[i];
    mean /= static_cast<double>(items_);
    return (1.0 - rule_.epsilon) * greedy_value + rule_.epsilon * mean;
  }
  // sum_{i not in prefix} w_i v_i / (W - w(prefix)) = (WV - wv(prefix)) / (W - w(prefix)):
  // one pass over the catalogue, then O(slot) per sampled prefix.
  double weighted = 0;
  for (std::int64_t i = 0; i < items_; ++i)
    weighted += sampler_.weight(static_cast<std::int32_t>(i)) * values[i];
  const double total = sampler_.total();
  if (slot == 0) return weighted / total;
  std::int32_t prefix[kMaxSlateSlots];
  double sum = 0;
  for (int r = 0; r < samples_; ++r) {
    sampler_.sample(slot, rng, prefix);
    double removed = 0, removed_value = 0;
    for (int j = 0; j < slot; ++j) {
      removed += sampler_.weight(prefix[j]);
      removed_value += sampler_.weight(prefix[j]) * values[prefix[j]];
    }
    sum += (weighted - removed_value) / (total - removed);
  }
  return sum / samples_;
}

void ScoredSlateRule::slot_distributions(RandomStream& rng, double* out) const {
  const std::int64_t n = items_;
  if (rule_.rule != "boltzmann") {
    const double eps = rule_.rule == "epsilon_greedy" ? rule_.epsilon : 0.0;
    std::fill(out, out + slots_ * n, eps / static_cast<double>(n));
    for (int k = 0; k < slots_; ++k) out[k * n + greedy_[k]] += 1.0 - eps;
    return;
  }
  // Slot k > 0: the mean over sampled prefixes of w_i c_s (c_s = 1 / (W - w(prefix_s))) for
  // items outside the prefix = w_i mean(c) minus, for prefix items, their own w_i c_s / S.
  const double total = sampler_.total();
  for (std::int64_t i = 0; i < n; ++i)
    out[i] = sampler_.weight(static_cast<std::int32_t>(i)) / total;
  if (slots_ == 1) return;
  std::vector<double> scale(slots_, 0.0);
  std::fill(out + n, out + slots_ * n, 0.0);
  std::int32_t prefix[kMaxSlateSlots];
  for (int r = 0; r < samples_; ++r) {
    sampler_.sample(slots_ - 1, rng, prefix);
    double removed = 0;
    for (int k = 1; k < slots_; ++k) {
      removed += sampler_.weight(prefix[k - 1]);
      const double c = 1.0 / (total - removed);
      scale[k] += c;
      for (int j = 0; j < k; ++j) out[k * n + prefix[j]] -= sampler_.weight(prefix[j]) * c;
    }
  }
  for (int k = 1; k < slots_; ++k)
    for (std::int64_t i = 0; i < n; ++i)
      out[k * n + i] = std::max(
          0.0,
          (out[k * n + i] + sampler_.weight(static_cast<std::int32_t>(i)) * scale[k]) / samples_);
}

namespace {

torch::Tensor cpu_float_scores(const torch::Tensor& scores, const char* who) {
  if (scores.dim() != 2)
    throw Error(fmt::format("{}: scores must be [B, I], got {} dimensions", who, scores.dim()));
  return scores.detach().to(torch::kCPU, torch::kFloat32).contiguous();
}

}  // namespace

SlatePropensities slate_propensities(const torch::Tensor& scores, const torch::Tensor& slates,
                                     const SlateRuleConfig& rule, int marginal_samples,
                                     std::uint64_t seed) {
  const torch::Tensor s = cpu_float_scores(scores, "slate_propensities");
  check_scores(s, "slate_propensities");
  if (slates.dim() != 2 || slates.size(0) != s.size(0))
    throw Error(fmt::format(
        "slate_propensities: slates must be [B, K] with B = {} (the scores' rows), got {} "
        "dimensions with {} rows",
        s.size(0), slates.dim(), slates.dim() > 0 ? slates.size(0) : 0));
  const std::int64_t rows = s.size(0), items = s.size(1);
  const int slots = static_cast<int>(slates.size(1));
  validate_slate_rule(rule, items, slots, marginal_samples);
  const torch::Tensor chosen = slates.to(torch::kCPU, torch::kInt32).contiguous();
  const std::int32_t* slate_data = chosen.data_ptr<std::int32_t>();
  for (std::int64_t b = 0; b < rows; ++b)
    for (int k = 0; k < slots; ++k) {
      const std::int32_t item = slate_data[b * slots + k];
      if (item < 0 || item >= items)
        throw DataError(fmt::format(
            "slate_propensities: row {} slot {}: item {} is outside [0, {})", b, k, item, items));
      if (contains(slate_data + b * slots, k, item))
        throw DataError(
            fmt::format("slate_propensities: row {} slot {}: item {} repeated", b, k, item));
    }
  const auto options = torch::TensorOptions().dtype(torch::kFloat64);
  SlatePropensities out{torch::empty({rows, slots}, options), torch::empty({rows, slots}, options),
                        torch::empty({rows}, options)};
  ScoredSlateRule row_rule(rule, slots, marginal_samples);
  for (std::int64_t b = 0; b < rows; ++b) {
    row_rule.set_scores(s.data_ptr<float>() + b * items, items);
    RandomStream rng(derive_seed(seed, static_cast<std::uint64_t>(b)));
    const std::int32_t* slate = slate_data + b * slots;
    out.slate.data_ptr<double>()[b] =
        row_rule.prefix_probabilities(slate, slots, out.prefix.data_ptr<double>() + b * slots);
    row_rule.marginals(slate, slots, rng, out.marginal.data_ptr<double>() + b * slots);
  }
  return out;
}

torch::Tensor slot_action_distribution(const torch::Tensor& scores, int slots,
                                       const SlateRuleConfig& rule, int marginal_samples,
                                       std::uint64_t seed) {
  const torch::Tensor s = cpu_float_scores(scores, "slot_action_distribution");
  check_scores(s, "slot_action_distribution");
  const std::int64_t rows = s.size(0), items = s.size(1);
  validate_slate_rule(rule, items, slots, marginal_samples);
  torch::Tensor out = torch::empty({rows, slots, items}, torch::kFloat64);
  ScoredSlateRule row_rule(rule, slots, marginal_samples);
  for (std::int64_t b = 0; b < rows; ++b) {
    row_rule.set_scores(s.data_ptr<float>() + b * items, items);
    RandomStream rng(derive_seed(seed, static_cast<std::uint64_t>(b)));
    row_rule.slot_distributions(rng, out.data_ptr<double>() + b * slots * items);
  }
  return out;
}

}  // namespace shoprl
