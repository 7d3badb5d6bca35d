// The "logged slates" policy of the fidelity report: each step shows a slate drawn uniformly
// from the slates the store logged, so that simulated users see what real users saw (as a
// bag of slates; the order in which a history-aware logging policy chose them is not kept).
// It reads nothing of the observation and acts in any BatchEnv.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "data/session_store.h"
#include "env/policies/slate_policy.h"

namespace shoprl {

// The impression slates of the sessions of `split` that show exactly `slate_size` distinct
// items in slots 0..slate_size-1, as a flat [S, slate_size] array (rows of a slate are
// contiguous, docs/data-format.md). Empty when there are none.
std::vector<std::int32_t> logged_slates(const SessionStore& store, Split split, int slate_size);

// Draws one of `slates` ([S, slate_size], S >= 1) uniformly per user and step. Its
// probabilities are exact: a slate's probability is its multiplicity / S; the slot marginals
// and prefix probabilities are NaN (not needed where this policy is used, and costly to
// count).
std::unique_ptr<SlatePolicy> make_logged_slate_policy(std::vector<std::int32_t> slates,
                                                      int slate_size);

}  // namespace shoprl
