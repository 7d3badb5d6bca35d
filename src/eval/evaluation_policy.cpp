#include "eval/evaluation_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <utility>

#include "core/error.h"
#include "data/csv_fields.h"
#include "data/session_store_io.h"

namespace shoprl {

namespace {

constexpr double kSumTolerance = 1e-6;

int logged_slots(const SessionStore& store) {
  const auto& position = store.impressions.position;
  if (position.empty()) {
    throw DataError(
        "evaluate: the store has no impressions (logged slates); off-policy "
        "evaluation needs them");
  }
  return *std::max_element(position.begin(), position.end()) + 1;
}

std::unordered_map<std::string, std::int32_t> item_index(const SessionStore& store) {
  std::unordered_map<std::string, std::int32_t> index;
  index.reserve(store.num_items());
  for (std::size_t i = 0; i < store.num_items(); ++i) {
    index.emplace(store.item_raw_id[i], static_cast<std::int32_t>(i));
  }
  return index;
}

SlotDistributionPolicy uniform_policy(const SessionStore& store, int slots) {
  const auto items = static_cast<std::int64_t>(store.num_items());
  if (items < slots) {
    throw ConfigError(
        fmt::format("evaluate.policy.kind: uniform slates of {} distinct items need "
                    "at least {} items; the store has {}",
                    slots, slots, items));
  }
  // Uniform without replacement: every slot's marginal is 1/items (by symmetry).
  std::vector<double> marginal(static_cast<std::size_t>(slots) * items, 1.0 / items);
  return SlotDistributionPolicy("uniform: distinct items uniformly at random",
                                SlotDistributionPolicy::Structure::kUniformWithoutReplacement,
                                slots, items, std::move(marginal));
}

SlotDistributionPolicy popularity_policy(const SessionStore& store, int slots) {
  const auto items = static_cast<std::int64_t>(store.num_items());
  std::vector<std::int64_t> count(items, 0);
  std::size_t train_events = 0;
  for (std::size_t s = 0; s < store.num_sessions(); ++s) {
    if (!store.session_split.empty() &&
        store.session_split[s] != static_cast<std::int8_t>(Split::kTrain)) {
      continue;
    }
    for (auto e = store.session_offsets[s]; e < store.session_offsets[s + 1]; ++e) {
      ++count[store.event_item[e]];
      ++train_events;
    }
  }
  if (train_events == 0) {
    throw DataError(
        "evaluate.policy.kind: popularity counts the train split's events, and the "
        "store has none");
  }
  std::vector<std::int32_t> order(items);
  std::iota(order.begin(), order.end(), 0);
  // Ties go to the lower item index, so the ranking is a function of the store alone.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::int32_t a, std::int32_t b) { return count[a] > count[b]; });
  order.resize(std::min<std::int64_t>(slots, items));
  std::vector<double> marginal(static_cast<std::size_t>(slots) * items, 0.0);
  for (std::size_t k = 0; k < order.size(); ++k) marginal[k * items + order[k]] = 1.0;
  return SlotDistributionPolicy("popularity: the train split's most frequent items, in order",
                                SlotDistributionPolicy::Structure::kDeterministicRanking, slots,
                                items, std::move(marginal), std::move(order));
}

void check_slot_sums(const std::vector<double>& marginal, int slots, std::int64_t items,
                     const std::string& source) {
  for (int k = 0; k < slots; ++k) {
    const double sum =
        std::accumulate(marginal.begin() + k * items, marginal.begin() + (k + 1) * items, 0.0);
    if (std::abs(sum - 1.0) > kSumTolerance) {
      throw DataError(
          fmt::format("{}: the probabilities of position {} sum to {:.9g} over the "
                      "store's items, not 1",
                      source, k, sum));
    }
  }
}

SlotDistributionPolicy empirical_policy(const EvaluationPolicyConfig& config,
                                        const SessionStore& store, int slots) {
  if (config.store.empty()) {
    throw ConfigError("evaluate.policy.store: the empirical policy needs a store to count");
  }
  const SessionStore source = read_session_store(config.store);
  const auto items = static_cast<std::int64_t>(store.num_items());
  const auto index = item_index(store);
  std::vector<double> count(static_cast<std::size_t>(slots) * items, 0.0);
  std::vector<double> total(slots, 0.0);
  std::size_t unmatched = 0;
  const auto& shown = source.impressions;
  for (std::size_t row = 0; row < shown.size(); ++row) {
    const int slot = shown.position[row];
    if (slot >= slots) continue;  // the evaluated logs never show this slot
    total[slot] += 1.0;
    const auto found = index.find(source.item_raw_id[shown.item[row]]);
    if (found == index.end()) {
      ++unmatched;
      continue;
    }
    count[static_cast<std::size_t>(slot) * items + found->second] += 1.0;
  }
  // An item the evaluated store never heard of would carry probability no logged row can see:
  // the estimate would silently be of another policy. Refuse instead.
  if (unmatched > 0) {
    throw DataError(
        fmt::format("{}: {} impressions show items that {} does not have; the "
                    "empirical policy would lose their probability",
                    config.store, unmatched, "the evaluated store"));
  }
  for (int k = 0; k < slots; ++k) {
    if (total[k] == 0) {
      throw DataError(
          fmt::format("{}: no impression at position {}, which the evaluated logs "
                      "show",
                      config.store, k));
    }
    for (std::int64_t i = 0; i < items; ++i) count[k * items + i] /= total[k];
  }
  return SlotDistributionPolicy(
      fmt::format("empirical: item-by-position frequencies of the impressions in {}", config.store),
      SlotDistributionPolicy::Structure::kMarginalsOnly, slots, items, std::move(count));
}

SlotDistributionPolicy file_policy(const EvaluationPolicyConfig& config, const SessionStore& store,
                                   int slots) {
  if (config.file.empty()) {
    throw ConfigError("evaluate.policy.file: the file policy needs a CSV of probabilities");
  }
  std::ifstream in(config.file);
  if (!in) throw IoError(fmt::format("{}: cannot open", config.file));
  const auto items = static_cast<std::int64_t>(store.num_items());
  const auto index = item_index(store);
  std::vector<double> marginal(static_cast<std::size_t>(slots) * items, 0.0);
  std::vector<bool> seen(marginal.size(), false);
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_number == 1) {
      if (line != "item_id,position,probability") {
        throw DataError(fmt::format("{}:1: header must be item_id,position,probability, got '{}'",
                                    config.file, line));
      }
      continue;
    }
    if (line.empty()) continue;
    const auto first = line.find(',');
    const auto second = first == std::string::npos ? first : line.find(',', first + 1);
    if (second == std::string::npos) {
      throw DataError(fmt::format("{}:{}: expected 3 fields", config.file, line_number));
    }
    const std::string item = line.substr(0, first);
    double position = 0;
    double probability = 0;
    if (!parse_double(std::string_view(line).substr(first + 1, second - first - 1), position) ||
        position < 0 || position != std::floor(position)) {
      throw DataError(
          fmt::format("{}:{}: position must be a non-negative integer", config.file, line_number));
    }
    if (!parse_double(std::string_view(line).substr(second + 1), probability) ||
        !(probability >= 0 && probability <= 1)) {
      throw DataError(
          fmt::format("{}:{}: probability must be a number in [0, 1]", config.file, line_number));
    }
    const auto found = index.find(item);
    if (found == index.end()) {
      throw DataError(fmt::format("{}:{}: item '{}' is not in the evaluated store", config.file,
                                  line_number, item));
    }
    if (position >= slots) continue;  // slots the logs never show do not matter
    const std::size_t cell = static_cast<std::size_t>(position) * items + found->second;
    if (seen[cell]) {
      throw DataError(fmt::format("{}:{}: item '{}' at position {} is listed twice", config.file,
                                  line_number, item, position));
    }
    seen[cell] = true;
    marginal[cell] = probability;
  }
  check_slot_sums(marginal, slots, items, config.file);
  return SlotDistributionPolicy(fmt::format("file: probabilities from {}", config.file),
                                SlotDistributionPolicy::Structure::kMarginalsOnly, slots, items,
                                std::move(marginal));
}

}  // namespace

