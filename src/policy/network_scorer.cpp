// A scoring function as a NextItemScorer (network_scorer.h).
#include "policy/network_scorer.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <mutex>
#include <type_traits>
#include <utility>

#include "core/error.h"

namespace shoprl {
namespace {

class NetworkScorer final : public NextItemScorer {
 public:
  NetworkScorer(ScoringFunction score, std::int64_t num_items, std::string name)
      : score_(std::move(score)), num_items_(num_items), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::size_t num_items() const override { return static_cast<std::size_t>(num_items_); }

  void score(const std::int32_t* items, const std::int8_t* types, const std::int32_t* lengths,
             std::size_t batch, std::size_t max_length, float* scores) const override {
    const auto rows = static_cast<std::int64_t>(batch);
    const auto columns = static_cast<std::int64_t>(max_length);
    // The scorer's arrays are int32/int8; SessionBatch holds int64 (copies, not views).
    const auto as_int64 = [](const auto* data, std::int64_t n, torch::ScalarType type) {
      using T = std::remove_cv_t<std::remove_pointer_t<decltype(data)>>;
      return torch::from_blob(const_cast<T*>(data), {n}, torch::TensorOptions().dtype(type))
          .to(torch::kInt64);
    };
    SessionBatch histories{as_int64(items, rows * columns, torch::kInt32).view({rows, columns}),
                           as_int64(types, rows * columns, torch::kInt8).view({rows, columns}),
                           as_int64(lengths, rows, torch::kInt32)};
    torch::Tensor result;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      torch::NoGradGuard no_grad;
      result = score_(histories);
    }
    if (result.dim() != 2 || result.size(0) != rows || result.size(1) != num_items_)
      throw Error(
          fmt::format("scorer '{}': the scoring function returned {} dimensions for {} "
                      "histories; expected [{}, {}]",
                      name_, result.dim(), rows, rows, num_items_));
    result = result.to(torch::kCPU, torch::kFloat32).contiguous();
    std::copy_n(result.data_ptr<float>(), rows * num_items_, scores);
  }

 private:
  ScoringFunction score_;
  std::int64_t num_items_;
  std::string name_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<NextItemScorer> make_network_scorer(ScoringFunction score, std::int64_t num_items,
                                                    std::string name) {
  if (!score) throw ConfigError(fmt::format("scorer '{}': no scoring function", name));
  return std::make_unique<NetworkScorer>(std::move(score), num_items, std::move(name));
}

}  // namespace shoprl
