#include "sim/policy_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace shoprl {

namespace {

double parse_number(const std::string& text, const std::string& key, const std::string& name) {
  const char* begin = text.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (text.empty() || end != begin + text.size() || !std::isfinite(value))
    throw ConfigError(fmt::format("{}: {}={} is not a number", key, name, text));
  return value;
}

void require(bool ok, const std::string& key, const std::string& name, double value,
             const char* rule) {
  if (!ok) throw ConfigError(fmt::format("{}: {}={} is not {}", key, name, value, rule));
}

}  // namespace

PolicyConfig parse_policy_spec(const std::string& spec, const std::string& key) {
  PolicyConfig config;
  const std::size_t colon = spec.find(':');
  config.kind = spec.substr(0, colon);
  const std::vector<std::string>& kinds = policy_kinds();
  if (std::find(kinds.begin(), kinds.end(), config.kind) == kinds.end())
    throw ConfigError(fmt::format("{}: '{}': unknown policy kind '{}' (expected one of: {})", key,
                                  spec, config.kind, fmt::join(kinds, ", ")));
  if (colon == std::string::npos) return config;
  std::size_t start = colon + 1;
  while (start <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', start), spec.size());
    const std::string assignment = spec.substr(start, comma - start);
    const std::size_t equals = assignment.find('=');
    if (equals == std::string::npos)
      throw ConfigError(
          fmt::format("{}: '{}': expected key=value, got '{}'", key, spec, assignment));
    const std::string name = assignment.substr(0, equals);
    const double value = parse_number(assignment.substr(equals + 1), key, name);
    if (name == "temperature") {
      require(value >= 1e-6, key, name, value, ">= 1e-6");
      config.temperature = value;
    } else if (name == "epsilon") {
      require(value >= 0 && value <= 1, key, name, value, "in [0, 1]");
      config.epsilon = value;
    } else if (name == "noise") {
      require(value >= 0, key, name, value, ">= 0");
      config.noise = value;
    } else if (name == "marginal_samples") {
      require(value >= 1 && value <= (1 << 20) && value == std::floor(value), key, name, value,
              "an integer in [1, 1048576]");
      config.marginal_samples = static_cast<int>(value);
    } else {
      throw ConfigError(fmt::format(
          "{}: '{}': unknown key '{}' (expected temperature, epsilon, noise or marginal_samples)",
          key, spec, name));
    }
    start = comma + 1;
  }
  return config;
}

}  // namespace shoprl
