#include "env/policies/plackett_luce.h"

#include <algorithm>
#include <cmath>

namespace shoprl {
namespace {

bool contains(const std::int32_t* items, int count, std::int32_t item) {
  for (int j = 0; j < count; ++j)
    if (items[j] == item) return true;
  return false;
}

}  // namespace

template <typename T>
void PlackettLuceSampler::assign_logits(const T* logits, std::int64_t items, double temperature) {
  weight_.resize(items);
  cumulative_.resize(items);
  const double max = *std::max_element(logits, logits + items);
  double sum = 0;
  for (std::int64_t i = 0; i < items; ++i) {
    weight_[i] = std::exp((logits[i] - max) / temperature);
    sum += weight_[i];
    cumulative_[i] = sum;
  }
  total_ = sum;
}

void PlackettLuceSampler::set_logits(const double* logits, std::int64_t items, double temperature) {
  assign_logits(logits, items, temperature);
}

void PlackettLuceSampler::set_logits(const float* logits, std::int64_t items, double temperature) {
  assign_logits(logits, items, temperature);
}

std::int32_t PlackettLuceSampler::draw_excluding(RandomStream& rng, const std::int32_t* chosen,
                                                 const std::int32_t* sorted, int count,
                                                 double removed) const {
  // One uniform on the line of the remaining mass, mapped back onto the full cumulative line
  // by stepping over the chosen items' intervals in index order: exact, O(count + log I).
  double u = rng.uniform() * (total_ - removed);
  for (int j = 0; j < count; ++j) {
    if (cumulative_[sorted[j]] - weight_[sorted[j]] > u) break;
    u += weight_[sorted[j]];
  }
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  const auto item = static_cast<std::int32_t>(
      std::min<std::ptrdiff_t>(it - cumulative_.begin(), weight_.size() - 1));
  if (weight_[item] > 0 && !contains(chosen, count, item)) return item;
  // Rounding put u on the edge of a chosen or empty interval: take the nearest item that can
  // be drawn, scanning up and then down.
  for (std::int64_t i = item + 1; i < items(); ++i)
    if (weight_[i] > 0 && !contains(chosen, count, static_cast<std::int32_t>(i)))
      return static_cast<std::int32_t>(i);
  for (std::int64_t i = item - 1; i >= 0; --i)
    if (weight_[i] > 0 && !contains(chosen, count, static_cast<std::int32_t>(i)))
      return static_cast<std::int32_t>(i);
  // Fewer items with weight than slots: the rest come in index order (probability 0).
  for (std::int64_t i = 0; i < items(); ++i)
    if (!contains(chosen, count, static_cast<std::int32_t>(i))) return static_cast<std::int32_t>(i);
  return item;
}

void PlackettLuceSampler::sample(int slots, RandomStream& rng, std::int32_t* out) const {
  std::int32_t sorted[32];  // the chosen items in index order, kept by insertion
  double removed = 0;
  for (int k = 0; k < slots; ++k) {
    const std::int32_t item = draw_excluding(rng, out, sorted, k, removed);
    out[k] = item;
    removed += weight_[item];
    int j = k;
    for (; j > 0 && sorted[j - 1] > item; --j) sorted[j] = sorted[j - 1];
    sorted[j] = item;
  }
}

double PlackettLuceSampler::prefix_probabilities(const std::int32_t* slate, int slots,
                                                 double* prefix) const {
  double probability = 1;
  double removed = 0;
  for (int k = 0; k < slots; ++k) {
    probability *= weight_[slate[k]] / (total_ - removed);
    removed += weight_[slate[k]];
    if (prefix) prefix[k] = probability;
  }
  return probability;
}

void PlackettLuceSampler::marginals(const std::int32_t* slate, int slots, int samples,
                                    RandomStream& rng, double* marginal) const {
  marginal[0] = weight_[slate[0]] / total_;
  if (slots == 1) return;
  double shown[32];  // the exact term of the shown prefix: P(slots 0..k hold slate[0..k])
  prefix_probabilities(slate, slots, shown);
  std::fill(marginal + 1, marginal + slots, 0.0);
  std::int32_t prefix[32];
  for (int r = 0; r < samples; ++r) {
    sample(slots - 1, rng, prefix);
    double removed = 0;
    bool same = true;  // prefix[0..k) == slate[0..k): that term is in `shown`
    for (int k = 1; k < slots; ++k) {
      removed += weight_[prefix[k - 1]];
      same = same && prefix[k - 1] == slate[k - 1];
      if (!same && !contains(prefix, k, slate[k]))
        marginal[k] += weight_[slate[k]] / (total_ - removed);
    }
  }
  for (int k = 1; k < slots; ++k) marginal[k] = std::min(1.0, shown[k] + marginal[k] / samples);
}

}  // namespace shoprl
