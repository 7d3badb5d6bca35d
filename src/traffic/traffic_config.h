// The `traffic` config section: synthetic shoppers of the world played against a running
// server (shoprl traffic, docs/closed-loop.md).
#pragma once

#include <cstdint>
#include <string>

#include "core/config_field.h"

namespace shoprl {

struct TrafficConfig {
  std::string url = "http://127.0.0.1:8000";
  std::string model = "";
  std::int64_t sessions = 1000;
  int concurrency = 2;
  std::string mode = "";
  double temperature = 0;
  double epsilon = 0;
  double timeout_seconds = 10;
  std::string request_prefix = "";
  std::string canary_model = "";
  double canary_share = 0;

  void visit(ConfigVisitor& v) {
    v.field("url", url,
            "The server (shoprl serve), loopback only: http://127.0.0.1:PORT, localhost or [::1] "
            "(--url overrides)");
    v.field("model", model, "The model to ask for slates: REPOSITORY/NAME's NAME (--model)");
    v.field("sessions", sessions, "Sessions played; every session started is played to its end",
            at_least(1));
    v.field("concurrency", concurrency,
            "Shoppers in flight at once, each on its own keep-alive connection", at_least(1));
    v.field("mode", mode,
            "The slate rule asked for: \"\" (the model's own), greedy, sample or epsilon",
            one_of({"", "greedy", "sample", "epsilon"}));
    v.field("temperature", temperature,
            "sample: the softmax temperature asked for (0 = the model's own)", at_least(0));
    v.field("epsilon", epsilon, "epsilon: the exploration rate asked for (0 = the model's own)",
            in_range(0, 1));
    v.field("timeout_seconds", timeout_seconds, "A request that takes longer stops the run",
            at_least(0.001));
    v.field("request_prefix", request_prefix,
            "Request ids are PREFIX/SESSION/STEP and unit ids PREFIX/SESSION (\"\" = run.name): "
            "distinct prefixes keep several runs' ids distinct in one decision log");
    v.field("canary_model", canary_model,
            "An A/B experiment: a second model of the same server (a candidate exported to "
            "REPOSITORY/NAME) that canary_share of the units ask instead of `model`; \"\" = none "
            "(docs/closed-loop.md, \"The canary\")");
    v.field("canary_share", canary_share,
            "With canary_model: the share of units (each session is one) assigned to it, by a "
            "hash of the unit id and the seed",
            in_range(0, 1));
  }
};

}  // namespace shoprl
