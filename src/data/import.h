// The whole import job: run the format's importer over the inputs, then preprocess into a
// SessionStore ready to be written.
#pragma once

#include <cstdint>

#include "data/import_config.h"
#include "data/session_store.h"

namespace shoprl {

// `resolved_config_yaml` is recorded in the store's provenance.
SessionStore import_session_logs(const ImportConfig& config, std::uint64_t seed,
                                 const std::string& resolved_config_yaml);

}  // namespace shoprl
