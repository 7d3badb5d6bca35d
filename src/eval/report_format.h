// What the report's three formats share: how a number is printed (one precision for markdown
// and HTML), the interval kinds in their order, the units in their order, and the derived
// figures (value relative to the logging policy of the same unit, error against the estimate's
// own true value).
#pragma once

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

// What one value means in each unit, for captions: "round" -> "reward of one impression".
// Unknown units get an empty string.
std::string unit_meaning(const std::string& unit);

// The units among `estimates` and `logging_values`, each once: round, slate, session first (in
// that order), then any other unit in order of first appearance.
std::vector<std::string> report_units(const std::vector<const Estimate*>& estimates,
                                      const std::vector<Estimate>& logging_values);

// The logging policy's value in `unit` (the first one given for it); nullptr when none.
const Estimate* logging_value_for(const std::vector<Estimate>& logging_values,
                                  const std::string& unit);

// value / the logging value of the estimate's own unit; NaN when that unit has no logging
// value, or it is 0 or NaN. Values in different units are never divided.
double relative_to_logging(const Estimate& estimate, const std::vector<Estimate>& logging_values);

// value - the estimate's own true value; NaN without one.
double true_value_error(const Estimate& estimate);

// Whether any of the estimates has a true value (the formats show true-value columns then).
bool any_true_value(const std::vector<const Estimate*>& estimates);

// The estimates that were computed (declined ones are listed apart in every format).
std::vector<const Estimate*> computed_estimates(const std::vector<Estimate>& estimates);

// The estimate a report leads with. Candidates: computed, with a finite value and interval, and
// an effective sample size (where defined) of at least 1% of their units (below that a handful
// of rounds decide the value); those compared with a true value or yardstick when any is. Of
// these the first in kHeadlineOrder: DR first (unbiased when either the logged propensities or
// the reward model is right), then its self-normalised form and SNIPW (a little bias for much
// less variance), IPW (the propensities alone), DM (the model alone), then the session and the
// slate estimators. nullptr when there is no candidate.
const Estimate* headline_estimate(const std::vector<Estimate>& estimates);
inline constexpr const char* kHeadlineOrder[] = {
    "dr",    "sndr", "snipw", "ipw",  "dm",   "wdr", "seq-dr",    "magic",
    "wpdis", "pdis", "iips",  "rips", "sips", "pi",  "switch-dr", "dr-os"};

// "round" -> "per round": how a value of the unit reads in a sentence.
std::string per_unit(const std::string& unit);

}  // namespace shoprl
