// The visitors that turn one config declaration (config_field.h) into everything else:
// binding a YAML tree onto the structs, the resolved-config dump, and the Markdown reference.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config_field.h"
#include "core/config_tree.h"

namespace shoprl {

// Reads values from a ConfigTree into the visited structs. Unknown keys, type errors and rule
// violations throw ConfigError naming the key, where it was set, and (for unknown keys) the
// nearest valid key.
class ConfigBinder : public ConfigVisitor {
 public:
  explicit ConfigBinder(const ConfigTree& tree);
  ~ConfigBinder() override;
  // Checks the root for unknown sections; call after visiting.
  void finish();

 protected:
  void on_field(const char* key, FieldRef ref, const char* doc, const FieldRule& rule) override;
  void enter_section(const char* key, const char* doc) override;
  void leave_section() override;

 private:
  struct Frame;
  void check_unknown_keys(const Frame& frame) const;
  const ConfigTree& tree_;
  std::vector<std::unique_ptr<Frame>> frames_;
};

// Emits the visited structs as commented YAML (each key followed by its doc line).
class ConfigDumper : public ConfigVisitor {
 public:
  ConfigDumper();
  ~ConfigDumper() override;
  std::string yaml() const;

 protected:
  void on_field(const char* key, FieldRef ref, const char* doc, const FieldRule& rule) override;
  void enter_section(const char* key, const char* doc) override;
  void leave_section() override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Emits one Markdown table per section: key, type, default, what it means.
class ConfigReferenceWriter : public ConfigVisitor {
 public:
  std::string markdown() const { return text_; }

 protected:
  void on_field(const char* key, FieldRef ref, const char* doc, const FieldRule& rule) override;
  void enter_section(const char* key, const char* doc) override;
  void leave_section() override;

 private:
  std::vector<std::string> path_;
  std::string text_;
};

}  // namespace shoprl

namespace shoprl {

// Collects every visited field as dotted key -> value text ("agent.dqn.n_step" -> "3"): what a
// checkpoint records of its config and compares on resume.
class ConfigFlattener : public ConfigVisitor {
 public:
  const std::map<std::string, std::string>& values() const { return values_; }

 protected:
  void on_field(const char* key, FieldRef ref, const char* doc, const FieldRule& rule) override;
  void enter_section(const char* key, const char* doc) override;
  void leave_section() override;

 private:
  std::vector<std::string> path_;
  std::map<std::string, std::string> values_;
};

}  // namespace shoprl
