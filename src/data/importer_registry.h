// The explicit list of log importers: one function per format that reads the inputs into a
// RawLog. Explicit, not self-registering, so a static link can never drop one.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "data/import_config.h"
#include "data/raw_log.h"

namespace shoprl {

using ImportFunction = void (*)(const std::vector<std::filesystem::path>& inputs,
                                const ImportConfig& config, RawLog& log);

struct ImporterInfo {
  const char* name;
  const char* summary;
  ImportFunction run;
  // Raw event name -> click|cart|purchase|drop before import.events is laid over it.
  std::map<std::string, std::string> default_events;
  // What sessionize: auto means for this format.
  bool sessions_from_users;
};

const std::vector<ImporterInfo>& importers();
// ConfigError naming the format and the nearest known one.
const ImporterInfo& find_importer(const std::string& name);

// The importers, one per file in data/importers/.
void import_retailrocket(const std::vector<std::filesystem::path>&, const ImportConfig&, RawLog&);
void import_yoochoose(const std::vector<std::filesystem::path>&, const ImportConfig&, RawLog&);
void import_diginetica(const std::vector<std::filesystem::path>&, const ImportConfig&, RawLog&);
void import_otto(const std::vector<std::filesystem::path>&, const ImportConfig&, RawLog&);
void import_open_bandit(const std::vector<std::filesystem::path>&, const ImportConfig&, RawLog&);
void import_sessions_csv(const std::vector<std::filesystem::path>&, const ImportConfig&, RawLog&);
void import_decision_log(const std::vector<std::filesystem::path>&, const ImportConfig&, RawLog&);

}  // namespace shoprl
