#include "eval/feature_encoding.h"

namespace shoprl {

DenseFeatures encode_features(const FeatureTable& table) {
  DenseFeatures dense;
  dense.rows = table.rows();
  const std::size_t numeric = table.numeric_names.size();
  const std::size_t categorical = table.categorical_names.size();
  std::vector<int> one_hot_start(categorical);
  int dim = static_cast<int>(numeric);
  for (std::size_t c = 0; c < categorical; ++c) {
    one_hot_start[c] = dim;
    dim += static_cast<int>(table.vocabularies[c].size());
  }
  dense.dim = dim;
  dense.values.assign(dense.rows * dim, 0.0);
  for (std::size_t row = 0; row < dense.rows; ++row) {
    double* out = dense.values.data() + row * dim;
    for (std::size_t c = 0; c < numeric; ++c) out[c] = table.numeric[row * numeric + c];
    for (std::size_t c = 0; c < categorical; ++c) {
      out[one_hot_start[c] + table.categorical[row * categorical + c]] = 1.0;
    }
  }
  return dense;
}

}  // namespace shoprl
