// The "declare once" config mechanism: a config section is a plain struct whose members carry
// their defaults, and whose visit() names each key once, with its doc line and rule. Loading
// from YAML, --set overrides, the resolved-config dump and docs/config-reference.md are all
// visitors over that one declaration (see config_loader.h).
//
//   struct SplitConfig {
//     double train = 0.8;
//     void visit(ConfigVisitor& v) { v.field("train", train, "Fraction of sessions ...",
//     at_least(0)); }
//   };
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shoprl {

// What values a key accepts beyond its type: a set of strings, or an inclusive numeric range.
struct FieldRule {
  std::vector<std::string> choices;
  std::optional<double> min;
  std::optional<double> max;

  std::string describe() const;  // "one of: a, b" / ">= 0" / "in [0, 1]"; "" for none
};
FieldRule one_of(std::vector<std::string> choices);
FieldRule at_least(double min);
FieldRule in_range(double min, double max);

enum class FieldKind { kBool, kInt, kInt64, kUInt64, kDouble, kString, kStringList, kStringMap };

// A type-erased reference to one config member.
struct FieldRef {
  FieldKind kind;
  void* value;
};
inline FieldRef field_ref(bool& v) { return {FieldKind::kBool, &v}; }
inline FieldRef field_ref(int& v) { return {FieldKind::kInt, &v}; }
inline FieldRef field_ref(std::int64_t& v) { return {FieldKind::kInt64, &v}; }
inline FieldRef field_ref(std::uint64_t& v) { return {FieldKind::kUInt64, &v}; }
inline FieldRef field_ref(double& v) { return {FieldKind::kDouble, &v}; }
inline FieldRef field_ref(std::string& v) { return {FieldKind::kString, &v}; }
inline FieldRef field_ref(std::vector<std::string>& v) { return {FieldKind::kStringList, &v}; }
inline FieldRef field_ref(std::map<std::string, std::string>& v) {
  return {FieldKind::kStringMap, &v};
}

// "an integer", "a list of strings", ... for error messages and docs.
const char* field_kind_name(FieldKind kind);
// The value rendered as YAML flow text ("0.8", "[a, b]", "{view: click}"), for docs and messages.
std::string field_value_text(FieldRef ref);

class ConfigVisitor {
 public:
  virtual ~ConfigVisitor() = default;

  template <class T>
  void field(const char* key, T& value, const char* doc, const FieldRule& rule = {}) {
    on_field(key, field_ref(value), doc, rule);
  }

  template <class Section>
  void section(const char* key, Section& section, const char* doc) {
    enter_section(key, doc);
    section.visit(*this);
    leave_section();
  }

 protected:
  virtual void on_field(const char* key, FieldRef ref, const char* doc, const FieldRule& rule) = 0;
  virtual void enter_section(const char* key, const char* doc) = 0;
  virtual void leave_section() = 0;
};

}  // namespace shoprl
