// What the report's three formats share: how a number is printed (one precision for markdown
// and HTML), the interval kinds in their order, and the derived figures (value relative to the
// logging policy, error against the true value).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "eval/estimate.h"

namespace shoprl {

// Markdown and HTML print every real number with this many significant digits (printf %.4g);
// report.json keeps full precision.
inline constexpr int kReportSignificantDigits = 4;

// "%.4g"; "n/a" for NaN, "inf" / "-inf" for infinities.
std::string format_report_number(double value);

struct IntervalKind {
  const char* name;  // the JSON key: "bootstrap", "t", "normal", "hoeffding", "bernstein"
  Interval Estimate::*interval;
};
const std::vector<IntervalKind>& interval_kinds();

// value / logging value; NaN when the logging value is 0 or NaN.
double relative_to_logging(const Estimate& estimate, const Estimate& logging_value);

// value - true value; NaN without a true value.
double true_value_error(const Estimate& estimate, const std::optional<double>& true_value);

// The estimates that were computed (declined ones are listed apart in every format).
std::vector<const Estimate*> computed_estimates(const std::vector<Estimate>& estimates);

}  // namespace shoprl
