// The arms of an A/B experiment (experiment_arms.h).
#include "jobs/experiment_arms.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "core/error.h"

namespace shoprl {

ExperimentArm experiment_arm(const SessionStore& store, const std::string& where) {
  const StoreProvenance& p = store.provenance;
  if (p.source_format != "decision-log")
    throw ConfigError(fmt::format(
        "{}: {} logs, not served traffic; an arm of an experiment is a decision log imported "
        "with `shoprl data import --format decision-log`",
        where, p.source_format.empty() ? "unknown" : p.source_format));
  ExperimentArm arm;
  try {
    const YAML::Node import = YAML::Load(p.import_config_yaml)["import"];
    if (import) {
      if (import["model"]) arm.model = import["model"].as<std::string>();
      if (import["version"]) arm.version = import["version"].as<std::int64_t>();
      if (import["unit_prefix"]) arm.unit_prefix = import["unit_prefix"].as<std::string>();
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(
        fmt::format("{}: the recorded import config does not parse: {}", where, e.what()));
  }
  if (arm.model.empty())
    throw ConfigError(fmt::format(
        "{}: the decisions of every model; import each arm on its own (import.model)", where));
  return arm;
}

void check_experiment_arms(const SessionStore& served, const std::string& served_where,
                           const std::string& served_model, const SessionStore& canary,
                           const std::string& canary_where) {
  const ExperimentArm a = experiment_arm(served, served_where);
  const ExperimentArm b = experiment_arm(canary, canary_where);
  if (a.model != served_model)
    throw ConfigError(fmt::format(
        "{}: model '{}''s traffic, not the served model '{}' (promote.name) that the candidate "
        "would replace; are the arms swapped?",
        served_where, a.model, served_model));
  if (a.model == b.model && a.version == b.version)
    throw ConfigError(fmt::format(
        "{}: both arms hold model '{}' version {}; the canary's arm is the other model's traffic",
        canary_where, b.model, b.version));
  if (a.unit_prefix != b.unit_prefix)
    throw ConfigError(fmt::format(
        "{}: the arms cover different units (import.unit_prefix '{}' and '{}'); an experiment "
        "compares arms of the same period",
        canary_where, a.unit_prefix, b.unit_prefix));
  if (canary.item_raw_id != served.item_raw_id)
    throw ConfigError(
        fmt::format("{}: the arms number their items otherwise ({} and {} items); import both with "
                    "import.catalogue of the same model",
                    canary_where, served.item_raw_id.size(), canary.item_raw_id.size()));
}

}  // namespace shoprl
