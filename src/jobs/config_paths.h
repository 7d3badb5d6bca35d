// Input paths named in a config, checked before a job starts. Paths in a config are relative to
// the folder the command runs in (not to the config file, which only `extends` is relative to):
// the example configs name `runs/...` and `data/...` as seen from the project's top folder. A
// missing input is one error that names the key, where it was set, the folder it was resolved
// against, and the command that makes such a file.
#pragma once

#include <string>

#include "jobs/app_config.h"

namespace shoprl {

enum class InputKind { kFile, kFolder };

// ConfigError when `path` (the value of `key`) is empty; IoError when it does not exist (or is
// not a file / a folder as `kind` says). `how_to_make` completes "make it with ...".
void require_input(const LoadedConfig& loaded, const std::string& key, const std::string& path,
                   InputKind kind, const std::string& how_to_make);

// The usual inputs, with their hints.
void require_session_store(const LoadedConfig& loaded, const std::string& key,
                           const std::string& path);
void require_simulator(const LoadedConfig& loaded, const std::string& key, const std::string& path);

}  // namespace shoprl
