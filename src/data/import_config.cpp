#include "data/import_config.h"

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "core/error.h"

namespace shoprl {

void ImportConfig::validate() const {
  const double total = split.train + split.valid + split.test;
  if (std::fabs(total - 1.0) > 1e-9) {
    throw ConfigError(
        fmt::format("import.split: train + valid + test must be 1, got {} + {} + {} = {}",
                    split.train, split.valid, split.test, total));
  }
  for (const auto& [key, value] : {std::pair<const char*, double>{"click", rewards.click},
                                   {"cart", rewards.cart},
                                   {"purchase", rewards.purchase}}) {
    if (!std::isfinite(value)) {
      throw ConfigError(
          fmt::format("import.rewards.{} must be a finite number, got {}", key, value));
    }
  }
  if (csv.delimiter.size() != 1 && csv.delimiter != "\\t") {
    throw ConfigError("import.csv.delimiter must be one character, got '" + csv.delimiter + "'");
  }
}

}  // namespace shoprl
