// The raw YAML side of configuration: reading a file and the files it `extends`, applying
// `--set a.b=v` overrides, and remembering where every key came from (file:line or --set), so
// that errors can point at the line to fix.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace shoprl {

struct ConfigTree {
  YAML::Node root = YAML::Node(YAML::NodeType::Map);
  // Dotted key path ("import.split.train") -> "file:line" or "--set import.split.train=0.7".
  std::map<std::string, std::string> origins;
  std::vector<std::string> files;  // every file read, base files first

  // Where `path` (or its nearest ancestor, or else the first key below it) was set; "" when
  // nowhere.
  std::string origin_of(const std::string& path) const;
};

// The same over an origins map kept apart from its tree (LoadedConfig keeps one).
std::string config_origin_of(const std::map<std::string, std::string>& origins,
                             const std::string& path);

// Reads `file`; a top-level `extends: other.yaml` (relative to the file's folder) is loaded
// first and deep-merged under it: maps merge key by key, scalars and lists replace.
ConfigTree load_config_tree(const std::filesystem::path& file);

// Reads a config held in memory (a program's embedded default); `name` stands for its file in
// messages and origins. No `extends`.
ConfigTree config_tree_from_text(const std::string& text, const std::string& name);

// Applies one "section.key=value" assignment; the value is parsed as YAML ("0.5", "[a, b]").
void apply_config_override(ConfigTree& tree, const std::string& assignment);

}  // namespace shoprl
