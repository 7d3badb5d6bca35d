#include "data/store_stats.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "data/event_type.h"

namespace shoprl {
namespace {

// Quantile with linear interpolation between order statistics (numpy.percentile's default),
// so that an independent NumPy check computes the same figure.
double quantile(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(lower);
  return static_cast<double>(sorted[lower]) +
         fraction * static_cast<double>(sorted[upper] - sorted[lower]);
}

// Gini coefficient of non-negative counts: sum_i (2i - n - 1) x_(i) / (n sum x), x ascending,
// i = 1..n (the standard sorted-values form of the mean absolute difference).
double gini(std::vector<std::int64_t> counts) {
  const std::size_t n = counts.size();
  if (n == 0) return 0;
  std::sort(counts.begin(), counts.end());
  double weighted = 0;
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<double>(counts[i]);
    weighted += (2.0 * static_cast<double>(i + 1) - static_cast<double>(n) - 1.0) * x;
    total += x;
  }
  return total > 0 ? weighted / (static_cast<double>(n) * total) : 0.0;
}

SliceStats slice_stats(const SessionStore& store, int split) {
  SliceStats stats;
  std::vector<std::int64_t> item_counts(store.num_items(), 0);
  std::vector<char> user_seen(store.user_raw_id.size(), 0);
  std::vector<std::int64_t> lengths;
  std::uint64_t sessions_with_click = 0;
  std::uint64_t sessions_with_click_and_purchase = 0;
  for (std::size_t s = 0; s < store.num_sessions(); ++s) {
    if (split >= 0 && store.session_split[s] != split) continue;
    ++stats.sessions;
    lengths.push_back(store.session_length(s));
    bool click = false;
    bool purchase = false;
    for (auto e = store.session_offsets[s]; e < store.session_offsets[s + 1]; ++e) {
      const auto i = static_cast<std::size_t>(e);
      const int type = store.event_type[i];
      ++stats.events[static_cast<std::size_t>(type)];
      ++item_counts[static_cast<std::size_t>(store.event_item[i])];
      click |= type == static_cast<int>(EventType::kClick);
      purchase |= type == static_cast<int>(EventType::kPurchase);
    }
    sessions_with_click += click;
    sessions_with_click_and_purchase += click && purchase;
    if (!store.session_user.empty() && store.session_user[s] >= 0) {
      user_seen[static_cast<std::size_t>(store.session_user[s])] = 1;
    }
  }
  stats.items = static_cast<std::uint64_t>(
      std::count_if(item_counts.begin(), item_counts.end(), [](std::int64_t c) { return c > 0; }));
  stats.users = static_cast<std::uint64_t>(std::count(user_seen.begin(), user_seen.end(), 1));
  std::sort(lengths.begin(), lengths.end());
  if (!lengths.empty()) {
    stats.session_length.min = lengths.front();
    stats.session_length.max = lengths.back();
    stats.session_length.median = quantile(lengths, 0.5);
    stats.session_length.p90 = quantile(lengths, 0.9);
    double sum = 0;
    for (const auto l : lengths) sum += static_cast<double>(l);
    stats.session_length.mean = sum / static_cast<double>(lengths.size());
  }
  const auto clicks = stats.events[static_cast<std::size_t>(EventType::kClick)];
  const auto purchases = stats.events[static_cast<std::size_t>(EventType::kPurchase)];
  stats.click_to_purchase_sessions = sessions_with_click
                                         ? static_cast<double>(sessions_with_click_and_purchase) /
                                               static_cast<double>(sessions_with_click)
                                         : 0.0;
  stats.purchases_per_click =
      clicks ? static_cast<double>(purchases) / static_cast<double>(clicks) : 0.0;
  stats.popularity_gini = gini(std::move(item_counts));

  const StoreImpressions& imp = store.impressions;
  double reward = 0;
  for (std::size_t r = 0; r < imp.size(); ++r) {
    if (split >= 0 && store.session_split[static_cast<std::size_t>(imp.session[r])] != split)
      continue;
    ++stats.impressions;
    reward += imp.reward[r];
  }
  stats.impression_reward_mean =
      stats.impressions ? reward / static_cast<double>(stats.impressions) : 0.0;
  return stats;
}

nlohmann::json slice_json(const SliceStats& s) {
  nlohmann::json j;
  j["sessions"] = s.sessions;
  j["items"] = s.items;
  j["users"] = s.users;
  j["events"] = {{"click", s.events[0]},
                 {"cart", s.events[1]},
                 {"purchase", s.events[2]},
                 {"total", s.events[0] + s.events[1] + s.events[2]}};
  j["session_length"] = {{"min", s.session_length.min},
                         {"median", s.session_length.median},
                         {"p90", s.session_length.p90},
                         {"max", s.session_length.max},
                         {"mean", s.session_length.mean}};
  j["click_to_purchase_sessions"] = s.click_to_purchase_sessions;
  j["purchases_per_click"] = s.purchases_per_click;
  j["popularity_gini"] = s.popularity_gini;
  j["impressions"] = s.impressions;
  j["impression_reward_mean"] = s.impression_reward_mean;
  return j;
}

}  // namespace

