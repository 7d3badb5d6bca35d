// The `promote` config section: the off-policy gate between a candidate policy and the one
// being served (shoprl promote, docs/closed-loop.md).
#pragma once

#include <string>

#include "core/config_field.h"

namespace shoprl {

struct PromoteConfig {
  std::string repository = "";
  std::string name = "";
  std::string estimator = "seq-dr";
  std::string rule = "lower_bound";
  double margin = 0;

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
    v.field("margin", margin, "How much better the candidate must be, in the estimator's unit");
  }
};

}  // namespace shoprl
