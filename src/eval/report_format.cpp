#include "eval/report_format.h"

#include <cmath>
#include <cstdio>

namespace shoprl {

std::string format_report_number(double value) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", kReportSignificantDigits, value);
  return buffer;
}

const std::vector<IntervalKind>& interval_kinds() {
  static const std::vector<IntervalKind> kinds = {
      {"bootstrap", &Estimate::ci_bootstrap}, {"t", &Estimate::ci_t},
      {"normal", &Estimate::ci_normal},       {"hoeffding", &Estimate::ci_hoeffding},
      {"bernstein", &Estimate::ci_bernstein},
  };
  return kinds;
}

double relative_to_logging(const Estimate& estimate, const Estimate& logging_value) {
  if (std::isnan(logging_value.value) || logging_value.value == 0) return kNaN;
  return estimate.value / logging_value.value;
}

double true_value_error(const Estimate& estimate, const std::optional<double>& true_value) {
  return true_value ? estimate.value - *true_value : kNaN;
}

std::vector<const Estimate*> computed_estimates(const std::vector<Estimate>& estimates) {
  std::vector<const Estimate*> computed;
  for (const Estimate& estimate : estimates) {
    if (estimate.declined.empty()) computed.push_back(&estimate);
  }
  return computed;
}

}  // namespace shoprl
