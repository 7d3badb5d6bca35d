#include "core/torch/device.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/torch/torch_compat.h"

namespace shoprl {

std::string resolve_device(const std::string& requested) {
  if (requested == "cpu") return "cpu";
  const bool cuda = torch_compat::cuda_available();
  if (requested == "cuda") {
    if (!cuda) {
      throw ConfigError(
          "run.device is 'cuda' but no CUDA device is available to this LibTorch build; use "
          "'auto' or 'cpu'");
    }
    return "cuda";
  }
  if (requested == "auto") return cuda ? "cuda" : "cpu";
  throw ConfigError(
      fmt::format("run.device: unknown device '{}' (one of: auto, cpu, cuda)", requested));
}

std::string torch_build_summary() {
  const bool cuda = torch_compat::cuda_available();
  return fmt::format("LibTorch {}.{}.{} ({})", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR,
                     TORCH_VERSION_PATCH,
                     cuda ? fmt::format("CUDA, {} device(s)", torch_compat::cuda_device_count())
                          : std::string("CPU"));
}

}  // namespace shoprl
