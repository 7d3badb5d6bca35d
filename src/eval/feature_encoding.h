// Turns a FeatureTable into dense model inputs: numeric columns as they are, categorical
// columns one-hot over their vocabulary (Open Bandit's hashed user features, item categories).
#pragma once

#include <vector>

#include "data/feature_table.h"

namespace shoprl {

struct DenseFeatures {
  std::size_t rows = 0;
  int dim = 0;
  std::vector<double> values;  // [rows, dim], row-major
};

DenseFeatures encode_features(const FeatureTable& table);

}  // namespace shoprl
