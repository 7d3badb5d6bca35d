#include "eval/ope_run.h"

#include <fmt/format.h>

#include <set>

#include "core/error.h"
#include "core/seeding.h"
#include "eval/estimator_registry.h"

namespace shoprl {

namespace {

// Stream ids of the seeds derived from run.seed.
constexpr std::uint64_t kBootstrapStream = 0x4f5045;  // "OPE"
constexpr std::uint64_t kRewardModelStream = 0x524d;  // "RM"

EstimatorTerms bounded_mean_terms(std::vector<double> values, double low, double high) {
  EstimatorTerms terms;
  terms.contribution = std::move(values);
  terms.contribution_min = low;
  terms.contribution_max = high;
  return terms;
}

// The summed reward of each run of equal ids (a slate).
std::vector<double> sums_by_group(const std::vector<double>& reward,
                                  const std::vector<std::size_t>& offsets) {
  std::vector<double> sums(offsets.size() - 1, 0.0);
  for (std::size_t g = 0; g + 1 < offsets.size(); ++g) {
    for (std::size_t row = offsets[g]; row < offsets[g + 1]; ++row) sums[g] += reward[row];
  }
  return sums;
}

// The discounted return of each session, a step being a slate when slates are known and a row
// otherwise, as the sequential estimators count steps.
std::vector<double> session_returns(const LoggedRounds& rounds, double gamma) {
  const std::vector<std::size_t> sessions = group_offsets(rounds.session_id, "session_id");
  std::vector<double> returns(sessions.size() - 1, 0.0);
  for (std::size_t s = 0; s + 1 < sessions.size(); ++s) {
    double discount = 1.0;
    for (std::size_t row = sessions[s]; row < sessions[s + 1]; ++row) {
      const bool new_step = row > sessions[s] && (!rounds.has_slates() ||
                                                  rounds.slate_id[row] != rounds.slate_id[row - 1]);
      if (new_step) discount *= gamma;
      returns[s] += discount * rounds.reward[row];
    }
  }
  return returns;
}

// The on-policy value of the logs in each unit the rounds support. Bounds for Hoeffding: a
// slate of K rows sums K rewards; a session's return has no a-priori bound (its length is
// unbounded), so only its data-free intervals are defined.
std::vector<NamedTerms> logging_terms(const LoggedRounds& rounds, double gamma) {
  std::vector<NamedTerms> terms;
  terms.push_back({"logging", "round",
                   bounded_mean_terms(rounds.reward, rounds.reward_min, rounds.reward_max)});
  if (rounds.has_slates()) {
    const double k = rounds.len_list;
    terms.push_back(
        {"logging", "slate",
         bounded_mean_terms(
             sums_by_group(rounds.reward, group_offsets(rounds.slate_id, "slate_id")),
             std::min(0.0, k * rounds.reward_min), std::max(0.0, k * rounds.reward_max))});
  }
  if (rounds.has_sessions()) {
    EstimatorTerms session;
    session.contribution = session_returns(rounds, gamma);
    terms.push_back({"logging", "session", std::move(session)});
  }
  return terms;
}

}  // namespace

std::uint64_t resolve_bootstrap_seed(const OpeConfig& config, std::uint64_t run_seed) {
  return config.bootstrap_seed != 0 ? config.bootstrap_seed
                                    : derive_seed(run_seed, kBootstrapStream);
}

std::uint64_t reward_model_seed(std::uint64_t run_seed) {
  return derive_seed(run_seed, kRewardModelStream);
}

OpeResult run_estimators(const LoggedRounds& rounds, const OpeConfig& given, std::uint64_t seed) {
  // MAGIC's inner bootstrap reads the seed from the config: give it the resolved one.
  OpeConfig config = given;
  if (config.bootstrap_seed == 0) config.bootstrap_seed = seed;
  std::set<std::string> seen;
  std::vector<NamedTerms> all = logging_terms(rounds, config.gamma);
  const std::size_t logging_count = all.size();
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
  result.logging_values.assign(estimates.begin(), estimates.begin() + logging_count);
  result.estimates.assign(estimates.begin() + logging_count, estimates.end());
  return result;
}

}  // namespace shoprl
