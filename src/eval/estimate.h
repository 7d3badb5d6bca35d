// One estimate with its uncertainty and diagnostics: the single aggregation every estimator's
// per-unit terms go through (means, standard errors and all interval kinds in one place).
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/numbers.h"
#include "eval/estimator_terms.h"
#include "eval/ope_config.h"

namespace shoprl {

struct Interval {
  double low = kNaN;
  double high = kNaN;
  bool defined() const { return low == low && high == high; }
};

// An estimate whose effective sample size is below this share of its units is marked unreliable.
inline constexpr double kReliableEssShare = 0.01;

struct Estimate {
  std::string estimator;  // registry name: "ipw", "sndr", ...
  std::string unit;       // "round", "slate" or "session"
  std::size_t units = 0;
  double value = kNaN;
  double std_error = kNaN;
  // The interval the config chose (OpeConfig::interval), and every kind that is defined
  // (undefined kinds stay NaN: Hoeffding for a self-normalised estimator, for example).
  Interval ci;
  Interval ci_bootstrap, ci_t, ci_normal, ci_hoeffding, ci_bernstein;
  // Diagnostics of the importance weights (NaN without weights).
  double effective_sample_size = kNaN;  // (sum w)^2 / sum w^2
  double max_weight = kNaN;
  double clipped_fraction = kNaN;
  std::string declined;  // non-empty: not computed, and why
  // Non-empty: computed, but not to be read as an estimate, and why (the importance weights
  // rest on under kReliableEssShare of the units: a deterministic policy over rich slates gives
  // 0 with an effective sample size near 0).
  std::string unreliable;
  // The evaluated policy's true value in this estimator's unit, when the logs come from the
  // synthetic world and the truth is known for that unit (NaN otherwise).
  double true_value = kNaN;
  double true_value_std_error = kNaN;
};

struct NamedTerms {
  std::string estimator;
  std::string unit;
  EstimatorTerms terms;
};

// Aggregates each estimator's terms into an estimate. Estimators over the same units share
// their bootstrap resamples (one multiplicity draw per resample serves them all, and their
// bootstrap intervals are paired). Resamples come from `seed`; results do not depend on
// config.threads. Declined terms give declined estimates.
std::vector<Estimate> aggregate_estimates(const std::vector<NamedTerms>& terms,
                                          const OpeConfig& config, std::uint64_t seed);

}  // namespace shoprl
