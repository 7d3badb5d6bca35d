// The ground-truth check's result: its summary figures, ground_truth.json and ground_truth.md,
// the JSON read back by the fidelity report, and the table printed on the terminal. NaN (an
// undefined correlation or relative error) is null in JSON and n/a in text.
#include "sim/ground_truth_result.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/json_number.h"
#include "sim/fidelity_metrics.h"

namespace shoprl {

namespace {

using nlohmann::json;

double read_number(const json& object, const char* key, const std::string& path) {
  const auto it = object.find(key);
  if (it == object.end()) throw DataError(fmt::format("{}: missing key '{}'", path, key));
  if (it->is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!it->is_number()) throw DataError(fmt::format("{}: '{}' is not a number", path, key));
  return it->get<double>();
}

json side_json(const PolicyValueSide& side) {
  return {{"value", json_number(side.value)},
          {"std_error", json_number(side.std_error)},
          {"mean_session_length", json_number(side.mean_session_length)},
          {"click_through_rate", json_number(side.click_through_rate)},
          {"session_conversion", json_number(side.session_conversion)}};
}

PolicyValueSide read_side(const json& object, const std::string& path) {
  if (!object.is_object()) throw DataError(fmt::format("{}: a policy side is not an object", path));
  return {read_number(object, "value", path), read_number(object, "std_error", path),
          read_number(object, "mean_session_length", path),
          read_number(object, "click_through_rate", path),
          read_number(object, "session_conversion", path)};
}

std::string text(double value, const char* format = "{:.4g}") {
  return std::isfinite(value) ? fmt::format(fmt::runtime(format), value) : "n/a";
}

std::string percent(double value) {
  return std::isfinite(value) ? fmt::format("{:+.1f}%", 100 * value) : "n/a";
}

}  // namespace

void summarize_ground_truth(GroundTruthResult& result) {
  std::vector<double> truth, simulated;
  double error_sum = 0;
  int errors = 0;
  for (PolicyComparison& p : result.policies) {
    p.relative_error = p.truth.value != 0
                           ? (p.simulated.value - p.truth.value) / std::abs(p.truth.value)
                           : std::numeric_limits<double>::quiet_NaN();
    truth.push_back(p.truth.value);
    simulated.push_back(p.simulated.value);
    if (!std::isnan(p.relative_error)) {
      error_sum += std::abs(p.relative_error);
      ++errors;
    }
  }
  result.spearman = spearman_correlation(truth, simulated);
  result.kendall_tau_b = kendall_tau_b(truth, simulated);
  result.mean_absolute_relative_error =
      errors ? error_sum / errors : std::numeric_limits<double>::quiet_NaN();
}

std::string ground_truth_json(const GroundTruthResult& result) {
  json policies = json::array();
  for (const PolicyComparison& p : result.policies) {
    policies.push_back({{"name", p.name},
                        {"true", side_json(p.truth)},
                        {"simulated", side_json(p.simulated)},
                        {"relative_error", json_number(p.relative_error)}});
  }
  const json out = {
      {"policies", policies},
      {"spearman", json_number(result.spearman)},
      {"kendall_tau_b", json_number(result.kendall_tau_b)},
      {"mean_absolute_relative_error", json_number(result.mean_absolute_relative_error)},
      {"episodes", result.episodes},
      {"logged_sessions", result.logged_sessions},
      {"logged_events", result.logged_events},
      {"items", result.items},
      {"logging_policy", result.logging_policy},
      {"ensemble", result.ensemble},
      {"store_hash", result.store_hash},
      {"seed", result.seed},
      {"fit_seconds", json_number(result.fit_seconds)},
      {"evaluation_seconds", json_number(result.evaluation_seconds)}};
  return out.dump(2) + "\n";
}

GroundTruthResult parse_ground_truth_json(const std::string& text, const std::string& path) {
  json in;
  try {
    in = json::parse(text);
  } catch (const json::parse_error& e) {
    throw DataError(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  if (!in.is_object()) throw DataError(fmt::format("{}: expected a JSON object", path));
  GroundTruthResult result;
  try {
    for (const json& p : in.at("policies")) {
      PolicyComparison comparison;
      comparison.name = p.at("name").get<std::string>();
      comparison.truth = read_side(p.at("true"), path);
      comparison.simulated = read_side(p.at("simulated"), path);
      comparison.relative_error = read_number(p, "relative_error", path);
      result.policies.push_back(comparison);
    }
    result.spearman = read_number(in, "spearman", path);
    result.kendall_tau_b = read_number(in, "kendall_tau_b", path);
    result.mean_absolute_relative_error = read_number(in, "mean_absolute_relative_error", path);
    result.episodes = in.at("episodes").get<std::int64_t>();
    result.logged_sessions = in.at("logged_sessions").get<std::int64_t>();
    result.logged_events = in.at("logged_events").get<std::int64_t>();
    result.items = in.at("items").get<std::int64_t>();
    result.logging_policy = in.at("logging_policy").get<std::string>();
    result.ensemble = in.at("ensemble").get<int>();
    result.store_hash = in.at("store_hash").get<std::string>();
    result.seed = in.at("seed").get<std::uint64_t>();
    result.fit_seconds = read_number(in, "fit_seconds", path);
    result.evaluation_seconds = read_number(in, "evaluation_seconds", path);
  } catch (const json::exception& e) {
    throw DataError(fmt::format("{}: {}", path, e.what()));
  }
  return result;
}

std::string ground_truth_markdown(const GroundTruthResult& result) {
  std::string out = "# Ground-truth check of the learned simulator\n\n";
  out += fmt::format(
      "Logs: {} sessions ({} events) of the `{}` policy in a synthetic world of {} items "
      "(run.seed {}); simulator: an ensemble of {}. Each value is the mean return of {} "
      "Monte Carlo sessions (± its standard error), in the true world and in the learned one.\n\n",
      result.logged_sessions, result.logged_events, result.logging_policy, result.items,
      result.seed, result.ensemble, result.episodes);
  out +=
      "| Policy | True value | Simulated value | Relative error | True / simulated slates per "
      "session | True / simulated click-through |\n|---|---:|---:|---:|---:|---:|\n";
  for (const PolicyComparison& p : result.policies) {
    out += fmt::format("| `{}` | {} ± {} | {} ± {} | {} | {} / {} | {} / {} |\n", p.name,
                       text(p.truth.value), text(p.truth.std_error), text(p.simulated.value),
                       text(p.simulated.std_error), percent(p.relative_error),
                       text(p.truth.mean_session_length), text(p.simulated.mean_session_length),
                       text(p.truth.click_through_rate), text(p.simulated.click_through_rate));
  }
  out += fmt::format(
      "\nRank correlation of true and simulated values: Spearman {}, Kendall tau-b {}. Mean "
      "absolute relative error: {}.\n",
      text(result.spearman), text(result.kendall_tau_b),
      std::isfinite(result.mean_absolute_relative_error)
          ? fmt::format("{:.1f}%", 100 * result.mean_absolute_relative_error)
          : "n/a");
  return out;
}

std::string ground_truth_table(const GroundTruthResult& result) {
  std::string out = fmt::format("{:<32}{:>22}{:>22}{:>12}\n", "policy", "true value",
                                "simulated value", "rel. error");
  for (const PolicyComparison& p : result.policies) {
    out += fmt::format(
        "{:<32}{:>22}{:>22}{:>12}\n", p.name,
        text(p.truth.value, "{:.4f}") + " +- " + text(p.truth.std_error, "{:.4f}"),
        text(p.simulated.value, "{:.4f}") + " +- " + text(p.simulated.std_error, "{:.4f}"),
        percent(p.relative_error));
  }
  out += fmt::format("Spearman {}   Kendall tau-b {}   mean |relative error| {}\n",
                     text(result.spearman, "{:.3f}"), text(result.kendall_tau_b, "{:.3f}"),
                     text(100 * result.mean_absolute_relative_error, "{:.1f}%"));
  return out;
}

}  // namespace shoprl
