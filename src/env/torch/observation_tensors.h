// The environment's batch buffers as torch::Tensor views (torch::from_blob): no copy, so a
// policy reads the observation where the environment wrote it. The views alias the
// environment's memory: they are valid until its next step() or reset(), which overwrite
// them in place; clone() what must outlive a step.
#pragma once

#include <torch/types.h>

#include "env/batch_env.h"

namespace shoprl {

struct ObservationTensors {
  torch::Tensor history_items;    // [N, L] int64, -1 padded (BatchEnv::kPad)
  torch::Tensor history_types;    // [N, L] int64, EventType codes, -1 padded
  torch::Tensor history_lengths;  // [N] int32
  torch::Tensor rewards;          // [N] float32, of the last step
  torch::Tensor dones;            // [N] uint8
  torch::Tensor clicked_slots;    // [N] int32, -1 for none
};

// CPU views of env's buffers; move them to a device with .to(device) (that copies).
ObservationTensors observation_tensors(const BatchEnv& env);

}  // namespace shoprl
