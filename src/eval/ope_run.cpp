#include "eval/ope_run.h"

#include <fmt/format.h>

#include <set>

#include "core/error.h"
#include "eval/estimator_registry.h"

namespace shoprl {

namespace {

EstimatorTerms logging_terms(const LoggedRounds& rounds) {
  EstimatorTerms terms;
  terms.contribution = rounds.reward;
  terms.contribution_min = rounds.reward_min;
  terms.contribution_max = rounds.reward_max;
  return terms;
}

}  // namespace

OpeResult run_estimators(const LoggedRounds& rounds, const OpeConfig& given,
                         std::uint64_t seed) {
  // MAGIC's inner bootstrap reads the seed from the config: give it the resolved one.
  OpeConfig config = given;
  if (config.bootstrap_seed == 0) config.bootstrap_seed = seed;
  std::set<std::string> seen;
  std::vector<NamedTerms> all;
  all.push_back({"logging", "round", logging_terms(rounds)});
  OpeResult result;
  for (const std::string& name : config.estimators) {
    if (!seen.insert(name).second) {
      throw ConfigError(fmt::format("ope.estimators: '{}' is listed twice", name));
    }
    const EstimatorSpec& spec = find_estimator(name);
    EstimatorTerms terms = spec.terms(rounds, config);
    if (name == "ipw") result.ipw_weights = terms.weights;
    all.push_back({spec.name, spec.unit, std::move(terms)});
  }
  std::vector<Estimate> estimates = aggregate_estimates(all, config, seed);
  result.logging_values = {estimates.front()};
  result.estimates.assign(estimates.begin() + 1, estimates.end());
  return result;
}

}  // namespace shoprl
