// The estimators, listed explicitly (not self-registered): name, the unit they average over,
// and the function that turns logged rounds into per-unit terms.
#pragma once

#include <string>
#include <vector>

#include "eval/estimator_terms.h"
#include "eval/logged_rounds.h"
#include "eval/ope_config.h"

namespace shoprl {

enum class EstimatorKind { kBandit, kSlate, kSequential };

struct EstimatorSpec {
  const char* name;         // "dm", "ipw", ...
  const char* full_name;    // "Direct method", ...
  EstimatorKind kind;
  const char* unit;         // "round", "slate", "session"
  EstimatorTerms (*terms)(const LoggedRounds&, const OpeConfig&);
};

// Every estimator, in report order.
const std::vector<EstimatorSpec>& estimator_registry();
// The spec called `name`; ConfigError naming ope.estimators and the known names otherwise.
const EstimatorSpec& find_estimator(const std::string& name);

}  // namespace shoprl
