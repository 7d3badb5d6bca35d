#include "env/torch/observation_tensors.h"

namespace shoprl {
namespace {

// from_blob wants a mutable pointer; the views are only read (the header says so).
template <typename T>
torch::Tensor view(const T* data, torch::IntArrayRef shape, torch::ScalarType type) {
  return torch::from_blob(const_cast<T*>(data), shape, torch::TensorOptions().dtype(type));
}

}  // namespace

ObservationTensors observation_tensors(const BatchEnv& env) {
  const std::int64_t n = env.batch_size();
  const std::int64_t l = env.history_length();
  ObservationTensors out;
  out.history_items = view(env.history_items(), {n, l}, torch::kInt64);
  out.history_types = view(env.history_types(), {n, l}, torch::kInt64);
  out.history_lengths = view(env.history_lengths(), {n}, torch::kInt32);
  out.rewards = view(env.rewards(), {n}, torch::kFloat32);
  out.dones = view(env.dones(), {n}, torch::kUInt8);
  out.clicked_slots = view(env.clicked_slots(), {n}, torch::kInt32);
  return out;
}

}  // namespace shoprl
