#include "eval/store_rounds.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/error.h"
#include "core/numbers.h"
#include "eval/feature_encoding.h"

namespace shoprl {

namespace {

// -1 = every split.
int split_code(const std::string& split) {
  if (split == "all") return -1;
  for (int s = 0; s < kNumSplits; ++s) {
    if (split == split_name(static_cast<Split>(s))) return s;
  }
  throw ConfigError(
      fmt::format("evaluate.split: '{}' is not one of all, train, valid, test", split));
}

// Whether every logged slate was drawn uniformly without replacement from all items: each
// slot marginal is 1/m and each slate probability 1/(m (m-1) ... (m-K+1)). The pseudoinverse
// estimator has a closed form exactly then.
bool logging_is_uniform(const LoggedRounds& rounds, const std::vector<std::size_t>& slates,
                        std::int64_t items) {
  if (rounds.slate_pscore.empty()) return false;
  const double marginal = 1.0 / static_cast<double>(items);
  for (std::size_t row = 0; row < rounds.size(); ++row) {
    if (std::abs(rounds.pscore[row] - marginal) > 1e-9 * marginal) return false;
  }
  for (std::size_t s = 0; s + 1 < slates.size(); ++s) {
    const auto length = static_cast<std::int64_t>(slates[s + 1] - slates[s]);
    double expected = 1.0;
    for (std::int64_t k = 0; k < length; ++k) expected /= static_cast<double>(items - k);
    if (std::abs(rounds.slate_pscore[slates[s]] - expected) > 1e-9 * expected) return false;
  }
  return true;
}

// Item features for the reward model: the store's item feature table, the category one-hot
// and log price, whichever the store records.
void add_item_features(const SessionStore& store, RewardModelData& data) {
  const DenseFeatures table = encode_features(store.item_features);
  std::vector<std::string> categories;
  std::vector<int> category_of(store.item_category.size(), 0);
  {
    std::unordered_map<std::string, int> index;
    for (std::size_t i = 0; i < store.item_category.size(); ++i) {
      const auto inserted = index.emplace(store.item_category[i], static_cast<int>(index.size()));
      category_of[i] = inserted.first->second;
    }
    categories.resize(index.size());
  }
  const bool has_price = !store.item_price.empty();
  const int dim = table.dim + static_cast<int>(categories.size()) + (has_price ? 1 : 0);
  if (dim == 0) return;
  const std::size_t items = store.num_items();
  data.action_feature_dim = dim;
  data.action_features.assign(items * dim, 0.0);
  for (std::size_t i = 0; i < items; ++i) {
    double* out = data.action_features.data() + i * dim;
    for (int c = 0; c < table.dim; ++c) out[c] = table.values[i * table.dim + c];
    if (!categories.empty()) out[table.dim + category_of[i]] = 1.0;
    if (has_price) {
      const double price = store.item_price[i];
      out[dim - 1] = std::isfinite(price) && price > 0 ? std::log(price) : 0.0;
    }
  }
}

}  // namespace

StoreRounds logged_rounds_from_store(const SessionStore& store,
                                     const SlotDistributionPolicy& policy,
                                     const std::string& split) {
  const StoreImpressions& shown = store.impressions;
  if (shown.size() == 0) {
    throw DataError(
        "evaluate: the store has no impressions (logged slates); off-policy "
        "evaluation needs them");
  }
  const int wanted_split = split_code(split);
  const bool has_slates = !shown.slate_propensity.empty();
  const bool has_prefixes = !shown.prefix_propensity.empty();
  const DenseFeatures context = encode_features(shown.context);

  StoreRounds out;
  LoggedRounds& rounds = out.rounds;
  RewardModelData& data = out.model_data;
  rounds.len_list = policy.slots();
  data.context_dim = context.dim;
  data.actions = static_cast<int>(store.num_items());
  data.len_list = policy.slots();
  std::vector<std::int32_t> slate_items;
  for (std::size_t row = 0; row < shown.size(); ++row) {
    const std::int64_t session = shown.session[row];
    if (wanted_split >= 0 && !store.session_split.empty() &&
        store.session_split[session] != wanted_split) {
      continue;
    }
    const double reward = shown.reward[row];
    const double propensity = shown.propensity[row];
    if (!std::isfinite(reward)) {
      throw DataError(fmt::format("impressions/reward: row {}: reward is {}", row, reward));
    }
    if (!(propensity > 0 && propensity <= 1)) {
      throw DataError(
          fmt::format("impressions/propensity: row {}: {} is not in (0, 1]", row, propensity));
    }
    const int slot = shown.position[row];
    const std::int32_t item = shown.item[row];
    out.impression_row.push_back(row);
    rounds.reward.push_back(reward);
    rounds.pscore.push_back(propensity);
    rounds.target_pscore.push_back(policy.marginal(item, slot));
    double inclusion = 0.0;  // pi(item shown in any slot), which the pseudoinverse needs
    for (int k = 0; k < policy.slots(); ++k) inclusion += policy.marginal(item, k);
    rounds.target_inclusion.push_back(inclusion);
    rounds.position.push_back(slot);
    rounds.slate_id.push_back(shown.slate[row]);
    rounds.session_id.push_back(session);
    // The evaluation policy's probability of this slate down to this slot, from the items shown
    // before it on the same slate (rows of a slate are in slot order).
    if (row == 0 || shown.slate[row] != shown.slate[row - 1]) slate_items.clear();
    slate_items.push_back(item);
    rounds.prefix_target_pscore.push_back(
        policy.prefix_probability(slate_items.data(), static_cast<int>(slate_items.size())));
    rounds.prefix_pscore.push_back(has_prefixes ? shown.prefix_propensity[row] : kNaN);
    rounds.slate_pscore.push_back(has_slates ? shown.slate_propensity[row] : kNaN);

    data.action.push_back(item);
    data.position.push_back(slot);
    data.reward.push_back(reward);
    data.group.push_back(session);  // a session's rows share a fold: they are correlated
    if (context.dim > 0) {
      data.context.insert(data.context.end(), context.values.begin() + row * context.dim,
                          context.values.begin() + (row + 1) * context.dim);
    }
  }
  if (rounds.size() == 0) {
    throw DataError(fmt::format("evaluate.split: the {} split holds no impressions", split));
  }
  data.rows = rounds.size();
  // The whole slate's target probability is its last row's prefix probability.
  rounds.slate_target_pscore.resize(rounds.size());
  const std::vector<std::size_t> slates = group_offsets(rounds.slate_id, "impressions/slate");
  for (std::size_t s = 0; s + 1 < slates.size(); ++s) {
    const double whole = rounds.prefix_target_pscore[slates[s + 1] - 1];
    for (std::size_t r = slates[s]; r < slates[s + 1]; ++r) rounds.slate_target_pscore[r] = whole;
  }
  if (!has_slates) {
    // Without the logging policy's slate probabilities the rows are single-slot rounds (Open
    // Bandit's logs): no slate estimator applies, and a sequential one steps row by row.
    rounds.slate_id.clear();
    rounds.slate_pscore.clear();
    rounds.slate_target_pscore.clear();
  }
  if (!has_prefixes) {
    rounds.prefix_pscore.clear();
    rounds.prefix_target_pscore.clear();
  }
  if (logging_is_uniform(rounds, slates, static_cast<std::int64_t>(store.num_items()))) {
    rounds.uniform_logging_items = static_cast<std::int64_t>(store.num_items());
  }
  add_item_features(store, data);
  return out;
}

void add_reward_model_predictions(StoreRounds& store_rounds, const RewardModel& model,
                                  const SlotDistributionPolicy& policy) {
  LoggedRounds& rounds = store_rounds.rounds;
  rounds.q_logged = model.predict_logged();
  rounds.q_target.assign(rounds.size(), 0.0);
  std::vector<double> q(static_cast<std::size_t>(policy.items()));
  for (std::size_t row = 0; row < rounds.size(); ++row) {
    const int slot = rounds.position[row];
    model.predict(row, slot, q.data());
    const double* pi = policy.slot_distribution(slot);
    double expected = 0.0;
    for (std::int64_t item = 0; item < policy.items(); ++item) expected += pi[item] * q[item];
    rounds.q_target[row] = expected;
  }
}

}  // namespace shoprl
