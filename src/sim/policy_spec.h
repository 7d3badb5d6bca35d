// A policy named in one string, for lists of policies in a config (sim_check.policies):
// "kind" or "kind:key=value,...", e.g. "history_oracle:noise=1" or "popularity:temperature=2".
#pragma once

#include <string>

#include "env/policies/slate_policy.h"

namespace shoprl {

// The PolicyConfig the spec describes (defaults for keys it does not set). ConfigError naming
// `key` (e.g. "sim_check.policies[2]") for an unknown kind or key, a value that is not a
// number, or one outside the key's range.
PolicyConfig parse_policy_spec(const std::string& spec, const std::string& key);

}  // namespace shoprl
