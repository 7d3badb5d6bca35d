// A trained agent as an exported policy: its scoring network scripted (torchscript_policy.h),
// checked against the agent's own scores, with the metadata a server needs (policy_artifact.h).
#pragma once

#include <torch/script.h>

#include "jobs/trained_policy.h"
#include "policy/policy_artifact.h"

namespace shoprl {

struct ExportedModel {
  torch::jit::Module module;
  PolicyMetadata metadata;
};

// ConfigError when the agent scores without a network. Internal error when the scripted
// module's scores on a batch of random histories differ from the agent's (they must be equal
// bit for bit on the CPU: the module performs the same operations).
ExportedModel export_trained_policy(TrainedPolicy& trained);

}  // namespace shoprl
