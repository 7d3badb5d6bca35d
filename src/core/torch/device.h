// Device choice (`run.device: auto|cpu|cuda`) and LibTorch facts, behind a torch-free header:
// callers get strings, so including this costs nothing at compile time.
#pragma once

#include <string>

namespace shoprl {

// Resolves "auto" | "cpu" | "cuda" to the device string torch understands ("cpu", "cuda").
// ConfigError when "cuda" is asked for and no CUDA device is usable.
std::string resolve_device(const std::string& requested);

// "LibTorch 1.13.0 (CPU)" / "LibTorch 2.4.0 (CUDA, 1 device)".
std::string torch_build_summary();

}  // namespace shoprl
