// The `promote` config section: the off-policy gate between a candidate policy and the one
// being served (shoprl promote, docs/closed-loop.md).
#pragma once

#include <cstdint>
#include <string>

#include "core/config_field.h"

namespace shoprl {

struct PromoteConfig {
  std::string repository = "";
  std::string name = "";
  std::string estimator = "seq-dr";
  std::string rule = "lower_bound";
  double margin = 0;
  std::string evidence = "off_policy";
  std::string simulator = "";
  std::string canary_logs = "";
  std::string baseline = "";
  std::int64_t sessions = 20000;
  double simulator_tolerance = 0.1;

  void visit(ConfigVisitor& v) {
    v.field("repository", repository,
            "The model repository the served model lives in (--repository); a published "
            "candidate becomes its next version");
    v.field("name", name, "The served model: REPOSITORY/NAME (--name)");
    v.field("estimator", estimator,
            "The estimator whose interval decides (one of ope.estimators); the served policy's "
            "value is the logs' own mean in that estimator's unit");
    v.field("rule", rule,
            "lower_bound: publish when the candidate's lower confidence bound exceeds the "
            "served policy's value + margin; lower_vs_upper: when it exceeds the served "
            "policy's upper bound + margin (stricter)",
            one_of({"lower_bound", "lower_vs_upper"}));
    v.field("margin", margin,
            "How much better the candidate must be, in the estimator's unit (per session with "
            "evidence simulator or canary)");
    v.field("evidence", evidence,
            "off_policy: the estimator's interval decides; simulator: the candidate's value minus "
            "the baseline's in a learned simulator of the served traffic, on common random "
            "numbers, decides, while the estimator must be reliable and must not place the "
            "candidate below the served policy; canary: an A/B experiment decides, the mean return "
            "per session of the candidate's own served traffic (promote.canary_logs) minus the "
            "served model's (evaluate.store), with Welch's interval (docs/closed-loop.md)",
            one_of({"off_policy", "simulator", "canary"}));
    v.field("simulator", simulator,
            "evidence simulator: a simulator fitted on the served logs (shoprl sim fit; fit it "
            "on sessions the candidate did not train on, sim.fit_split)");
    v.field("canary_logs", canary_logs,
            "evidence canary: the candidate's arm of the experiment as a session store (data "
            "import --format decision-log with import.model and import.version of the canary); "
            "evaluate.store holds the served model's arm");
    v.field("baseline", baseline,
            "The served policy as exported, REPOSITORY/NAME/VERSION (--baseline): needed by "
            "evidence simulator; with either evidence, where the logs come from the synthetic "
            "world, the candidate's true lead over it is measured on paired sessions "
            "(decision.json, true_lead)");
    v.field("sessions", sessions,
            "Sessions per policy of the paired comparisons (the same sessions for both)",
            at_least(2));
    v.field("simulator_tolerance", simulator_tolerance,
            "evidence simulator: the simulator's value of the baseline must be within this "
            "relative distance of the served policy's own value per session on the logs, or "
            "the simulator is not trusted and nothing is published",
            at_least(0));
  }
};

}  // namespace shoprl
