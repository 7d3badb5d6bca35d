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
std::vector<std::string> attach_true_value(const PolicyValue& truth, const LoggedRounds& rounds,
                                           OpeResult& result);

}  // namespace shoprl
