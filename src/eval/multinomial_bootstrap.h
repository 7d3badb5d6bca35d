// The exact multinomial bootstrap, generated block by block so that the data stays in cache:
// for every resample, the multiplicities of n units (n draws with replacement) and the
// multiplicity-weighted sums of any number of per-unit columns (sum_u k_u x_u).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "core/seeding.h"
#include "core/thread_pool.h"

namespace shoprl {

// The multiplicities of one resample, one block of kBlockUnits units at a time. Block b
// receives Binomial(draws left, units in b / units left) of the n draws (the conditional
// binomials factor the multinomial over blocks exactly); those draws then land uniformly
// inside the block. The block's count array is small enough for L1.
class MultinomialResampler {
 public:
  static constexpr std::size_t kBlockUnits = 2048;

  MultinomialResampler(std::uint64_t units, std::uint64_t seed);
  // Writes the counts of the next block into counts[0, block_units) and returns block_units
  // (kBlockUnits except for the last block); 0 once every unit has its count.
  std::size_t next_block(std::uint32_t* counts);

 private:
  // A uniform integer in [0, range) from 32 random bits (Lemire 2019, "Fast random integer
  // generation in an interval", with the rejection step, so it is exact): two per engine call.
  std::uint32_t uniform_below(std::uint32_t range);

  Rng rng_;
  std::uint64_t units_;
  std::uint64_t next_unit_ = 0;
  std::uint64_t draws_left_;
  std::uint64_t spare_bits_ = 0;
  bool has_spare_ = false;
};

// Column sums sum_u k_u x_u for every resample and column: sums[resample * columns + column].
struct ResampledSums {
  std::size_t resamples = 0;
  std::size_t columns = 0;
  std::vector<double> sums;
  double at(std::size_t resample, std::size_t column) const {
    return sums[resample * columns + column];
  }
};

// Resample r draws from its own stream make_rng(seed, r) and every column is summed in the
// same order whatever thread runs it, so the sums do not depend on the pool's size. Each column
// points at `units` doubles. When `on_counts` is given, each resample's whole count vector is
// also materialised and passed to it (for estimators that are not linear in the counts); it
// may be called from several threads at once, each call with a different resample.
using ResampleCountsCallback =
    std::function<void(std::size_t resample, const std::vector<std::uint32_t>& counts)>;
ResampledSums resample_column_sums(const std::vector<const double*>& columns, std::size_t units,
                                   std::size_t resamples, std::uint64_t seed, ThreadPool& pool,
                                   const ResampleCountsCallback& on_counts = nullptr);

}  // namespace shoprl
