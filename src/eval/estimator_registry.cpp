// The estimators in report order: bandit, then slate, then sequential.
#include "eval/estimator_registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"
#include "eval/bandit/bandit_estimators.h"
#include "eval/sequential/sequential_estimators.h"
#include "eval/slate/slate_estimators.h"

namespace shoprl {

const std::vector<EstimatorSpec>& estimator_registry() {
  static const std::vector<EstimatorSpec> registry = {
      {"dm", "Direct method", EstimatorKind::kBandit, "round", &dm_terms},
      {"ipw", "Inverse propensity weighting", EstimatorKind::kBandit, "round", &ipw_terms},
      {"snipw", "Self-normalised inverse propensity weighting", EstimatorKind::kBandit, "round",
       &snipw_terms},
      {"dr", "Doubly robust", EstimatorKind::kBandit, "round", &dr_terms},
      {"sndr", "Self-normalised doubly robust", EstimatorKind::kBandit, "round", &sndr_terms},
      {"switch-dr", "Switch doubly robust", EstimatorKind::kBandit, "round", &switch_dr_terms},
      {"dr-os", "Doubly robust with optimistic shrinkage", EstimatorKind::kBandit, "round",
       &dr_os_terms},
      {"sips", "Standard slate IPS", EstimatorKind::kSlate, "slate", &sips_terms},
      {"snsips", "Self-normalised standard slate IPS", EstimatorKind::kSlate, "slate",
       &snsips_terms},
      {"iips", "Independent IPS", EstimatorKind::kSlate, "slate", &iips_terms},
      {"rips", "Reward-interaction IPS", EstimatorKind::kSlate, "slate", &rips_terms},
      {"pi", "Pseudoinverse", EstimatorKind::kSlate, "slate", &pi_terms},
      {"pdis", "Per-decision importance sampling", EstimatorKind::kSequential, "session",
       &pdis_terms},
      {"wpdis", "Weighted per-decision importance sampling", EstimatorKind::kSequential, "session",
       &wpdis_terms},
      {"tmis", "Time-marginalised importance sampling", EstimatorKind::kSequential, "session",
       &tmis_terms},
      {"seq-dr", "Sequential doubly robust", EstimatorKind::kSequential, "session", &seq_dr_terms},
      {"wdr", "Weighted doubly robust", EstimatorKind::kSequential, "session", &wdr_terms},
      {"magic", "MAGIC (blended partial returns)", EstimatorKind::kSequential, "session",
       &magic_terms},
  };
  return registry;
}

const EstimatorSpec& find_estimator(const std::string& name) {
  for (const EstimatorSpec& spec : estimator_registry()) {
    if (name == spec.name) return spec;
  }
  std::vector<std::string> known;
  for (const EstimatorSpec& spec : estimator_registry()) known.emplace_back(spec.name);
  throw ConfigError(fmt::format("ope.estimators: unknown estimator '{}' (known: {})", name,
                                fmt::join(known, ", ")));
}

}  // namespace shoprl
