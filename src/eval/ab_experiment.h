// The readout of an A/B experiment on served logs (promote.evidence canary, docs/closed-loop.md,
// "The canary"): the served model and a candidate served side by side to disjoint, randomly
// assigned units (shoprl traffic's canary_model), each arm's decision log imported into its own
// session store. Each arm's value is the mean return of its sessions, on-policy, so no
// importance weight, overlap or model enters, and the difference of the two means is unbiased
// for the difference of the two policies' values whatever they are, near or far. The price is
// traffic: the candidate must be served to real units before it is judged.
#pragma once

#include <cstdint>
#include <string>

#include "data/session_store.h"
#include "eval/estimate.h"

namespace shoprl {

struct ArmValue {
  std::int64_t sessions = 0;
  double mean = kNaN;  // per session: the sum of the rewards of its shown slots
  double std_error = kNaN;
  double std_dev = kNaN;
};

struct ExperimentReadout {
  ArmValue served;
  ArmValue candidate;
  double difference = kNaN;          // candidate - served, per session
  double std_error = kNaN;           // of the difference (Welch: the arms' variances apart)
  double degrees_of_freedom = kNaN;  // Welch-Satterthwaite
  Interval ci;                       // Student t at those degrees of freedom
};

// Every session of the store (any split: the candidate of an experiment trained before its
// traffic existed), with its return (sessions without impressions count 0). DataError naming
// `where` when the store holds fewer than two sessions or a reward that is not finite.
ArmValue arm_session_value(const SessionStore& store, const std::string& where);

// The candidate's lead over the served model with its two-sided `confidence` interval.
ExperimentReadout read_experiment(const ArmValue& served, const ArmValue& candidate,
                                  double confidence);

}  // namespace shoprl
