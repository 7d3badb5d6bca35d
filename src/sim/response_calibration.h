// Fits the slate-response parameters from a store's impression logs (docs/simulator.md):
// no_click_utility and the per-slot position bias by maximum likelihood of the observed
// choices (a multinomial logit over the shown items' model log-probabilities plus "no click",
// concave in the parameters), organic_rate and quiet_leave as frequencies, and the leave hazard
// (sim/leave_hazard.h) on the sessions' slate outcomes. Uses the ensemble's mean
// log-probabilities at the state each slate was shown in.
#pragma once

#include <string>
#include <vector>

#include "data/session_store.h"
#include "sim/fitted_simulator.h"

namespace shoprl {

// Whether `store` has what the fit needs: impressions with the `click` column recorded.
bool store_supports_calibration(const SessionStore& store);

// config.calibration == "config", or a store without impressions: the values of `config`
// (position bias position_bias * ln(1 + k)), source "config". Otherwise the fit on `split`.
ResponseCalibration calibrate_response(const SessionStore& store, Split split,
                                       std::vector<UserModel>& members,
                                       const ResponseConfig& config, int slate_size,
                                       const std::string& device);

}  // namespace shoprl
