#include "core/torch/device.h"

#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "core/error.h"

namespace shoprl {
namespace {

TEST(Device, CpuIsAlwaysCpuAndAutoFollowsCudaAvailability) {
  EXPECT_EQ(resolve_device("cpu"), "cpu");
  EXPECT_EQ(resolve_device("auto"), torch::cuda::is_available() ? "cuda" : "cpu");
}

TEST(Device, CudaWithoutADeviceIsAConfigErrorNamingTheKey) {
  if (torch::cuda::is_available()) {
    EXPECT_EQ(resolve_device("cuda"), "cuda");
    return;
  }
  try {
    resolve_device("cuda");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("run.device"), std::string::npos) << e.what();
  }
}

TEST(Device, UnknownDeviceNameIsAConfigError) { EXPECT_THROW(resolve_device("tpu"), ConfigError); }

TEST(Device, BuildSummaryNamesTheLibTorchVersion) {
  EXPECT_NE(torch_build_summary().find("LibTorch "), std::string::npos);
}

}  // namespace
}  // namespace shoprl
