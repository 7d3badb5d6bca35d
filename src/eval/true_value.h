// The true value of an evaluated policy beside each estimate, when the logs come from the
// synthetic world and its value there is known (a /truth entry, or a Monte Carlo run).
#pragma once

#include <string>
#include <vector>

#include "data/store_truth.h"
#include "eval/logged_rounds.h"
#include "eval/ope_run.h"

namespace shoprl {

// Puts the true session value into each estimate's own unit. Sessions: the value itself.
// Slates and rounds: only when every session is one full slate (a one-step world), where the
// slate value is the session value and the round value is it divided by the slate size.
// Returns the notes the report should carry (where the value came from, which units have none).
// `gamma` is the discount the session estimators used (ope.gamma). The truth is an undiscounted
// session return, so with gamma < 1 the session estimates and the truth are different
// quantities (and so are slate and round estimates of sessions with several slates): none of
// them is compared with it, and a note says why. A one-step world is discounted by nothing.
std::vector<std::string> attach_true_value(const PolicyValue& truth, const LoggedRounds& rounds,
                                           double gamma, OpeResult& result);

// Where no truth is known but the evaluation policy's own logs are (Open Bandit: the logs of
// `bts` beside the `random` logs it is evaluated on), their on-policy value in each unit is the
// yardstick of each estimate in that unit. Not a truth: those logs carry their own sampling
// error, and the two logging periods may differ. `on_policy_values` are the logging values of
// the evaluation policy's logs (OpeResult::logging_values). Returns the note for the report.
std::string attach_on_policy_yardstick(const std::vector<Estimate>& on_policy_values,
                                       const std::string& source, OpeResult& result);

}  // namespace shoprl
