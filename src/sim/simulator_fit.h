// Fitting a simulator end to end (`shoprl sim fit`, and the ground-truth check): the train and
// valid sequences of a store, K user models (member k seeded by derive_seed(seed, k)), then the
// response calibration on the train split's impressions. With sim.fit_split test, the test
// split stands in for both: its sessions train the members but for one in ten, which stops
// them early, and its impressions calibrate the response.
#pragma once

#include <cstdint>
#include <string>

#include "data/session_store.h"
#include "sim/fitted_simulator.h"

namespace shoprl {

// `store_path` names the store in messages and in the result; `slate_size` is env.slate_size
// (the calibration fits one position bias per slot). `device` is resolved ("cpu", "cuda").
FittedSimulator fit_simulator(const SimConfig& config, const SessionStore& store,
                              const std::string& store_path, int slate_size, std::uint64_t seed,
                              const std::string& device);

}  // namespace shoprl
