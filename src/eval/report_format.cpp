#include "eval/report_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace shoprl {

namespace {

// Estimators in different units are not comparable; the report keeps them apart in this order.
constexpr const char* kUnitOrder[] = {"round", "slate", "session"};

}  // namespace

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

std::string unit_meaning(const std::string& unit) {
  if (unit == "round") return "reward of one impression";
  if (unit == "slate") return "summed reward of one slate";
  if (unit == "session") return "discounted return of one session";
  return "";
}

std::vector<std::string> report_units(const std::vector<const Estimate*>& estimates,
                                      const std::vector<Estimate>& logging_values) {
  std::vector<std::string> seen;
  const auto see = [&](const std::string& unit) {
    if (std::find(seen.begin(), seen.end(), unit) == seen.end()) seen.push_back(unit);
  };
  for (const Estimate* estimate : estimates) see(estimate->unit);
  for (const Estimate& logging : logging_values) see(logging.unit);
  std::vector<std::string> ordered;
  for (const char* unit : kUnitOrder) {
    if (std::find(seen.begin(), seen.end(), unit) != seen.end()) ordered.push_back(unit);
  }
  for (const std::string& unit : seen) {
    if (std::find(ordered.begin(), ordered.end(), unit) == ordered.end()) ordered.push_back(unit);
  }
  return ordered;
}

const Estimate* logging_value_for(const std::vector<Estimate>& logging_values,
                                  const std::string& unit) {
  for (const Estimate& logging : logging_values) {
    if (logging.unit == unit) return &logging;
  }
  return nullptr;
}

double relative_to_logging(const Estimate& estimate, const std::vector<Estimate>& logging_values) {
  const Estimate* logging = logging_value_for(logging_values, estimate.unit);
  if (logging == nullptr || std::isnan(logging->value) || logging->value == 0) return kNaN;
  return estimate.value / logging->value;
}

double true_value_error(const Estimate& estimate) {
  return std::isnan(estimate.true_value) ? kNaN : estimate.value - estimate.true_value;
}

bool any_true_value(const std::vector<const Estimate*>& estimates) {
  return std::any_of(estimates.begin(), estimates.end(),
                     [](const Estimate* e) { return !std::isnan(e->true_value); });
}

const Estimate* headline_estimate(const std::vector<Estimate>& estimates) {
  std::vector<const Estimate*> candidates;
  for (const Estimate* e : computed_estimates(estimates)) {
    if (std::isfinite(e->value) && e->ci.defined() && e->unreliable.empty())
      candidates.push_back(e);
  }
  if (any_true_value(candidates)) {
    candidates.erase(std::remove_if(candidates.begin(), candidates.end(),
                                    [](const Estimate* e) { return std::isnan(e->true_value); }),
                     candidates.end());
  }
  for (const char* name : kHeadlineOrder) {
    for (const Estimate* e : candidates) {
      if (e->estimator == name) return e;
    }
  }
  return candidates.empty() ? nullptr : candidates.front();
}

std::string per_unit(const std::string& unit) { return "per " + unit; }

std::vector<const Estimate*> computed_estimates(const std::vector<Estimate>& estimates) {
  std::vector<const Estimate*> computed;
  for (const Estimate& estimate : estimates) {
    if (estimate.declined.empty()) computed.push_back(&estimate);
  }
  return computed;
}

}  // namespace shoprl
