#include "eval/estimate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "core/error.h"
#include "core/seeding.h"
#include "core/thread_pool.h"
#include "eval/confidence_intervals.h"
#include "eval/multinomial_bootstrap.h"

namespace shoprl {

namespace {

double mean_of(const std::vector<double>& x) {
  double sum = 0;
  for (double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

double sum_of(const std::vector<double>& x) {
  double sum = 0;
  for (double v : x) sum += v;
  return sum;
}

// Unbiased sample variance (divisor n - 1); NaN below 2 values.
double sample_variance(const std::vector<double>& x) {
  if (x.size() < 2) return kNaN;
  const double mean = mean_of(x);
  double squares = 0;
  for (double v : x) squares += (v - mean) * (v - mean);
  return squares / static_cast<double>(x.size() - 1);
}

void check_terms(const NamedTerms& named) {
  const EstimatorTerms& t = named.terms;
  auto check = [&](const std::vector<double>& column, const char* what) {
    if (!column.empty() && column.size() != t.units()) {
      throw Error(fmt::format("estimator {}: {} has {} entries for {} units", named.estimator, what,
                              column.size(), t.units()));
    }
  };
  check(t.normaliser, "normaliser");
  check(t.offset, "offset");
  check(t.weights, "weights");
}

// The point estimate and its linearised standard error. With R = sum c / sum n, the influence
// of unit i on mean(o) + R is psi_i = (o_i - mean o) + (c_i - R n_i) / mean(n) (the delta
// method for a ratio of means); the standard error is sd(psi) / sqrt(units). Without a
// normaliser, n_i = 1 and psi_i reduces to c_i - mean c: the usual s / sqrt(n).
void linear_value_and_std_error(const EstimatorTerms& t, Estimate& e) {
  const std::size_t n = t.units();
  const double offset_mean = t.offset.empty() ? 0.0 : mean_of(t.offset);
  const double normaliser_mean = t.self_normalised() ? mean_of(t.normaliser) : 1.0;
  const double ratio = sum_of(t.contribution) / (normaliser_mean * static_cast<double>(n));
  e.value = offset_mean + ratio;
  std::vector<double> influence(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double o = t.offset.empty() ? 0.0 : t.offset[i] - offset_mean;
    const double normaliser = t.self_normalised() ? t.normaliser[i] : 1.0;
    influence[i] = o + (t.contribution[i] - ratio * normaliser) / normaliser_mean;
  }
  e.std_error = std::sqrt(sample_variance(influence) / static_cast<double>(n));
}

void weight_diagnostics(const EstimatorTerms& t, Estimate& e) {
  if (t.weights.empty()) return;
  double sum = 0, squares = 0, largest = -std::numeric_limits<double>::infinity();
  for (double w : t.weights) {
    sum += w;
    squares += w * w;
    largest = std::max(largest, w);
  }
  e.effective_sample_size = squares > 0 ? sum * sum / squares : 0.0;
  e.max_weight = largest;
  e.clipped_fraction = static_cast<double>(t.clipped) / static_cast<double>(t.units());
  const double units = static_cast<double>(t.units());
  if (e.effective_sample_size < kReliableEssShare * units) {
    e.unreliable = fmt::format(
        "effective sample size {:.2f} of {} units (under {:g}%): the evaluation policy's "
        "weight rests on almost none of the logged {}s",
        e.effective_sample_size, t.units(), 100 * kReliableEssShare, e.unit);
  }
}

// Where each estimator's columns sit among the group's bootstrap columns (-1 = none).
struct ColumnSlots {
  int offset = -1;
  int contribution = -1;
  int normaliser = -1;
};

// Estimators often share a column (SNIPW's and SNDR's normalisers are both the weights; DM's
// contribution is SNDR's offset): each distinct column is resampled once. Compared bit for
// bit; memcmp stops at the first difference, so distinct columns cost almost nothing.
int column_slot(std::vector<const double*>& columns, const std::vector<double>& column) {
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (std::memcmp(columns[c], column.data(), column.size() * sizeof(double)) == 0) {
      return static_cast<int>(c);
    }
  }
  columns.push_back(column.data());
  return static_cast<int>(columns.size() - 1);
}

Interval chosen_interval(const Estimate& e, const std::string& kind) {
  if (kind == "bootstrap") return e.ci_bootstrap;
  if (kind == "t") return e.ci_t;
  if (kind == "normal") return e.ci_normal;
  if (kind == "hoeffding") return e.ci_hoeffding;
  if (kind == "bernstein") return e.ci_bernstein;
  throw ConfigError(fmt::format("ope.interval: unknown interval kind '{}'", kind));
}

// The estimators of one group share the units' count, and so every bootstrap resample.
void aggregate_group(const std::vector<NamedTerms>& terms, const std::vector<std::size_t>& members,
                     std::size_t units, const OpeConfig& config, std::uint64_t seed,
                     ThreadPool& pool, std::vector<Estimate>& estimates) {
  std::vector<const double*> columns;
  std::vector<ColumnSlots> slots(members.size());
  std::vector<std::size_t> nonlinear;  // positions in `members`
  for (std::size_t m = 0; m < members.size(); ++m) {
    const EstimatorTerms& t = terms[members[m]].terms;
    if (t.resampled_value) {
      nonlinear.push_back(m);
      continue;
    }
    if (!t.offset.empty()) slots[m].offset = column_slot(columns, t.offset);
    slots[m].contribution = column_slot(columns, t.contribution);
    if (t.self_normalised()) slots[m].normaliser = column_slot(columns, t.normaliser);
  }

  const auto resamples = static_cast<std::size_t>(std::max(0, config.bootstrap_resamples));
  // resampled_values[m][r]: estimator m's value on resample r.
  std::vector<std::vector<double>> resampled_values(members.size(),
                                                    std::vector<double>(resamples, kNaN));
  ResampleCountsCallback on_counts;
  if (!nonlinear.empty()) {
    on_counts = [&](std::size_t r, const std::vector<std::uint32_t>& counts) {
      for (std::size_t m : nonlinear) {
        resampled_values[m][r] = terms[members[m]].terms.resampled_value(counts);
      }
    };
  }
  // One stream family per group size, so that a group's resamples do not depend on which
  // other groups are present.
  const ResampledSums sums =
      resample_column_sums(columns, units, resamples, derive_seed(seed, units), pool, on_counts);
  const double n = static_cast<double>(units);
  for (std::size_t m = 0; m < members.size(); ++m) {
    if (slots[m].contribution < 0) continue;
    for (std::size_t r = 0; r < resamples; ++r) {
      const double offset = slots[m].offset < 0 ? 0.0 : sums.at(r, slots[m].offset) / n;
      const double denominator = slots[m].normaliser < 0 ? n : sums.at(r, slots[m].normaliser);
      resampled_values[m][r] = offset + sums.at(r, slots[m].contribution) / denominator;
    }
  }

  for (std::size_t m = 0; m < members.size(); ++m) {
    const EstimatorTerms& t = terms[members[m]].terms;
    Estimate& e = estimates[members[m]];
    e.units = units;
    const bool linear = !t.resampled_value;
    if (linear) {
      linear_value_and_std_error(t, e);
    } else {
      e.value = t.value;
      e.std_error = std::sqrt(sample_variance(resampled_values[m]));
    }
    e.ci_bootstrap = percentile_interval(resampled_values[m], config.confidence);
    e.ci_normal = normal_interval(e.value, e.std_error, config.confidence);
    e.ci_t = student_t_interval(e.value, e.std_error, units, config.confidence);
    // The concentration bounds hold for a plain mean of terms with a known range only.
    const bool bounded = linear && !t.self_normalised() && t.offset.empty() &&
                         std::isfinite(t.contribution_min) && std::isfinite(t.contribution_max);
    if (bounded) {
      e.ci_hoeffding = hoeffding_interval(e.value, units, t.contribution_min, t.contribution_max,
                                          config.confidence);
      e.ci_bernstein =
          empirical_bernstein_interval(e.value, sample_variance(t.contribution), units,
                                       t.contribution_min, t.contribution_max, config.confidence);
    }
    e.ci = chosen_interval(e, shown_interval_kind(config));
    weight_diagnostics(t, e);
  }
}

}  // namespace

std::vector<Estimate> aggregate_estimates(const std::vector<NamedTerms>& terms,
                                          const OpeConfig& config, std::uint64_t seed) {
  std::vector<Estimate> estimates(terms.size());
  std::map<std::size_t, std::vector<std::size_t>> groups;  // units -> positions in `terms`
  for (std::size_t i = 0; i < terms.size(); ++i) {
    Estimate& e = estimates[i];
    e.estimator = terms[i].estimator;
    e.unit = terms[i].unit;
    const EstimatorTerms& t = terms[i].terms;
    if (!t.declined.empty()) {
      e.declined = t.declined;
      continue;
    }
    if (t.units() == 0) {
      e.declined = fmt::format("no {}s to average over", e.unit.empty() ? "unit" : e.unit);
      continue;
    }
    check_terms(terms[i]);
    groups[t.units()].push_back(i);
  }
  if (groups.empty()) return estimates;
  ThreadPool pool(config.threads);
  for (const auto& [units, members] : groups) {
    aggregate_group(terms, members, units, config, seed, pool, estimates);
  }
  return estimates;
}

std::string shown_interval_kind(const OpeConfig& config) {
  return config.interval == "bootstrap" && config.bootstrap_resamples == 0 ? "t" : config.interval;
}

std::string shown_interval_note(const OpeConfig& config) {
  if (shown_interval_kind(config) == config.interval) return "";
  return "ope.interval is bootstrap but ope.bootstrap_resamples is 0, so the intervals shown "
         "are Student's t";
}

}  // namespace shoprl
