#include "core/config_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/edit_distance.h"
#include "core/error.h"

namespace shoprl {

// ---------------------------------------------------------------------------------------------
// ConfigBinder

struct ConfigBinder::Frame {
  YAML::Node node;  // may be undefined when the section is absent from the tree
  std::string path;
  std::vector<std::string> known_keys;
};

namespace {

std::string join(const std::string& prefix, const char* key) {
  return prefix.empty() ? std::string(key) : prefix + "." + key;
}

std::string scalar_text(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

template <class T>
T convert_scalar(const YAML::Node& node, bool& ok) {
  ok = node.IsScalar();
  if (!ok) return T{};
  try {
    return node.as<T>();
  } catch (const YAML::BadConversion&) {
    ok = false;
    return T{};
  }
}

}  // namespace

ConfigBinder::ConfigBinder(const ConfigTree& tree) : tree_(tree) {
  auto root = std::make_unique<Frame>();
  root->node = tree.root;
  frames_.push_back(std::move(root));
}

ConfigBinder::~ConfigBinder() = default;

void ConfigBinder::check_unknown_keys(const Frame& frame) const {
  if (!frame.node || !frame.node.IsMap()) return;
  for (const auto& entry : frame.node) {
    const std::string key = entry.first.as<std::string>();
    if (std::find(frame.known_keys.begin(), frame.known_keys.end(), key) !=
        frame.known_keys.end()) {
      continue;
    }
    const std::string path = frame.path.empty() ? key : frame.path + "." + key;
    std::string message = fmt::format("{}: unknown config key '{}'", tree_.origin_of(path), path);
    if (const std::string guess = nearest_match(key, frame.known_keys); !guess.empty()) {
      message += fmt::format("; did you mean '{}'?",
                             frame.path.empty() ? guess : frame.path + "." + guess);
    } else {
      std::string valid;
      for (const auto& k : frame.known_keys) valid += (valid.empty() ? "" : ", ") + k;
      message += fmt::format(" (valid keys{}: {})",
                             frame.path.empty() ? "" : " in '" + frame.path + "'", valid);
    }
    throw ConfigError(message);
  }
}

void ConfigBinder::finish() { check_unknown_keys(*frames_.front()); }

void ConfigBinder::enter_section(const char* key, const char* /*doc*/) {
  Frame& parent = *frames_.back();
  parent.known_keys.emplace_back(key);
  auto frame = std::make_unique<Frame>();
  frame->path = join(parent.path, key);
  if (parent.node && parent.node.IsMap() && parent.node[key]) {
    frame->node = parent.node[key];
    if (!frame->node.IsMap()) {
      throw ConfigError(fmt::format("{}: config key '{}' is a section and expects a map, got '{}'",
                                    tree_.origin_of(frame->path), frame->path,
                                    scalar_text(frame->node)));
    }
  }
  frames_.push_back(std::move(frame));
}

void ConfigBinder::leave_section() {
  check_unknown_keys(*frames_.back());
  frames_.pop_back();
}

void ConfigBinder::on_field(const char* key, FieldRef ref, const char* /*doc*/,
                            const FieldRule& rule) {
  Frame& frame = *frames_.back();
  frame.known_keys.emplace_back(key);
  if (!frame.node || !frame.node.IsMap() || !frame.node[key]) return;  // keep the default
  const YAML::Node node = frame.node[key];
  const std::string path = join(frame.path, key);
  const auto fail = [&](const std::string& why) {
    throw ConfigError(fmt::format("{}: config key '{}' {}", tree_.origin_of(path), path, why));
  };
  const auto type_error = [&]() {
    fail(fmt::format("expects {}, got '{}'", field_kind_name(ref.kind), scalar_text(node)));
  };
  bool ok = true;
  double numeric = NAN;
  switch (ref.kind) {
    case FieldKind::kBool:
      *static_cast<bool*>(ref.value) = convert_scalar<bool>(node, ok);
      break;
    case FieldKind::kInt:
      numeric = *static_cast<int*>(ref.value) = convert_scalar<int>(node, ok);
      break;
    case FieldKind::kInt64:
      numeric = static_cast<double>(*static_cast<std::int64_t*>(ref.value) =
                                        convert_scalar<std::int64_t>(node, ok));
      break;
    case FieldKind::kUInt64:
      // yaml-cpp wraps negative text into huge unsigned values; refuse a leading '-'.
      ok = node.IsScalar() && !node.Scalar().empty() && node.Scalar()[0] != '-';
      if (ok) {
        numeric = static_cast<double>(*static_cast<std::uint64_t*>(ref.value) =
                                          convert_scalar<std::uint64_t>(node, ok));
      }
      break;
    case FieldKind::kDouble:
      numeric = *static_cast<double*>(ref.value) = convert_scalar<double>(node, ok);
      if (ok && !std::isfinite(numeric)) fail("must be a finite number");
      break;
    case FieldKind::kString:
      *static_cast<std::string*>(ref.value) = convert_scalar<std::string>(node, ok);
      break;
    case FieldKind::kStringList: {
      auto& list = *static_cast<std::vector<std::string>*>(ref.value);
      ok = node.IsSequence();
      if (ok) {
        list.clear();
        for (const auto& item : node) {
          if (!item.IsScalar()) type_error();
          list.push_back(item.Scalar());
        }
      }
      break;
    }
    case FieldKind::kStringMap: {
      auto& map = *static_cast<std::map<std::string, std::string>*>(ref.value);
      ok = node.IsMap();
      if (ok) {
        map.clear();
        for (const auto& entry : node) {
          if (!entry.second.IsScalar()) type_error();
          map[entry.first.as<std::string>()] = entry.second.Scalar();
        }
      }
      break;
    }
  }
  if (!ok) type_error();
  if (!rule.choices.empty()) {
    const auto check = [&](const std::string& value) {
      if (std::find(rule.choices.begin(), rule.choices.end(), value) != rule.choices.end()) return;
      std::string message = fmt::format("has invalid value '{}' ({})", value, rule.describe());
      if (const std::string guess = nearest_match(value, rule.choices); !guess.empty()) {
        message += fmt::format("; did you mean '{}'?", guess);
      }
      fail(message);
    };
    if (ref.kind == FieldKind::kString) check(*static_cast<std::string*>(ref.value));
    if (ref.kind == FieldKind::kStringList) {
      for (const auto& v : *static_cast<std::vector<std::string>*>(ref.value)) check(v);
    }
    if (ref.kind == FieldKind::kStringMap) {
      for (const auto& [k, v] : *static_cast<std::map<std::string, std::string>*>(ref.value)) {
        check(v);
      }
    }
  }
  if (!std::isnan(numeric) &&
      ((rule.min && numeric < *rule.min) || (rule.max && numeric > *rule.max))) {
    fail(fmt::format("is {} but must be {}", scalar_text(node), rule.describe()));
  }
}

// ---------------------------------------------------------------------------------------------
// ConfigDumper

struct ConfigDumper::State {
  YAML::Emitter out;
  int depth = 0;
};

ConfigDumper::ConfigDumper() : state_(std::make_unique<State>()) { state_->out << YAML::BeginMap; }

ConfigDumper::~ConfigDumper() = default;

std::string ConfigDumper::yaml() const {
  YAML::Emitter& out = state_->out;
  if (state_->depth == 0) {
    out << YAML::EndMap;
    state_->depth = -1;  // closed
  }
  return std::string(out.c_str()) + "\n";
}

void ConfigDumper::enter_section(const char* key, const char* doc) {
  YAML::Emitter& out = state_->out;
  out << YAML::Newline << YAML::Comment(doc) << YAML::Key << key << YAML::Value << YAML::BeginMap;
  ++state_->depth;
}

void ConfigDumper::leave_section() {
  state_->out << YAML::EndMap;
  --state_->depth;
}

void ConfigDumper::on_field(const char* key, FieldRef ref, const char* doc,
                            const FieldRule& /*rule*/) {
  YAML::Emitter& out = state_->out;
  out << YAML::Key << key << YAML::Value;
  switch (ref.kind) {
    case FieldKind::kBool:
      out << *static_cast<bool*>(ref.value);
      break;
    case FieldKind::kInt:
      out << *static_cast<int*>(ref.value);
      break;
    case FieldKind::kInt64:
      out << *static_cast<std::int64_t*>(ref.value);
      break;
    case FieldKind::kUInt64:
      out << *static_cast<std::uint64_t*>(ref.value);
      break;
    case FieldKind::kDouble:
      // Shortest text that reads back to the same double ("0.8", not "0.80000000000000004").
      out << fmt::format("{}", *static_cast<double*>(ref.value));
      break;
    case FieldKind::kString:
      out << *static_cast<std::string*>(ref.value);
      break;
    case FieldKind::kStringList:
      out << YAML::Flow << *static_cast<std::vector<std::string>*>(ref.value);
      break;
    case FieldKind::kStringMap:
      out << YAML::Flow << *static_cast<std::map<std::string, std::string>*>(ref.value);
      break;
  }
  out << YAML::Comment(doc);
}

// ---------------------------------------------------------------------------------------------
// ConfigReferenceWriter

void ConfigReferenceWriter::enter_section(const char* key, const char* doc) {
  path_.emplace_back(key);
  std::string dotted;
  for (const auto& p : path_) dotted += (dotted.empty() ? "" : ".") + p;
  text_ += fmt::format("\n{} `{}`\n\n{}\n\n| key | type | default | meaning |\n|---|---|---|---|\n",
                       path_.size() == 1 ? "##" : "###", dotted, doc);
}

void ConfigReferenceWriter::leave_section() { path_.pop_back(); }

void ConfigReferenceWriter::on_field(const char* key, FieldRef ref, const char* doc,
                                     const FieldRule& rule) {
  std::string dotted;
  for (const auto& p : path_) dotted += p + ".";
  std::string meaning = doc;
  if (const std::string r = rule.describe(); !r.empty()) meaning += " (" + r + ")";
  std::string kind = field_kind_name(ref.kind);
  kind = kind.substr(kind.find(' ') + 1);  // "an integer" -> "integer"
  text_ += fmt::format("| `{}{}` | {} | `{}` | {} |\n", dotted, key, kind, field_value_text(ref),
                       meaning);
}

}  // namespace shoprl

namespace shoprl {

void ConfigFlattener::on_field(const char* key, FieldRef ref, const char* /*doc*/,
                               const FieldRule& /*rule*/) {
  std::string dotted;
  for (const std::string& section : path_) dotted += section + ".";
  values_[dotted + key] = field_value_text(ref);
}

void ConfigFlattener::enter_section(const char* key, const char* /*doc*/) {
  path_.emplace_back(key);
}

void ConfigFlattener::leave_section() { path_.pop_back(); }

}  // namespace shoprl
