#include "eval/multinomial_bootstrap.h"

#include <algorithm>

#include "eval/binomial_sampler.h"

namespace shoprl {

namespace {

// Resamples a task runs side by side: each pass over a block of the columns (kept in L2)
// serves all of them, so a task streams the columns from memory once per kResamplesPerTask.
constexpr std::size_t kResamplesPerTask = 16;

// sum_i weight_i x_i with four accumulators: independent additions the compiler can keep in
// flight (and pair into vector lanes) without reassociating a single running sum.
double weighted_sum(const double* weight, const double* x, std::size_t count) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    s0 += weight[i] * x[i];
    s1 += weight[i + 1] * x[i + 1];
    s2 += weight[i + 2] * x[i + 2];
    s3 += weight[i + 3] * x[i + 3];
  }
  for (; i < count; ++i) s0 += weight[i] * x[i];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace

MultinomialResampler::MultinomialResampler(std::uint64_t units, std::uint64_t seed)
    : rng_(seed), units_(units), draws_left_(units) {}

std::uint32_t MultinomialResampler::uniform_below(std::uint32_t range) {
  auto next32 = [this]() -> std::uint32_t {
    if (has_spare_) {
      has_spare_ = false;
      return static_cast<std::uint32_t>(spare_bits_ >> 32);
    }
    spare_bits_ = rng_();
    has_spare_ = true;
    return static_cast<std::uint32_t>(spare_bits_);
  };
  std::uint64_t product = static_cast<std::uint64_t>(next32()) * range;
  std::uint32_t low = static_cast<std::uint32_t>(product);
  if (low < range) {
    // Reject the (2^32 mod range) values that would make some results one draw likelier.
    const std::uint32_t threshold = static_cast<std::uint32_t>(-range) % range;
    while (low < threshold) {
      product = static_cast<std::uint64_t>(next32()) * range;
      low = static_cast<std::uint32_t>(product);
    }
  }
  return static_cast<std::uint32_t>(product >> 32);
}

std::size_t MultinomialResampler::next_block(std::uint32_t* counts) {
  if (next_unit_ >= units_) return 0;
  const std::uint64_t units_left = units_ - next_unit_;
  const std::size_t block_units =
      static_cast<std::size_t>(std::min<std::uint64_t>(kBlockUnits, units_left));
  const std::uint64_t draws =
      block_units == units_left
          ? draws_left_
          : sample_binomial(rng_, draws_left_,
                            static_cast<double>(block_units) / static_cast<double>(units_left));
  std::fill(counts, counts + block_units, 0u);
  const auto range = static_cast<std::uint32_t>(block_units);
  for (std::uint64_t d = 0; d < draws; ++d) ++counts[uniform_below(range)];
  draws_left_ -= draws;
  next_unit_ += block_units;
  return block_units;
}

ResampledSums resample_column_sums(const std::vector<const double*>& columns, std::size_t units,
                                   std::size_t resamples, std::uint64_t seed, ThreadPool& pool,
                                   const ResampleCountsCallback& on_counts) {
  ResampledSums result;
  result.resamples = resamples;
  result.columns = columns.size();
  result.sums.assign(resamples * columns.size(), 0.0);
  if (resamples == 0 || units == 0) return result;
  // Whole count vectors cost 4 bytes a unit per resample in flight: one resample a task then.
  const std::size_t per_task = on_counts ? 1 : kResamplesPerTask;
  const std::size_t tasks = (resamples + per_task - 1) / per_task;
  pool.run(tasks, [&](std::size_t task) {
    const std::size_t first = task * per_task;
    const std::size_t last = std::min(resamples, first + per_task);
    std::vector<MultinomialResampler> resamplers;
    resamplers.reserve(last - first);
    for (std::size_t r = first; r < last; ++r) {
      resamplers.emplace_back(units, derive_seed(seed, r));
    }
    std::vector<std::uint32_t> whole_counts(on_counts ? units : 0);
    std::vector<std::uint32_t> block_counts(MultinomialResampler::kBlockUnits);
    std::vector<double> block_weights(MultinomialResampler::kBlockUnits);
    for (std::size_t block_start = 0; block_start < units;
         block_start += MultinomialResampler::kBlockUnits) {
      for (std::size_t r = first; r < last; ++r) {
        std::uint32_t* counts = on_counts ? whole_counts.data() + block_start : block_counts.data();
        const std::size_t block_units = resamplers[r - first].next_block(counts);
        for (std::size_t i = 0; i < block_units; ++i) block_weights[i] = counts[i];
        double* sums = result.sums.data() + r * columns.size();
        for (std::size_t c = 0; c < columns.size(); ++c) {
          sums[c] += weighted_sum(block_weights.data(), columns[c] + block_start, block_units);
        }
      }
    }
    if (on_counts) on_counts(first, whole_counts);
  });
  return result;
}

}  // namespace shoprl
