// Click steps of logged sessions (logged_click_steps.h).
#include "agent/logged_click_steps.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.h"

namespace shoprl {

namespace {

// One slate of a session: its rows [begin, end) of the impressions and when it was shown.
struct LoggedSlate {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::int64_t time_ms = 0;
  double reward = 0;
};

}  // namespace

SessionBatch LoggedClickSteps::states(const torch::Tensor& index) const {
  return SessionBatch{items, types, lengths}.rows(index);
}

LoggedClickSteps logged_click_steps(const SessionStore& store, Split split, double gamma,
                                    int history_length) {
  const StoreImpressions& shown = store.impressions;
  if (shown.size() == 0)
    throw DataError("topk_reinforce: the logs have no impressions (logged slates) to learn from");
  const bool has_clicks = !shown.click.empty();
  const auto length = static_cast<std::size_t>(history_length);

  std::vector<std::int64_t> items, types, lengths, actions;
  std::vector<float> returns, propensities;
  std::vector<LoggedSlate> slates;
  std::size_t row = 0;
  while (row < shown.size()) {
    const std::int64_t session = shown.session[row];
    std::size_t session_end = row;
    while (session_end < shown.size() && shown.session[session_end] == session) ++session_end;
    if (session < 0 || static_cast<std::size_t>(session) >= store.num_sessions())
      throw DataError(fmt::format("impressions/session: row {}: session {} of {}", row, session,
                                  store.num_sessions()));
    const bool wanted = store.session_split.empty() ||
                        store.session_split[session] == static_cast<std::int8_t>(split);
    if (!wanted) {
      row = session_end;
      continue;
    }
    // The session's slates in the order shown (rows of one slate are contiguous).
    slates.clear();
    for (std::size_t r = row; r < session_end; ++r) {
      if (!std::isfinite(shown.reward[r]))
        throw DataError(
            fmt::format("impressions/reward: row {}: reward is {}", r, shown.reward[r]));
      if (slates.empty() || shown.slate[r] != shown.slate[slates.back().begin]) {
        slates.push_back({r, r, shown.time_ms[r], 0.0});
      }
      slates.back().end = r + 1;
      slates.back().reward += shown.reward[r];
    }
    std::stable_sort(slates.begin(), slates.end(), [](const LoggedSlate& a, const LoggedSlate& b) {
      return a.time_ms < b.time_ms;
    });
    // R_t backwards over the session's slates.
    std::vector<double> slate_return(slates.size());
    double later = 0;
    for (std::size_t t = slates.size(); t-- > 0;) {
      later = slates[t].reward + gamma * later;
      slate_return[t] = later;
    }
    const auto first_event = static_cast<std::size_t>(store.session_offsets[session]);
    for (std::size_t t = 0; t < slates.size(); ++t) {
      // Events strictly before the slate was shown (they are in time order).
      const auto before =
          static_cast<std::size_t>(events_before(store, session, slates[t].time_ms));
      const std::size_t kept = std::min(length, before - first_event);
      for (std::size_t r = slates[t].begin; r < slates[t].end; ++r) {
        const bool clicked = has_clicks ? shown.click[r] != 0 : shown.reward[r] > 0;
        if (!clicked) continue;
        const double propensity = shown.propensity[r];
        if (!(propensity > 0 && propensity <= 1))
          throw DataError(
              fmt::format("impressions/propensity: row {}: {} is not in (0, 1]", r, propensity));
        for (std::size_t e = 0; e < length; ++e) {
          const bool valid = e < kept;
          const std::size_t event = before - kept + e;
          items.push_back(valid ? store.event_item[event] : -1);
          types.push_back(valid ? store.event_type[event] : -1);
        }
        lengths.push_back(static_cast<std::int64_t>(kept));
        actions.push_back(shown.item[r]);
        returns.push_back(static_cast<float>(slate_return[t]));
        propensities.push_back(static_cast<float>(propensity));
      }
    }
    row = session_end;
  }
  if (actions.empty())
    throw DataError(
        fmt::format("topk_reinforce: the {} split of the logs holds no click on a "
                    "recommended item",
                    split_name(split)));

  const auto steps = static_cast<std::int64_t>(actions.size());
  const auto as_tensor = [](auto& values, auto dtype) {
    return torch::tensor(values, torch::TensorOptions().dtype(dtype));
  };
  LoggedClickSteps out;
  out.items = as_tensor(items, torch::kInt64).view({steps, history_length});
  out.types = as_tensor(types, torch::kInt64).view({steps, history_length});
  out.lengths = as_tensor(lengths, torch::kInt64);
  out.action = as_tensor(actions, torch::kInt64);
  out.returns = as_tensor(returns, torch::kFloat32);
  out.propensity = as_tensor(propensities, torch::kFloat32);
  return out;
}

}  // namespace shoprl
