#include "core/config_tree.h"

#include <functional>
#include <set>

#include "core/error.h"

namespace shoprl {
namespace {

std::string join_path(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

void merge_into(YAML::Node dst, const YAML::Node& src, const std::string& prefix,
                const std::string& file, std::map<std::string, std::string>& origins) {
  for (const auto& entry : src) {
    const std::string key = entry.first.as<std::string>();
    const std::string path = join_path(prefix, key);
    origins[path] = file + ":" + std::to_string(entry.first.Mark().line + 1);
    const YAML::Node value = entry.second;
    // yaml-cpp pitfall: assigning one Node variable to another aliases the data instead of
    // rebinding, so this code only ever assigns into dst[key] and recurses by parameter.
    if (value.IsMap()) {
      if (!dst[key] || !dst[key].IsMap()) dst[key] = YAML::Node(YAML::NodeType::Map);
      // Recursing records the children too, so errors inside a map name their own lines.
      merge_into(dst[key], value, path, file, origins);
    } else {
      dst[key] = YAML::Clone(value);
    }
  }
}

YAML::Node parse_config_text(const std::string& name, const std::function<YAML::Node()>& load) {
  YAML::Node node;
  try {
    node = load();
  } catch (const YAML::ParserException& e) {
    throw ConfigError(name + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  } catch (const YAML::BadFile&) {
    throw IoError(name + ": cannot read config file");
  }
  if (node.IsNull()) node = YAML::Node(YAML::NodeType::Map);
  if (!node.IsMap()) throw ConfigError(name + ": a config file must be a YAML map of sections");
  return node;
}

void load_recursive(const std::filesystem::path& file, std::set<std::string>& visiting,
                    ConfigTree& tree) {
  const std::string name = file.string();
  std::error_code ec;
  const auto canonical = std::filesystem::weakly_canonical(file, ec).string();
  if (!std::filesystem::exists(file)) throw IoError(name + ": config file not found");
  if (!visiting.insert(canonical).second) {
    throw ConfigError(name + ": `extends` forms a cycle through this file");
  }
  YAML::Node node = parse_config_text(name, [&] { return YAML::LoadFile(name); });
  if (const YAML::Node base = node["extends"]) {
    if (!base.IsScalar()) {
      throw ConfigError(name + ":" + std::to_string(base.Mark().line + 1) +
                        ": `extends` must be a file name");
    }
    load_recursive(file.parent_path() / base.as<std::string>(), visiting, tree);
    node.remove("extends");
  }
  merge_into(tree.root, node, "", name, tree.origins);
  tree.files.push_back(name);
  visiting.erase(canonical);
}

// Recursion by value parameter, never Node-to-Node assignment (see merge_into).
void set_path(YAML::Node node, const std::vector<std::string>& parts, std::size_t i,
              const YAML::Node& value, const std::string& assignment) {
  if (i + 1 == parts.size()) {
    node[parts[i]] = value;
    return;
  }
  if (!node[parts[i]]) {
    node[parts[i]] = YAML::Node(YAML::NodeType::Map);
  } else if (!node[parts[i]].IsMap()) {
    std::string walked;
    for (std::size_t j = 0; j <= i; ++j) walked += (j ? "." : "") + parts[j];
    throw ConfigError("--set " + assignment + ": '" + walked + "' is a value, not a section");
  }
  set_path(node[parts[i]], parts, i + 1, value, assignment);
}

}  // namespace

std::string ConfigTree::origin_of(const std::string& path) const {
  return config_origin_of(origins, path);
}

std::string config_origin_of(const std::map<std::string, std::string>& origins,
                             const std::string& path) {
  std::string key = path;
  while (!key.empty()) {
    if (auto it = origins.find(key); it != origins.end()) return it->second;
    const auto dot = key.rfind('.');
    if (dot == std::string::npos) break;
    key.resize(dot);
  }
  // A section that only `--set section.key=v` created has no origin of its own: blame the
  // first assignment below it.
  const std::string prefix = path + ".";
  for (auto it = origins.lower_bound(prefix); it != origins.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    return it->second;
  }
  return "";
}

ConfigTree load_config_tree(const std::filesystem::path& file) {
  ConfigTree tree;
  std::set<std::string> visiting;
  load_recursive(file, visiting, tree);
  return tree;
}

ConfigTree config_tree_from_text(const std::string& text, const std::string& name) {
  ConfigTree tree;
  const YAML::Node node = parse_config_text(name, [&] { return YAML::Load(text); });
  if (node["extends"]) throw ConfigError(name + ": an embedded config cannot use `extends`");
  merge_into(tree.root, node, "", name, tree.origins);
  tree.files.push_back(name);
  return tree;
}

void apply_config_override(ConfigTree& tree, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set " + assignment + ": expected section.key=value");
  }
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError("--set " + assignment + ": value is not valid YAML: " + e.msg);
  }
  if (value.IsNull() && !text.empty() && text != "null" && text != "~") value = YAML::Node(text);
  if (text.empty()) value = YAML::Node(std::string());

  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (parts.back().empty()) throw ConfigError("--set " + assignment + ": empty key in path");
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  set_path(tree.root, parts, 0, value, assignment);
  tree.origins[path] = "--set " + assignment;
}

}  // namespace shoprl
