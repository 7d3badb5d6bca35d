// Settings of the policy-gradient agents (section agent.pg): REINFORCE and A2C online in an
// environment, and REINFORCE from logs with the top-K off-policy correction (Chen et al.,
// WSDM 2019). docs/agents/policy_gradient.md explains each one.
#pragma once

#include <string>

#include "core/config_field.h"

namespace shoprl {

struct PolicyGradientConfig {
  double temperature = 1.0;
  double entropy_weight = 0.01;
  double value_weight = 0.5;
  bool normalize_advantages = true;
  double gae_lambda = 0.95;
  std::string behaviour = "learned";
  std::string correction = "topk";
  double weight_cap = 10.0;
  int topk = 0;
  bool self_normalize = false;
  double behaviour_weight = 1.0;
  int batch_size = 256;

  void visit(ConfigVisitor& v) {
    v.field("temperature", temperature,
            "The policy is softmax(logits / temperature) over the catalogue; slates are "
            "Plackett-Luce samples from it while training",
            at_least(1e-6));
    v.field("entropy_weight", entropy_weight,
            "Weight of the bonus for the entropy of the policy's softmax over the catalogue",
            at_least(0));
    v.field("value_weight", value_weight,
            "reinforce, a2c: weight of the value head's squared error (baseline / critic)",
            at_least(0));
    v.field("normalize_advantages", normalize_advantages,
            "reinforce, a2c: scale each rollout's advantages to mean 0 and standard deviation 1");
    v.field("gae_lambda", gae_lambda,
            "a2c: lambda of generalised advantage estimation (Schulman et al. 2016); 0 is the "
            "one-step TD advantage r + gamma V(s') - V(s), 1 the Monte Carlo one",
            in_range(0, 1));
    v.field("behaviour", behaviour,
            "topk_reinforce: the logging policy's probability beta(a | s) comes from a learned "
            "behaviour head (learned) or from the logged slot propensity of the clicked item "
            "(logged)",
            one_of({"learned", "logged"}));
    v.field("correction", correction,
            "topk_reinforce: topk (importance weight and the top-K multiplier lambda_K), "
            "importance (the weight only) or none (return-weighted log-likelihood, uncorrected)",
            one_of({"topk", "importance", "none"}));
    v.field("weight_cap", weight_cap,
            "topk_reinforce: importance weights pi / beta are capped at this value",
            at_least(1e-6));
    v.field("topk", topk,
            "topk_reinforce: K of the top-K multiplier K (1 - pi)^(K - 1); 0 means the slate size",
            in_range(0, 1024));
    v.field("self_normalize", self_normalize,
            "topk_reinforce: divide the batch's loss by the sum of its correction factors "
            "instead of the batch size (self-normalised importance sampling)");
    v.field("behaviour_weight", behaviour_weight,
            "topk_reinforce with behaviour learned: weight of the behaviour head's cross-entropy",
            at_least(0));
    v.field("batch_size", batch_size, "topk_reinforce: logged steps per iteration (one update)",
            in_range(1, 1 << 24));
  }
};

}  // namespace shoprl
