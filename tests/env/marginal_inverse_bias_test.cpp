// How biased are the importance weights built on Plackett–Luce slot marginals estimated from
// 64 sampled prefixes (src/env/policies/plackett_luce.h)? The estimate mu_hat is unbiased, but
// IPW divides by it, and E[1 / mu_hat] > 1 / mu (Jensen): the relative bias is about
// Var(mu_hat) / mu^2. Measured here on the loggers of the coverage tests (8 items, 2 slots) and
// of the quickstart (2,000 items, 10 slots, temperature 0.5) against the exact marginal (by
// enumeration) or a 2^16-prefix estimate; docs/ope.md quotes the printed figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "env/policies/plackett_luce.h"
#include "env/random_stream.h"

namespace shoprl {
namespace {

struct InverseBias {
  double mean = 0;  // mean over slates and slots > 0 of E[mu / mu_hat] - 1
  double worst = 0;
};

// For `slates` slates drawn from `sampler`, the relative bias of 1 / mu_hat at each slot k > 0,
// mu_hat from `samples` prefixes (`repeats` independent estimates each), against `exact`.
template <typename ExactMarginal>
InverseBias inverse_bias(const PlackettLuceSampler& sampler, int slots, int samples, int slates,
                         int repeats, const ExactMarginal& exact) {
  RandomStream rng(20261205);
  std::vector<std::int32_t> slate(slots);
  std::vector<double> marginal(slots), truth(slots);
  InverseBias out;
  int terms = 0;
  for (int s = 0; s < slates; ++s) {
    sampler.sample(slots, rng, slate.data());
    exact(slate, truth);
    std::vector<double> inverse_sum(slots, 0.0);
    for (int r = 0; r < repeats; ++r) {
      sampler.marginals(slate.data(), slots, samples, rng, marginal.data());
      for (int k = 1; k < slots; ++k) inverse_sum[k] += 1.0 / marginal[k];
    }
    for (int k = 1; k < slots; ++k) {
      const double bias = truth[k] * inverse_sum[k] / repeats - 1.0;
      out.mean += bias;
      out.worst = std::max(out.worst, std::abs(bias));
      ++terms;
    }
  }
  out.mean /= terms;
  return out;
}

TEST(MarginalInverseBias, CoverageTestLoggerEightItemsTwoSlots) {
  // Popularity-like weights over 8 items (the largest 5x the smallest).
  const std::vector<double> logits = {1.6, 1.3, 1.0, 0.8, 0.6, 0.4, 0.2, 0.0};
  PlackettLuceSampler sampler;
  sampler.set_logits(logits.data(), 8, 1.0);
  const auto exact = [&](const std::vector<std::int32_t>& slate, std::vector<double>& truth) {
    // P(j at slot 1) = sum_{a != j} w_a / W * w_j / (W - w_a).
    const double total = sampler.total();
    truth[1] = 0;
    for (std::int32_t a = 0; a < 8; ++a) {
      if (a == slate[1]) continue;
      truth[1] +=
          sampler.weight(a) / total * sampler.weight(slate[1]) / (total - sampler.weight(a));
    }
  };
  const InverseBias bias = inverse_bias(sampler, 2, 64, 200, 400, exact);
  std::printf("1/mu_hat relative bias, 8 items, 2 slots, 64 prefixes: mean %.5f, worst %.5f\n",
              bias.mean, bias.worst);
  // The bias is about Var(mu_hat) / mu^2; with 400 repeats each slate's measured bias carries
  // a sampling error of about CV / 20 (CV well under 10% here), so 1% bounds it with margin.
  EXPECT_LT(std::abs(bias.mean), 0.01);
  EXPECT_LT(bias.worst, 0.03);
}

TEST(MarginalInverseBias, QuickstartLoggerTwoThousandItemsTenSlots) {
  // Standard normal scores at the quickstart logger's temperature 0.5.
  RandomStream draw(7);
  std::vector<double> logits(2000);
  for (double& logit : logits) {
    // Box-Muller from two uniforms.
    const double u = std::max(draw.uniform(), 1e-300);
    logit = std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * draw.uniform());
  }
  PlackettLuceSampler sampler;
  sampler.set_logits(logits.data(), 2000, 0.5);
  RandomStream reference_rng(11);
  const auto reference = [&](const std::vector<std::int32_t>& slate, std::vector<double>& truth) {
    sampler.marginals(slate.data(), 10, 1 << 16, reference_rng, truth.data());
  };
  const InverseBias bias = inverse_bias(sampler, 10, 64, 20, 200, reference);
  std::printf("1/mu_hat relative bias, 2000 items, 10 slots, 64 prefixes: mean %.5f, worst %.5f\n",
              bias.mean, bias.worst);
  EXPECT_LT(std::abs(bias.mean), 0.01);
  EXPECT_LT(bias.worst, 0.05);
}

}  // namespace
}  // namespace shoprl
