// Publishing a candidate policy: its exported version becomes the next version of a served
// model in the repository, whole or not at all, so a polling server hot-reloads it
// (docs/serving.md, "Hot reload"; docs/closed-loop.md).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace shoprl {

// Checks before anything is written: the candidate (a version folder, or a model folder: its
// newest version) loads as an exported policy; REPOSITORY/NAME holds a served model; both
// rank the same catalogue (the same raw item ids in the same order) and fill slates of the
// same size. ConfigError naming `candidate_key` or the model otherwise; IoError or DataError
// from loading either.
void check_publishable(const std::filesystem::path& candidate,
                       const std::filesystem::path& repository, const std::string& name,
                       const std::string& candidate_key);

// Copies the candidate's model.pt and metadata.json into REPOSITORY/NAME/<next version>
// (staged in a hidden folder and renamed into place) and returns that version. Call
// check_publishable first.
std::int64_t publish_policy_version(const std::filesystem::path& candidate,
                                    const std::filesystem::path& repository,
                                    const std::string& name);

}  // namespace shoprl
