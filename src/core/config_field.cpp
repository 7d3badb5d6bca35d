#include "core/config_field.h"

#include <fmt/format.h>

#include <sstream>

namespace shoprl {

FieldRule one_of(std::vector<std::string> choices) {
  FieldRule rule;
  rule.choices = std::move(choices);
  return rule;
}

FieldRule at_least(double min) {
  FieldRule rule;
  rule.min = min;
  return rule;
}

FieldRule in_range(double min, double max) {
  FieldRule rule;
  rule.min = min;
  rule.max = max;
  return rule;
}

std::string FieldRule::describe() const {
  if (!choices.empty()) {
    std::string text = "one of: ";
    for (std::size_t i = 0; i < choices.size(); ++i) text += (i ? ", " : "") + choices[i];
    return text;
  }
  if (min && max) return fmt::format("in [{}, {}]", *min, *max);
  if (min) return fmt::format(">= {}", *min);
  if (max) return fmt::format("<= {}", *max);
  return "";
}

const char* field_kind_name(FieldKind kind) {
  switch (kind) {
    case FieldKind::kBool:
      return "a boolean";
    case FieldKind::kInt:
    case FieldKind::kInt64:
      return "an integer";
    case FieldKind::kUInt64:
      return "a non-negative integer";
    case FieldKind::kDouble:
      return "a number";
    case FieldKind::kString:
      return "a string";
    case FieldKind::kStringList:
      return "a list of strings";
    case FieldKind::kStringMap:
      return "a map of strings to strings";
  }
  return "a value";
}

std::string field_value_text(FieldRef ref) {
  switch (ref.kind) {
    case FieldKind::kBool:
      return *static_cast<bool*>(ref.value) ? "true" : "false";
    case FieldKind::kInt:
      return std::to_string(*static_cast<int*>(ref.value));
    case FieldKind::kInt64:
      return std::to_string(*static_cast<std::int64_t*>(ref.value));
    case FieldKind::kUInt64:
      return std::to_string(*static_cast<std::uint64_t*>(ref.value));
    case FieldKind::kDouble:
      return fmt::format("{}", *static_cast<double*>(ref.value));
    case FieldKind::kString: {
      const auto& s = *static_cast<std::string*>(ref.value);
      return s.empty() ? "\"\"" : s;
    }
    case FieldKind::kStringList: {
      const auto& list = *static_cast<std::vector<std::string>*>(ref.value);
      std::string text = "[";
      for (std::size_t i = 0; i < list.size(); ++i) text += (i ? ", " : "") + list[i];
      return text + "]";
    }
    case FieldKind::kStringMap: {
      const auto& map = *static_cast<std::map<std::string, std::string>*>(ref.value);
      std::string text = "{";
      bool first = true;
      for (const auto& [k, v] : map) {
        text += (first ? "" : ", ") + k + ": " + v;
        first = false;
      }
      return text + "}";
    }
  }
  return "";
}

}  // namespace shoprl