StoreStats compute_store_stats(const SessionStore& store) {
  StoreStats stats;
  stats.catalogue_items = store.num_items();
  stats.all = slice_stats(store, -1);
  for (int split = 0; split < kNumSplits; ++split) {
    stats.by_split[static_cast<std::size_t>(split)] = slice_stats(store, split);
  }
  return stats;
}

std::string store_stats_json(const StoreStats& stats) {
  nlohmann::json j = slice_json(stats.all);
  j["catalogue_items"] = stats.catalogue_items;
  for (int split = 0; split < kNumSplits; ++split) {
    j["splits"][split_name(static_cast<Split>(split))] =
        slice_json(stats.by_split[static_cast<std::size_t>(split)]);
  }
  return j.dump(2) + "\n";
}

std::string store_stats_text(const StoreStats& stats) {
  std::string text =
      fmt::format("{:<28}{:>14}{:>14}{:>14}{:>14}\n", "", "all", "train", "valid", "test");
  const auto row = [&](const char* name, auto get) {
    text += fmt::format("{:<28}{:>14}", name, get(stats.all));
    for (const SliceStats& s : stats.by_split) text += fmt::format("{:>14}", get(s));
    text += "\n";
  };
  row("sessions", [](const SliceStats& s) { return fmt::format("{}", s.sessions); });
  row("items (with events)", [](const SliceStats& s) { return fmt::format("{}", s.items); });
  row("users", [](const SliceStats& s) { return fmt::format("{}", s.users); });
  row("click events", [](const SliceStats& s) { return fmt::format("{}", s.events[0]); });
  row("cart events", [](const SliceStats& s) { return fmt::format("{}", s.events[1]); });
  row("purchase events", [](const SliceStats& s) { return fmt::format("{}", s.events[2]); });
  row("session length min",
      [](const SliceStats& s) { return fmt::format("{}", s.session_length.min); });
  row("session length median",
      [](const SliceStats& s) { return fmt::format("{:g}", s.session_length.median); });
  row("session length p90",
      [](const SliceStats& s) { return fmt::format("{:g}", s.session_length.p90); });
  row("session length max",
      [](const SliceStats& s) { return fmt::format("{}", s.session_length.max); });
  row("click->purchase sessions",
      [](const SliceStats& s) { return fmt::format("{:.4f}", s.click_to_purchase_sessions); });
  row("purchases per click",
      [](const SliceStats& s) { return fmt::format("{:.4f}", s.purchases_per_click); });
  row("popularity Gini",
      [](const SliceStats& s) { return fmt::format("{:.4f}", s.popularity_gini); });
  if (stats.all.impressions > 0) {
    row("impressions", [](const SliceStats& s) { return fmt::format("{}", s.impressions); });
    row("mean impression reward",
        [](const SliceStats& s) { return fmt::format("{:.5f}", s.impression_reward_mean); });
  }
  text += fmt::format("catalogue: {} items\n", stats.catalogue_items);
  return text;
}

}  // namespace shoprl
