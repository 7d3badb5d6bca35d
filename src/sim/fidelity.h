// Fidelity of a fitted simulator on a store's test split (issue 5 part 4): next-click ranking
// and log-likelihood of the ensemble against a popularity baseline, the purchase head's AUC
// and calibration, and simulated sessions (the learned environment shown logged slates)
// against the real test sessions: lengths, click-through, conversion, popularity concentration.
#pragma once

#include <cstdint>
#include <string>

#include "data/session_store.h"
#include "env/world_config.h"
#include "sim/fidelity_config.h"
#include "sim/fidelity_report.h"

namespace shoprl {

struct FittedSimulator;

struct FidelityInputs {
  std::string store_path;      // for messages and the report
  std::string simulator_path;  // the simulator's directory, for the report
  std::string device = "cpu";  // resolved; the simulator's models live there
  EnvConfig env;               // the simulated sessions' environment (slate_size is the fit's)
  SimReportConfig report;
  std::uint64_t seed = 0;
};

// Everything but the title, the ground truth and the resolved config. DataError naming the
// store when its catalogue differs from the simulator's or its test split has no session.
FidelityReport evaluate_fidelity(FittedSimulator& simulator, const SessionStore& store,
                                 const FidelityInputs& inputs);

}  // namespace shoprl
