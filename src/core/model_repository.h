// The layout of a model repository (Triton's, docs/serving.md) as far as code without LibTorch
// needs it: REPOSITORY/NAME/VERSION/{model.pt, metadata.json}, versions being numbered folders.
// policy/policy_artifact.h reads and writes what is inside; the decision-log importer finds a
// model's catalogue here without linking LibTorch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace shoprl {

inline constexpr const char* kModelFile = "model.pt";
inline constexpr const char* kMetadataFile = "metadata.json";

// The versions present under REPOSITORY/NAME (numeric folder names), ascending; none when the
// folder does not exist.
std::vector<std::int64_t> model_versions(const std::filesystem::path& model_dir);

}  // namespace shoprl
