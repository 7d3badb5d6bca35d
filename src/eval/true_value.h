// The true value of an evaluated policy beside each estimate, when the logs come from the
// synthetic world and its value there is known (a /truth entry, or a Monte Carlo run).
#pragma once

#include <string>
#include <vector>

#include "data/store_truth.h"
#include "eval/logged_rounds.h"
#include "eval/ope_run.h"

namespace shoprl {

// Puts the true values into each estimate's own unit. Sessions: `truth`, the session value.
// Slates and rounds: when every session is one full slate (a one-step world), the slate value
// is the session value and the round value is it divided by the slate size; when sessions hold
// several slates, `in_logged_states` (the policy's expected reward per slate in the states the
// log visited: env/logged_state_value.h; null when not computed) is the slate value and it
// divided by the slate size the round value. Returns the notes the report should carry (where
// each value came from, which units have none). `gamma` is the discount the session
// estimators used (ope.gamma). The session truth is an undiscounted return, so with gamma < 1
// and several slates per session the session estimates are not compared with it, and a note
// says why; slates and rounds are not discounted.
// Whether every session of `rounds` is one slate (a one-step world): then the session value is
// the slate value too, and the logged-state value is not needed.
bool one_slate_per_session(const LoggedRounds& rounds);

std::vector<std::string> attach_true_value(const PolicyValue& truth, const LoggedRounds& rounds,
                                           double gamma, OpeResult& result,
                                           const PolicyValue* in_logged_states = nullptr);

// Where no truth is known but the evaluation policy's own logs are (Open Bandit: the logs of
// `bts` beside the `random` logs it is evaluated on), their on-policy value in each unit is the
// yardstick of each estimate in that unit. Not a truth: those logs carry their own sampling
// error, and the two logging periods may differ. `on_policy_values` are the logging values of
// the evaluation policy's logs (OpeResult::logging_values). Returns the note for the report.
std::string attach_on_policy_yardstick(const std::vector<Estimate>& on_policy_values,
                                       const std::string& source, OpeResult& result);

}  // namespace shoprl
