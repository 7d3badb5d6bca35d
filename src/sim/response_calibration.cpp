#include "sim/response_calibration.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "data/event_type.h"
#include "sim/leave_hazard.h"

namespace shoprl {
namespace {

constexpr std::int64_t kEncodeBatch = 256;      // sessions (or windows) per forward pass
constexpr std::int64_t kTokenBudget = 1 << 18;  // padded events per forward pass at most
constexpr int kMaxNewtonSteps = 100;
// A tiny ridge keeps the Newton system solvable when a slot was never clicked (its bias
// would run off to infinity); it moves a well-identified estimate by far less than its
// standard error.
constexpr double kRidge = 1e-6;

// One shown slate of the split, as the fit reads it.
struct Slate {
  std::int64_t session = 0;
  std::int64_t state = 0;  // events of the session logged strictly before the slate
  std::vector<std::int32_t> items;
  std::vector<int> positions;  // slot of each item
  std::vector<int> clicked;    // indices into items
  bool organic = false;        // no click, and a click event before the next slate
  bool bought = false;         // a clicked item bought before the next slate
  bool quiet = false;          // no event at all before the next slate
  bool last = false;           // the session's last slate
};

ResponseCalibration from_config(const ResponseConfig& config, int slate_size) {
  ResponseCalibration c;
  c.source = "config";
  c.no_click_utility = config.no_click_utility;
  for (int k = 0; k < slate_size; ++k)
    c.position_bias.push_back(config.position_bias * std::log(1.0 + k));
  c.organic_rate = config.organic_rate;
  c.quiet_leave = config.quiet_leave;
  return c;
}

// The split's slates: rows of one slate are contiguous in the impressions (one slate id).
std::vector<Slate> collect_slates(const SessionStore& store, Split split, int slate_size) {
  const StoreImpressions& m = store.impressions;
  std::vector<Slate> slates;
  std::vector<std::int64_t> slate_time;
  std::int64_t skipped = 0;
  for (std::size_t r = 0; r < m.size();) {
    std::size_t end = r + 1;
    while (end < m.size() && m.slate[end] == m.slate[r] && m.session[end] == m.session[r]) ++end;
    const std::int64_t session = m.session[r];
    if (session < 0 || static_cast<std::size_t>(session) >= store.num_sessions())
      throw DataError(
          fmt::format("impressions row {}: session {} is not in the store ({} sessions)", r,
                      session, store.num_sessions()));
    if (static_cast<Split>(store.session_split[session]) == split) {
      Slate slate;
      slate.session = session;
      bool usable = true;
      for (std::size_t row = r; row < end; ++row) {
        if (m.position[row] < 0 || m.position[row] >= slate_size) usable = false;
        if (m.click[row]) slate.clicked.push_back(static_cast<int>(slate.items.size()));
        slate.items.push_back(m.item[row]);
        slate.positions.push_back(m.position[row]);
      }
      if (usable) {
        slate.state = events_before(store, session, m.time_ms[r]) - store.session_offsets[session];
        slates.push_back(std::move(slate));
        slate_time.push_back(m.time_ms[r]);
      } else {
        ++skipped;
      }
    }
    r = end;
  }
  if (skipped > 0)
    spdlog::warn("response calibration: {} slates with a slot outside [0, {}) left out", skipped,
                 slate_size);

  // What happened between each slate and the next one of its session (or the session's end).
  const auto click = static_cast<std::int8_t>(EventType::kClick);
  const auto purchase = static_cast<std::int8_t>(EventType::kPurchase);
  for (std::size_t j = 0; j < slates.size(); ++j) {
    Slate& slate = slates[j];
    const bool has_next = j + 1 < slates.size() && slates[j + 1].session == slate.session;
    slate.last = !has_next;
    const std::int64_t begin = store.session_offsets[slate.session] + slate.state;
    std::int64_t end = store.session_offsets[slate.session + 1];
    if (has_next) end = store.session_offsets[slate.session] + slates[j + 1].state;
    bool any_click = false;
    for (std::int64_t e = begin; e < end; ++e) {
      any_click |= store.event_type[e] == click;
      if (store.event_type[e] != purchase) continue;
      for (int c : slate.clicked) slate.bought |= slate.items[c] == store.event_item[e];
    }
    slate.quiet = begin >= end;
    slate.organic = slate.clicked.empty() && any_click;
  }
  return slates;
}

// Ensemble-mean log p(item | state) of every shown item: [slates, slate_size] (0 where a
// slot is empty). Sessions are encoded once each with forward() over the events before their
// last slate; an attention model whose slate comes after more than max_length events reads
// that slate's last max_length events instead.
torch::Tensor mean_item_log_probabilities(const SessionStore& store,
                                          const std::vector<Slate>& slates,
                                          std::vector<UserModel>& members, int slate_size,
                                          const torch::Device& device) {
  const auto n = static_cast<std::int64_t>(slates.size());
  torch::Tensor total = torch::zeros({n, slate_size}, torch::kDouble);
  std::vector<std::int64_t> slate_items(n * slate_size, 0);
  for (std::int64_t j = 0; j < n; ++j)
    for (std::size_t c = 0; c < slates[j].items.size(); ++c)
      slate_items[j * slate_size + slates[j].positions[c]] = slates[j].items[c];
  const torch::Tensor items_all = torch::tensor(slate_items, torch::kLong).view({n, slate_size});
  const bool incremental = members.front()->encoder()->incremental();
  const std::int64_t max_length = members.front()->encoder()->options().max_length;

  // Jobs: a run of slates of one session read from one window of events [from, to).
  struct Job {
    std::size_t first_slate, end_slate;  // slates [first, end) share this window
    std::int64_t from, to;               // event range of the window (store event indices)
  };
  std::vector<Job> jobs;
  for (std::size_t j = 0; j < slates.size();) {
    std::size_t end = j + 1;
    while (end < slates.size() && slates[end].session == slates[j].session) ++end;
    const std::int64_t offset = store.session_offsets[slates[j].session];
    if (incremental || slates[end - 1].state <= max_length) {
      jobs.push_back({j, end, offset, offset + slates[end - 1].state});
    } else {
      for (std::size_t t = j; t < end; ++t) {
        const std::int64_t to = offset + slates[t].state;
        jobs.push_back({t, t + 1, std::max(offset, to - max_length), to});
      }
    }
    j = end;
  }

  torch::NoGradGuard no_grad;
  for (std::size_t b = 0, b_end = 0; b < jobs.size(); b = b_end) {
    // As many windows as fit the token budget (a long session makes a narrow batch).
    std::int64_t width = std::max<std::int64_t>(1, jobs[b].to - jobs[b].from);
    for (b_end = b + 1; b_end < jobs.size() && static_cast<std::int64_t>(b_end - b) < kEncodeBatch;
         ++b_end) {
      const std::int64_t wider = std::max(width, jobs[b_end].to - jobs[b_end].from);
      if (static_cast<std::int64_t>(b_end - b + 1) * wider > kTokenBudget) break;
      width = wider;
    }
    const auto rows = static_cast<std::int64_t>(b_end - b);
    std::vector<std::int64_t> items(rows * width, -1), types(rows * width, -1);
    std::vector<std::int64_t> state_row, state_index, slate_index;
    for (std::size_t q = b; q < b_end; ++q) {
      const Job& job = jobs[q];
      const auto row = static_cast<std::int64_t>(q - b);
      for (std::int64_t e = job.from; e < job.to; ++e) {
        items[row * width + (e - job.from)] = store.event_item[e];
        types[row * width + (e - job.from)] = store.event_type[e];
      }
      const std::int64_t offset = store.session_offsets[slates[job.first_slate].session];
      for (std::size_t t = job.first_slate; t < job.end_slate; ++t) {
        state_row.push_back(row);
        state_index.push_back(offset + slates[t].state - job.from);
        slate_index.push_back(static_cast<std::int64_t>(t));
      }
    }
    const torch::Tensor items_t = torch::tensor(items, torch::kLong).view({rows, width}).to(device);
    const torch::Tensor types_t = torch::tensor(types, torch::kLong).view({rows, width}).to(device);
    const torch::Tensor row_t = torch::tensor(state_row, torch::kLong).to(device);
    const torch::Tensor index_t = torch::tensor(state_index, torch::kLong).to(device);
    const torch::Tensor slate_t = torch::tensor(slate_index, torch::kLong);
    const torch::Tensor shown = items_all.index_select(0, slate_t).to(device);
    for (UserModel& model : members) {
      const torch::Tensor states = model->encoder()->forward(items_t, types_t);  // [rows, T+1, H]
      const torch::Tensor h = states.index({row_t, index_t});
      const torch::Tensor log_p =
          model->item_logits(h, shown) - model->log_normalizer(h).unsqueeze(1);
      total.index_add_(0, slate_t, log_p.to(torch::kCPU, torch::kDouble));
    }
  }
  return total / static_cast<double>(members.size());
}

// Maximum likelihood of the position-biased MNL, by Newton's method (the log-likelihood is
// concave in theta = (u0, b_1, ..., b_{K-1}, alpha)): option "item at slot k" has logit
// alpha log p_k - b_k (b_0 = 0), "no click" has logit u0. Each option's features x_o: x_0 = 1
// for no click; for the item at slot k, -1 at b_k (k >= 1) and log p_k at alpha. The
// next-item probabilities p were learned under the logging policy's exposure (an item it
// showed often is clicked often); alpha, fitted on what users chose among what they were
// shown, says how much of log p is preference. Gradient sum(x_chosen - E_p[x]), Hessian
// -sum Cov_p[x] (McFadden 1974). A slate with several clicks counts each click as a separate
// choice from the same slate (a composite likelihood; the MNL itself allows one click).
struct MnlFit {
  Eigen::VectorXd theta;
  double log_likelihood = 0;
};

double mnl_log_likelihood(const std::vector<Slate>& slates, const double* log_p, int slate_size,
                          const Eigen::VectorXd& theta, Eigen::VectorXd* gradient,
                          Eigen::MatrixXd* hessian) {
  const int d = slate_size + 1;  // the last parameter is alpha
  if (gradient) gradient->setZero(d);
  if (hessian) hessian->setZero(d, d);
  double total = 0;
  std::vector<double> logit;
  std::vector<Eigen::VectorXd> features;
  for (std::size_t j = 0; j < slates.size(); ++j) {
    const Slate& slate = slates[j];
    const std::size_t options = slate.items.size() + 1;
    logit.assign(options, 0);
    features.assign(options, Eigen::VectorXd::Zero(d));
    features[0](0) = 1;
    logit[0] = theta(0);
    for (std::size_t c = 0; c < slate.items.size(); ++c) {
      const int position = slate.positions[c];
      const double log_p_item = log_p[j * slate_size + position];
      logit[c + 1] = theta(slate_size) * log_p_item;
      features[c + 1](slate_size) = log_p_item;
      if (position > 0) {
        features[c + 1](position) = -1;
        logit[c + 1] -= theta(position);
      }
    }
    const double top = *std::max_element(logit.begin(), logit.end());
    double z = 0;
    for (double l : logit) z += std::exp(l - top);
    const double log_z = top + std::log(z);
    std::vector<int> chosen;
    if (slate.clicked.empty()) chosen.push_back(0);
    for (int c : slate.clicked) chosen.push_back(c + 1);
    for (int o : chosen) total += logit[o] - log_z;
    if (!gradient) continue;
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
    Eigen::MatrixXd second = Eigen::MatrixXd::Zero(d, d);
    for (std::size_t o = 0; o < options; ++o) {
      const double p = std::exp(logit[o] - log_z);
      mean += p * features[o];
      second += p * features[o] * features[o].transpose();
    }
    const auto count = static_cast<double>(chosen.size());
    for (int o : chosen) *gradient += features[o] - mean;
    *hessian -= count * (second - mean * mean.transpose());
  }
  total -= 0.5 * kRidge * theta.squaredNorm();
  if (gradient) {
    *gradient -= kRidge * theta;
    *hessian -= kRidge * Eigen::MatrixXd::Identity(d, d);
  }
  return total;
}

MnlFit fit_mnl(const std::vector<Slate>& slates, const double* log_p, int slate_size,
               const Eigen::VectorXd& start) {
  Eigen::VectorXd theta = start;
  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;
  double value = mnl_log_likelihood(slates, log_p, slate_size, theta, &gradient, &hessian);
  for (int step = 0; step < kMaxNewtonSteps; ++step) {
    const Eigen::VectorXd direction = (-hessian).ldlt().solve(gradient);
    // Backtracking keeps every step an ascent step (Newton's full step can overshoot far
    // from the optimum).
    double scale = 1;
    double next = -std::numeric_limits<double>::infinity();
    Eigen::VectorXd candidate;
    for (int halving = 0; halving < 40; ++halving, scale *= 0.5) {
      candidate = theta + scale * direction;
      next = mnl_log_likelihood(slates, log_p, slate_size, candidate, nullptr, nullptr);
      if (next >= value) break;
    }
    if (!(next >= value)) break;
    theta = candidate;
    value = mnl_log_likelihood(slates, log_p, slate_size, theta, &gradient, &hessian);
    // Converged when the Newton decrement (what a full step would still gain, g' (-H)^-1 g / 2)
    // is negligible against the log-likelihood: a gradient-norm test in absolute units never
    // passes on tens of thousands of slates once a parameter's feature is a log-probability.
    const double decrement = 0.5 * gradient.dot((-hessian).ldlt().solve(gradient));
    if (!(decrement > 1e-12 * (1 + std::abs(value)))) break;
  }
  return {theta, value};
}

// The leave hazard's data: each session's slates in order. The logs cut sessions at some
// length (env.max_steps when synthesised), and a session that reached it did not necessarily
// leave: the sessions of the longest length seen are taken as cut, their last slate unlabelled.
std::vector<SessionOutcomes> session_outcomes(const std::vector<Slate>& slates) {
  std::vector<SessionOutcomes> sessions;
  std::size_t longest = 0;
  for (std::size_t j = 0; j < slates.size(); ++j) {
    if (j == 0 || slates[j].session != slates[j - 1].session) sessions.emplace_back();
    sessions.back().slates.push_back({!slates[j].clicked.empty(), slates[j].bought});
    longest = std::max(longest, sessions.back().slates.size());
  }
  for (SessionOutcomes& session : sessions) session.left = session.slates.size() < longest;
  return sessions;
}

}  // namespace

bool store_supports_calibration(const SessionStore& store) {
  const StoreImpressions& m = store.impressions;
  return m.size() > 0 && m.click.size() == m.size();
}

ResponseCalibration calibrate_response(const SessionStore& store, Split split,
                                       std::vector<UserModel>& members,
                                       const ResponseConfig& config, int slate_size,
                                       const std::string& device) {
  if (config.calibration == "config" || !store_supports_calibration(store))
    return from_config(config, slate_size);
  if (members.empty()) throw ConfigError("response calibration: no user models to calibrate");
  const std::vector<Slate> slates = collect_slates(store, split, slate_size);
  if (slates.empty())
    throw DataError(
        fmt::format("response calibration: the store has impressions but none in the {} split (set "
                    "sim.response.calibration: config to take the response from the config)",
                    split_name(split)));

  for (UserModel& model : members) model->eval();
  const torch::Tensor log_p =
      mean_item_log_probabilities(store, slates, members, slate_size, torch::Device(device))
          .contiguous();
  Eigen::VectorXd start = Eigen::VectorXd::Zero(slate_size + 1);
  start(0) = config.no_click_utility;
  for (int k = 1; k < slate_size; ++k) start(k) = config.position_bias * std::log(1.0 + k);
  start(slate_size) = 1.0;
  const MnlFit fit = fit_mnl(slates, log_p.data_ptr<double>(), slate_size, start);

  ResponseCalibration c;
  c.source = "impressions";
  c.no_click_utility = fit.theta(0);
  c.preference_scale = fit.theta(slate_size);
  c.position_bias.assign(slate_size, 0.0);
  for (int k = 1; k < slate_size; ++k) c.position_bias[k] = fit.theta(k);
  c.slates_used = static_cast<std::int64_t>(slates.size());
  // Without the ridge term: the log-likelihood of the choices themselves.
  c.log_likelihood = (fit.log_likelihood + 0.5 * kRidge * fit.theta.squaredNorm()) /
                     static_cast<double>(slates.size());

  std::int64_t no_click = 0, organic = 0, quiet = 0, quiet_last = 0;
  for (const Slate& slate : slates) {
    if (slate.clicked.empty()) {
      ++no_click;
      organic += slate.organic;
    }
    if (slate.quiet) {
      ++quiet;
      quiet_last += slate.last;
    }
  }
  // A frequency with nothing to count keeps the config's value.
  c.organic_rate = no_click > 0 ? static_cast<double>(organic) / no_click : config.organic_rate;
  c.quiet_leave = quiet > 0 ? static_cast<double>(quiet_last) / quiet : config.quiet_leave;
  if (config.leave == "hazard") {
    const std::vector<SessionOutcomes> sessions = session_outcomes(slates);
    const bool any_left = std::any_of(sessions.begin(), sessions.end(),
                                      [](const SessionOutcomes& s) { return s.left; });
    if (any_left) {
      fit_leave_hazard(sessions, c.leave);
    } else {
      // Every session has the longest length: the logs show nobody leaving before the cut.
      spdlog::warn(
          "response calibration: every logged session of the {} split has {} slates, so none "
          "shows when users leave; the end head decides (as with sim.response.leave: end_head)",
          split_name(split), sessions.front().slates.size());
    }
  }
  return c;
}

}  // namespace shoprl
