// The collective helpers every agent shares (data_parallel.h).
#include "agent/data_parallel.h"

#include <algorithm>
#include <chrono>
#include <string_view>

#include "core/seconds_since.h"
#include "core/text_digest.h"

namespace shoprl {

bool is_root(const DataParallel* parallel) { return parallel == nullptr || parallel->rank() == 0; }

int world_size(const DataParallel* parallel) {
  return parallel == nullptr ? 1 : parallel->world_size();
}

int rank_of(const DataParallel* parallel) { return parallel == nullptr ? 0 : parallel->rank(); }

RankShard rank_shard(std::int64_t count, const DataParallel* parallel) {
  const std::int64_t ranks = world_size(parallel);
  const std::int64_t rank = rank_of(parallel);
  const std::int64_t base = count / ranks;
  const std::int64_t extra = count % ranks;
  RankShard shard;
  shard.begin = rank * base + std::min(rank, extra);
  shard.end = shard.begin + base + (rank < extra ? 1 : 0);
  return shard;
}

namespace {

// Parameters in order, cut into buckets of about `bytes` (a parameter is never split).
std::vector<std::vector<std::size_t>> gradient_buckets(const std::vector<torch::Tensor>& parameters,
                                                       std::int64_t bytes) {
  std::vector<std::vector<std::size_t>> buckets(1);
  std::int64_t filled = 0;
  for (std::size_t p = 0; p < parameters.size(); ++p) {
    const std::int64_t size = parameters[p].numel() * parameters[p].element_size();
    if (filled > 0 && filled + size > bytes) {
      buckets.emplace_back();
      filled = 0;
    }
    buckets.back().push_back(p);
    filled += size;
  }
  return buckets;
}

}  // namespace

void average_gradients(DataParallel* parallel, const std::vector<torch::Tensor>& parameters,
                       double weight) {
  if (parallel == nullptr || parallel->world_size() == 1 || parameters.empty()) return;
  torch::NoGradGuard no_grad;
  const auto options = parameters.front().options().dtype(torch::kFloat32);
  // The first bucket's head carries, per parameter, whether it has a gradient here, and this
  // rank's weight: one collective fewer than reducing them apart.
  const auto count = static_cast<std::int64_t>(parameters.size());
  const std::vector<std::vector<std::size_t>> buckets =
      gradient_buckets(parameters, parallel->bucket_bytes());
  std::vector<torch::Tensor> flat;
  flat.reserve(buckets.size());
  torch::Tensor head = torch::zeros({count + 1}, options);
  for (std::size_t p = 0; p < parameters.size(); ++p)
    if (parameters[p].grad().defined()) head[static_cast<std::int64_t>(p)] = 1.0;
  head[count] = weight;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    std::vector<torch::Tensor> parts;
    if (b == 0) parts.push_back(head);
    for (std::size_t p : buckets[b]) {
      const torch::Tensor& grad = parameters[p].grad();
      parts.push_back(grad.defined() ? grad.detach().flatten().to(torch::kFloat32) * weight
                                     : torch::zeros({parameters[p].numel()}, options));
    }
    flat.push_back(torch::cat(parts));
  }
  const auto start = std::chrono::steady_clock::now();
  parallel->all_reduce_sum(flat);
  DataParallel::Traffic& traffic = parallel->gradient_traffic;
  traffic.seconds += seconds_since(start);
  traffic.steps += 1;
  for (const torch::Tensor& bucket : flat) traffic.bytes += bucket.numel() * bucket.element_size();
  const torch::Tensor reduced_head = flat.front().slice(0, 0, count + 1);
  const double total_weight = reduced_head[count].item<double>();
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    std::int64_t offset = b == 0 ? count + 1 : 0;
    for (std::size_t p : buckets[b]) {
      torch::Tensor parameter = parameters[p];
      const std::int64_t n = parameter.numel();
      const bool anywhere = reduced_head[static_cast<std::int64_t>(p)].item<float>() > 0;
      if (anywhere) {
        const torch::Tensor mean =
            (flat[b].slice(0, offset, offset + n) / total_weight).view(parameter.sizes());
        if (parameter.grad().defined())
          parameter.mutable_grad().copy_(mean);
        else
          parameter.mutable_grad() = mean.to(parameter.dtype()).clone();
      }
      offset += n;
    }
  }
}

void broadcast_from_root(DataParallel* parallel, const std::vector<torch::Tensor>& tensors) {
  if (parallel == nullptr || parallel->world_size() == 1 || tensors.empty()) return;
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> copies;
  copies.reserve(tensors.size());
  for (const torch::Tensor& t : tensors) copies.push_back(t.detach().contiguous().clone());
  parallel->broadcast_from_root(copies);
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    torch::Tensor target = tensors[i];
    target.detach().copy_(copies[i]);
  }
}

std::vector<double> sum_over_ranks(DataParallel* parallel, const std::vector<double>& values) {
  if (parallel == nullptr || parallel->world_size() == 1 || values.empty()) return values;
  std::vector<torch::Tensor> sums = {torch::tensor(values, torch::dtype(torch::kFloat64)).clone()};
  parallel->all_reduce_sum(sums);
  const torch::Tensor out = sums.front().contiguous();
  return {out.data_ptr<double>(), out.data_ptr<double>() + out.numel()};
}

std::vector<torch::Tensor> module_state_tensors(const torch::nn::Module& module) {
  std::vector<torch::Tensor> out = module.parameters();
  for (const torch::Tensor& buffer : module.buffers()) out.push_back(buffer);
  return out;
}

std::string tensors_digest(const std::vector<torch::Tensor>& tensors) {
  std::string bytes;
  for (const torch::Tensor& t : tensors) {
    const torch::Tensor cpu = t.detach().to(torch::kCPU).contiguous();
    bytes.append(static_cast<const char*>(cpu.data_ptr()),
                 static_cast<std::size_t>(cpu.numel() * cpu.element_size()));
  }
  return text_digest(bytes);
}

}  // namespace shoprl
