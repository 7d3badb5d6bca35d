// The A/B readout (ab_experiment.h).
#include "eval/ab_experiment.h"

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "eval/distribution_quantiles.h"

namespace shoprl {

ArmValue arm_session_value(const SessionStore& store, const std::string& where) {
  const auto sessions = static_cast<std::int64_t>(store.num_sessions());
  if (sessions < 2)
    throw DataError(fmt::format("{}: {} session(s); an arm of an experiment needs at least two",
                                where, sessions));
  std::vector<double> returns(static_cast<std::size_t>(sessions), 0.0);
  const StoreImpressions& shown = store.impressions;
  for (std::size_t row = 0; row < shown.reward.size(); ++row) {
    if (!std::isfinite(shown.reward[row]))
      throw DataError(fmt::format("{}: /impressions/reward[{}] is {}", where, row,
                                  static_cast<double>(shown.reward[row])));
    returns[static_cast<std::size_t>(shown.session[row])] += shown.reward[row];
  }
  ArmValue arm;
  arm.sessions = sessions;
  double sum = 0;
  for (const double r : returns) sum += r;
  arm.mean = sum / static_cast<double>(sessions);
  double squares = 0;
  for (const double r : returns) squares += (r - arm.mean) * (r - arm.mean);
  arm.std_dev = std::sqrt(squares / static_cast<double>(sessions - 1));
  arm.std_error = arm.std_dev / std::sqrt(static_cast<double>(sessions));
  return arm;
}

ExperimentReadout read_experiment(const ArmValue& served, const ArmValue& candidate,
                                  double confidence) {
  ExperimentReadout out;
  out.served = served;
  out.candidate = candidate;
  out.difference = candidate.mean - served.mean;
  const double vs = served.std_error * served.std_error;
  const double vc = candidate.std_error * candidate.std_error;
  out.std_error = std::sqrt(vs + vc);
  // Welch-Satterthwaite: the arms may differ in size and spread (a canary share below one half,
  // a candidate that keeps shoppers longer).
  const double denominator = vs * vs / static_cast<double>(served.sessions - 1) +
                             vc * vc / static_cast<double>(candidate.sessions - 1);
  out.degrees_of_freedom = denominator > 0
                               ? (vs + vc) * (vs + vc) / denominator
                               : static_cast<double>(served.sessions + candidate.sessions - 2);
  if (out.std_error > 0) {
    const double t = student_t_quantile(0.5 + confidence / 2, out.degrees_of_freedom);
    out.ci = {out.difference - t * out.std_error, out.difference + t * out.std_error};
  } else {
    out.ci = {out.difference, out.difference};
  }
  return out;
}

}  // namespace shoprl
