// Dense per-row features: numeric columns as float32 and categorical columns as int32 codes
// into a per-column vocabulary. Used for impression context and item features.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/id_dictionary.h"

namespace shoprl {

struct FeatureTable {
  std::vector<std::string> numeric_names;
  std::vector<float> numeric;  // rows × numeric_names.size(), row-major
  std::vector<std::string> categorical_names;
  std::vector<std::int32_t> categorical;   // rows × categorical_names.size(), row-major
  std::vector<IdDictionary> vocabularies;  // one per categorical column

  bool empty() const { return numeric_names.empty() && categorical_names.empty(); }
  std::size_t rows() const {
    if (!numeric_names.empty()) return numeric.size() / numeric_names.size();
    if (!categorical_names.empty()) return categorical.size() / categorical_names.size();
    return 0;
  }
};

}  // namespace shoprl
