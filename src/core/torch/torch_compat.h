// The few LibTorch calls whose spelling differs between Debian's 1.13 and PyTorch 2.x live
// here, so the rest of the code compiles against both.
#pragma once

#include <torch/torch.h>
#include <torch/version.h>

namespace shoprl::torch_compat {

inline constexpr int kTorchMajor = TORCH_VERSION_MAJOR;
inline constexpr int kTorchMinor = TORCH_VERSION_MINOR;

inline bool cuda_available() { return torch::cuda::is_available(); }
inline int cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }

}  // namespace shoprl::torch_compat
