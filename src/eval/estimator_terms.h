// What an estimator hands to the one shared aggregation (estimate.h): per-unit terms whose
// mean (or ratio of sums) is the estimate, as Open Bandit Pipeline's estimators return
// per-round contributions. A unit is a round, a slate or a session, by the estimator's kind.
#pragma once

#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace shoprl {

struct EstimatorTerms {
  // value = mean(offset) + sum(contribution) / sum(normaliser), where an empty offset adds
  // nothing and an empty normaliser means mean(contribution). Self-normalised estimators fill
  // normaliser (SNIPS: w_i r_i and w_i); SNDR also fills offset (its direct-method term).
  std::vector<double> contribution;
  std::vector<double> normaliser;
  std::vector<double> offset;

  // The importance weights the estimator used, one per unit, after any clipping or shrinkage
  // (diagnostics: effective sample size, largest weight). Empty for the direct method.
  std::vector<double> weights;
  std::size_t clipped = 0;  // how many weights clipping, switching or shrinkage changed

  // A-priori range of one contribution (Hoeffding, empirical Bernstein); NaN when there is
  // none (self-normalised estimators: the intervals need a mean of bounded terms).
  double contribution_min = std::numeric_limits<double>::quiet_NaN();
  double contribution_max = std::numeric_limits<double>::quiet_NaN();

  // For estimators that are not a mean or ratio of per-unit sums (MAGIC): the estimate
  // recomputed from resample multiplicities (count[u] = how often unit u was drawn). The
  // bootstrap calls it, from several threads at once (so it must not change shared state);
  // the standard error and every interval then come from the bootstrap.
  // `contribution` may then hold anything that has one entry per unit; `value` holds the
  // estimate on the full data.
  std::function<double(const std::vector<std::uint32_t>& count)> resampled_value;
  double value = std::numeric_limits<double>::quiet_NaN();

  // Why the estimator could not be computed on this input ("" = it was). An estimator that
  // declines returns empty terms and says why; the report shows the reason instead of a row.
  std::string declined;

  std::size_t units() const { return contribution.size(); }
  bool self_normalised() const { return !normaliser.empty(); }
};

}  // namespace shoprl
