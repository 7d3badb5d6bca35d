// The sequential (session-level) off-policy estimators of issue 4: per-session terms for the
// shared aggregation (estimate.h), one unit per session. A step is a slate when the input has
// slates and a row otherwise (session_steps.h); each declines, saying why, when the input has no
// sessions or (the doubly robust family and MAGIC) no reward model.
#pragma once

#include "eval/estimator_terms.h"
#include "eval/logged_rounds.h"
#include "eval/ope_config.h"

namespace shoprl {

// Per-decision importance sampling (Precup, Sutton & Singh 2000).
EstimatorTerms pdis_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Weighted per-decision importance sampling (Precup et al. 2000; Thomas 2015).
EstimatorTerms wpdis_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Time-marginalised importance sampling (Xie, Ma & Wang 2019, the state abstracted to the step
// index): per-step ratios, the policy's effect on session length carried by a survival curve.
EstimatorTerms tmis_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Sequential doubly robust (Jiang & Li 2016), per-decision form.
EstimatorTerms seq_dr_terms(const LoggedRounds& rounds, const OpeConfig& config);
// Weighted doubly robust (Thomas & Brunskill 2016).
EstimatorTerms wdr_terms(const LoggedRounds& rounds, const OpeConfig& config);
// MAGIC: model and guided importance sampling combining (Thomas & Brunskill 2016).
EstimatorTerms magic_terms(const LoggedRounds& rounds, const OpeConfig& config);

}  // namespace shoprl