SlotDistributionPolicy::SlotDistributionPolicy(std::string description, Structure structure,
                                               int slots, std::int64_t items,
                                               std::vector<double> marginal,
                                               std::vector<std::int32_t> ranking)
    : description_(std::move(description)),
      structure_(structure),
      slots_(slots),
      items_(items),
      marginal_(std::move(marginal)),
      ranking_(std::move(ranking)) {}

double SlotDistributionPolicy::prefix_probability(const std::int32_t* items, int length) const {
  switch (structure_) {
    case Structure::kUniformWithoutReplacement: {
      double probability = 1.0;
      for (int k = 0; k < length; ++k) {
        for (int j = 0; j < k; ++j) {
          if (items[j] == items[k]) return 0.0;  // a repeat: never drawn without replacement
        }
        probability /= static_cast<double>(items_ - k);
      }
      return probability;
    }
    case Structure::kDeterministicRanking:
      for (int k = 0; k < length; ++k) {
        if (k >= static_cast<int>(ranking_.size()) || items[k] != ranking_[k]) return 0.0;
      }
      return 1.0;
    case Structure::kMarginalsOnly:
      break;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

SlotDistributionPolicy make_evaluation_policy(const EvaluationPolicyConfig& config,
                                              const SessionStore& store) {
  const int slots = logged_slots(store);
  if (config.kind == "uniform") return uniform_policy(store, slots);
  if (config.kind == "popularity") return popularity_policy(store, slots);
  if (config.kind == "empirical") return empirical_policy(config, store, slots);
  if (config.kind == "file") return file_policy(config, store, slots);
  if (config.kind == "checkpoint" || config.kind == "exported")
    throw ConfigError(fmt::format(
        "evaluate.policy.kind: {} is a contextual policy with no per-slot distribution of its "
        "own; it is evaluated through policy/log_evaluation.h",
        config.kind));
  throw ConfigError(fmt::format("evaluate.policy.kind: unknown kind '{}'", config.kind));
}

}  // namespace shoprl
