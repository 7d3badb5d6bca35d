// When a simulated user leaves: a logistic hazard on what her session's slates did for her
// (docs/simulator.md, "Leaving"). After each slate, P(leave) = sigmoid(w . x) with
//   x = [1, and per decay d: C_d, B_d, M_d],
// where C_d, B_d and M_d are exponentially weighted counts (C <- d C + clicked) of the slates
// with a recommended click, with a purchase of a recommended item, and with no recommended
// click. Every feature is bounded (by 1 / (1 - d)), so a session longer than any in the logs
// extrapolates to a bounded hazard; C_d + M_d is the session's discounted length, so the
// hazard may also change with time. A user model's end head sees the events of a session but not
// the slates that earned nothing, so it cannot learn that a run of good slates keeps users and a
// run of bad ones sends them away; this hazard, fitted on the impression logs, can. The weights are
// fitted by maximum likelihood (Newton's method; the log-likelihood is concave), one row per logged
// slate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shoprl {

struct LeaveHazard {
  // Decays of the outcome counts: half-lives of about 1, 3 and 14 slates.
  std::vector<double> decays{0.5, 0.8, 0.95};
  std::vector<double> weights;  // [features()]; empty: not fitted (the end head decides)
  std::int64_t steps_used = 0;  // slates behind the fit
  std::int64_t censored = 0;    // sessions cut at the logs' longest length (no leave label)
  double log_likelihood = 0;    // per slate, at the fit

  bool fitted() const { return !weights.empty(); }
  int features() const { return 1 + 3 * static_cast<int>(decays.size()); }
  // Size of one session's running state: its outcome counts.
  int state_size() const { return 3 * static_cast<int>(decays.size()); }

  // Starts a session's state: no slates yet.
  void reset(double* state) const;
  // Adds one slate's outcome to a session's state.
  void advance(double* state, bool clicked, bool bought) const;
  // P(leave) after the slates in `state`.
  double leave_probability(const double* state) const;
};

// One logged slate's outcome, in session order.
struct SlateOutcome {
  bool clicked = false;  // a recommended item was clicked
  bool bought = false;   // a clicked recommended item was bought
};

// A logged session's slates; `left` is false when the session was cut (its last slate then has
// no label: whether she would have left after it is unknown).
struct SessionOutcomes {
  std::vector<SlateOutcome> slates;
  bool left = true;
};

// One line for reports: the hazard with its fit, or the end head when it is not fitted.
std::string leave_rule_text(const LeaveHazard& hazard);

// Maximum likelihood over every slate of `sessions` (a tiny ridge keeps the optimum finite
// when a feature separates the labels). `hazard` gives the decays; its weights are replaced.
// Throws DataError when no slate has a label.
void fit_leave_hazard(const std::vector<SessionOutcomes>& sessions, LeaveHazard& hazard);

}  // namespace shoprl
