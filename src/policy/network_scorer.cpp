// A scoring function as a NextItemScorer (network_scorer.h).
#include "policy/network_scorer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cstring>
#include <utility>

#include "core/error.h"

namespace shoprl {

namespace {

class NetworkScorer final : public NextItemScorer {
 public:
  NetworkScorer(std::string name, std::int64_t num_items, SessionScoreFunction score,
                torch::Device device)
      : name_(std::move(name)), num_items_(num_items), score_(std::move(score)), device_(device) {}

  std::string name() const override { return name_; }
  std::size_t num_items() const override { return static_cast<std::size_t>(num_items_); }

  void score(const std::int32_t* items, const std::int8_t* types, const std::int32_t* lengths,
             std::size_t batch, std::size_t max_length, float* scores) const override {
    const auto rows = static_cast<std::int64_t>(batch);
    const auto columns = static_cast<std::int64_t>(max_length);
    // from_blob does not own the ranking's arrays; the casts copy them into int64 tensors.
    auto* item_data = const_cast<std::int32_t*>(items);
    auto* type_data = const_cast<std::int8_t*>(types);
    auto* length_data = const_cast<std::int32_t*>(lengths);
    SessionBatch histories{
        torch::from_blob(item_data, {rows, columns}, torch::kInt32).to(torch::kInt64),
        torch::from_blob(type_data, {rows, columns}, torch::kInt8).to(torch::kInt64),
        torch::from_blob(length_data, {rows}, torch::kInt32).to(torch::kInt64)};
    torch::Tensor result;
    {
      torch::NoGradGuard no_grad;
      result = score_(histories.to(device_));
    }
    if (result.dim() != 2 || result.size(0) != rows || result.size(1) != num_items_)
      throw DataError(
          fmt::format("scorer '{}': the policy returned scores of shape {} for {} "
                      "histories and {} items",
                      name_, fmt::join(result.sizes(), "x"), rows, num_items_));
    const torch::Tensor host = result.to(torch::kCPU, torch::kFloat32).contiguous();
    std::memcpy(scores, host.data_ptr<float>(),
                sizeof(float) * static_cast<std::size_t>(host.numel()));
  }

 private:
  std::string name_;
  std::int64_t num_items_;
  SessionScoreFunction score_;
  torch::Device device_;
};

}  // namespace

std::unique_ptr<NextItemScorer> make_network_scorer(std::string name, std::int64_t num_items,
                                                    SessionScoreFunction score,
                                                    torch::Device device) {
  if (num_items <= 0)
    throw ConfigError(
        fmt::format("scorer '{}': the catalogue is empty ({} items)", name, num_items));
  if (!score) throw ConfigError(fmt::format("scorer '{}': no scoring function", name));
  return std::make_unique<NetworkScorer>(std::move(name), num_items, std::move(score), device);
}

}  // namespace shoprl
