// Runs a benchmark's NumPy baseline script (bench/*_numpy.py) with its parameters as JSON and
// reads the JSON it prints. Shared by the benchmarks that compare with NumPy in the same run.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace shoprl {

// The exit status a baseline script uses when its interpreter cannot import numpy (or torch).
inline constexpr int kNumpyNotImportable = 77;

// Runs `python bench/<script_name> --params '<params>'`. nullopt, with the reason in `skipped`,
// when the interpreter cannot import `module` (numpy, or torch for bench/sqn_step.py); IoError
// when the script fails otherwise. The parameters must hold no single quote (numbers, booleans
// and validated names only).
std::optional<nlohmann::json> run_numpy_baseline_script(const std::string& python,
                                                        const std::string& script_name,
                                                        const nlohmann::json& params,
                                                        std::string& skipped,
                                                        const std::string& module = "numpy");

}  // namespace shoprl
