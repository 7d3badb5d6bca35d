// MAGIC (Thomas & Brunskill 2016, sec. 6, Algorithm 1): a convex blend of off-policy j-step
// returns, each of which importance-samples the first j+1 steps with the WDR weights and hands
// the rest of the session to a model,
//   g^(j) = sum_s [ sum_{t<=j} gamma^t ( v^s_t (R^s_t - Qhat^s_t) + v^s_{t-1} Vhat^s_t )
//                   + v^s_j sum_{t>j} gamma^t Vhat^s_t ],
// with v the normalised weights of weighted_dr.cpp (v_{-1} = 1/n), so g^(-1) is the model alone
// and g^(T-1) is WDR. The "approximate model" of the paper is here the direct method along the
// logged session: the value-to-go after step j is the sum of the later steps' Vhat (the
// immediate-reward model's expected reward under the target policy at the logged states). It
// has no transition model, so it is biased whenever the target policy would have led elsewhere;
// that is the bias MAGIC bounds and trades against the variance of the longer returns.
//   Omega_hat = n/(n-1) sum_s (g^(.)_s - mean)(g^(.)_s - mean)^T   (covariance of g, as g is a
//               sum of n per-session shares g_s)
//   b_hat(j)  = distance from g^(j) to a confidence interval of WDR
//   x         = argmin_{x in simplex} x^T (Omega_hat + b_hat b_hat^T) x,  MAGIC = x^T g.
#include "eval/sequential/magic.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/seeding.h"
#include "eval/sequential/sequential_estimators.h"
#include "eval/sequential/simplex_qp.h"

namespace shoprl {
namespace {

// shares(s, h): session s's part of g^(horizon[h]) under multiplicities `count` (one copy).
Eigen::MatrixXd partial_return_shares(const SessionSteps& steps, double gamma,
                                      const std::vector<double>& count,
                                      const std::vector<std::ptrdiff_t>& horizon) {
  const std::vector<double> normaliser = step_weight_sums(steps, count);
  double drawn = 0.0;
  for (const double c : count) drawn += c;
  const std::size_t sessions = steps.sessions();
  Eigen::MatrixXd shares = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(sessions),
                                                 static_cast<Eigen::Index>(horizon.size()));
  std::vector<double> accumulated;  // sum_{t' <= t} of the importance-sampled terms
  std::vector<double> normalised;   // v_t
  std::vector<double> model_tail;   // sum_{t' >= t} gamma^t' Vhat_t' (size length + 1)
  for (std::size_t s = 0; s < sessions; ++s) {
    if (count[s] == 0.0) continue;
    const std::size_t length = steps.length(s);
    const std::size_t first = steps.step_offset[s];
    accumulated.assign(length, 0.0);
    normalised.assign(length, 0.0);
    model_tail.assign(length + 1, 0.0);
    double discount = 1.0;
    double previous = 1.0 / drawn;
    double running = 0.0;
    for (std::size_t t = 0; t < length; ++t) {
      const std::size_t k = first + t;
      normalised[t] = normaliser[t] > 0.0 ? steps.cumulative_weight[k] / normaliser[t] : 0.0;
      running += discount * (normalised[t] * (steps.reward[k] - steps.q_logged[k]) +
                             previous * steps.q_target[k]);
      accumulated[t] = running;
      model_tail[t] = discount * steps.q_target[k];
      previous = normalised[t];
      discount *= gamma;
    }
    for (std::size_t t = length; t-- > 0;) model_tail[t] += model_tail[t + 1];

    for (std::size_t h = 0; h < horizon.size(); ++h) {
      const std::ptrdiff_t j = horizon[h];
      double share = 0.0;
      if (j < 0) {
        share = model_tail[0] / drawn;
      } else if (static_cast<std::size_t>(j) >= length) {
        share = length > 0 ? accumulated[length - 1] : 0.0;  // ended: nothing left to model
      } else {
        const std::size_t jj = static_cast<std::size_t>(j);
        share = accumulated[jj] + normalised[jj] * model_tail[jj + 1];
      }
      shares(static_cast<Eigen::Index>(s), static_cast<Eigen::Index>(h)) = share;
    }
  }
  return shares;
}

// The standard normal quantile, by bisection on Phi (enough for one interval per call).
double normal_quantile(double p) {
  double low = -40.0;
  double high = 40.0;
  for (int i = 0; i < 200 && high - low > 1e-15; ++i) {
    const double mid = 0.5 * (low + high);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

// Quantile with linear interpolation between order statistics (numpy.percentile's default).
double sorted_quantile(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

// Percentile bootstrap of WDR over the drawn copies of the sessions.
std::pair<double, double> wdr_bootstrap_interval(const SessionSteps& steps, double gamma,
                                                 const std::vector<double>& count,
                                                 std::ptrdiff_t last_horizon, int resamples,
                                                 double confidence, std::uint64_t seed) {
  std::vector<std::size_t> copies;  // session of each drawn copy
  for (std::size_t s = 0; s < count.size(); ++s) {
    for (double c = 0.0; c < count[s]; c += 1.0) copies.push_back(s);
  }
  Rng rng = make_rng(seed, kMagicStream);
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(resamples));
  std::vector<double> resample_count(count.size());
  const std::vector<std::ptrdiff_t> wdr_only = {last_horizon};
  for (int b = 0; b < resamples; ++b) {
    std::fill(resample_count.begin(), resample_count.end(), 0.0);
    for (std::size_t draw = 0; draw < copies.size(); ++draw) {
      resample_count[copies[uniform_index(rng, copies.size())]] += 1.0;
    }
    const Eigen::MatrixXd shares = partial_return_shares(steps, gamma, resample_count, wdr_only);
    double wdr = 0.0;
    for (std::size_t s = 0; s < count.size(); ++s) {
      wdr += resample_count[s] * shares(static_cast<Eigen::Index>(s), 0);
    }
    values.push_back(wdr);
  }
  std::sort(values.begin(), values.end());
  const double tail = 0.5 * (1.0 - confidence);
  return {sorted_quantile(values, tail), sorted_quantile(values, 1.0 - tail)};
}

}  // namespace

std::vector<std::ptrdiff_t> magic_horizons(std::size_t longest) {
  std::vector<std::ptrdiff_t> horizon;
  const std::size_t all = longest + 1;  // j = -1 .. longest - 1
  if (all <= kMagicMaxHorizons) {
    for (std::size_t j = 0; j < all; ++j) horizon.push_back(static_cast<std::ptrdiff_t>(j) - 1);
    return horizon;
  }
  // Spacing longest / (K - 1) > 1, so the rounded horizons are distinct.
  const double spacing = static_cast<double>(longest) / static_cast<double>(kMagicMaxHorizons - 1);
  for (std::size_t k = 0; k < kMagicMaxHorizons; ++k) {
    horizon.push_back(static_cast<std::ptrdiff_t>(std::llround(spacing * static_cast<double>(k))) -
                      1);
  }
  return horizon;
}

MagicBlend magic_blend(const SessionSteps& steps, double gamma, const std::vector<double>& count,
                       int wdr_resamples, double confidence, std::uint64_t seed) {
  MagicBlend blend;
  blend.horizon = magic_horizons(steps.longest());
  blend.share = partial_return_shares(steps, gamma, count, blend.horizon);
  const Eigen::Map<const Eigen::VectorXd> multiplicity(count.data(),
                                                       static_cast<Eigen::Index>(count.size()));
  blend.partial_return = blend.share.transpose() * multiplicity;
  const double drawn = multiplicity.sum();

  // Omega_hat: g^(j) sums n shares, so its covariance is n times the shares' sample covariance.
  const Eigen::RowVectorXd mean = blend.partial_return.transpose() / drawn;
  const Eigen::MatrixXd centred = blend.share.rowwise() - mean;
  const double scale = drawn > 1.0 ? drawn / (drawn - 1.0) : 0.0;
  blend.covariance = scale * (centred.transpose() * multiplicity.asDiagonal() * centred);

  const Eigen::Index last = blend.partial_return.size() - 1;
  const double wdr = blend.partial_return[last];
  if (wdr_resamples > 0) {
    const auto [low, high] = wdr_bootstrap_interval(steps, gamma, count, blend.horizon.back(),
                                                    wdr_resamples, confidence, seed);
    blend.interval_low = low;
    blend.interval_high = high;
  } else {
    const double half_width =
        normal_quantile(0.5 + 0.5 * confidence) * std::sqrt(blend.covariance(last, last));
    blend.interval_low = wdr - half_width;
    blend.interval_high = wdr + half_width;
  }
  blend.bias.resize(blend.partial_return.size());
  for (Eigen::Index h = 0; h < blend.partial_return.size(); ++h) {
    const double g = blend.partial_return[h];
    blend.bias[h] = std::max({0.0, blend.interval_low - g, g - blend.interval_high});
  }

  const Eigen::MatrixXd error = blend.covariance + blend.bias * blend.bias.transpose();
  blend.blend_weight = minimise_on_simplex(error);
  blend.value = blend.blend_weight.dot(blend.partial_return);
  return blend;
}

EstimatorTerms magic_terms(const LoggedRounds& rounds, const OpeConfig& config) {
  EstimatorTerms terms;
  terms.declined = sequential_decline_reason(rounds, /*needs_reward_model=*/true);
  if (!terms.declined.empty()) return terms;

  auto steps = std::make_shared<const SessionSteps>(session_steps(rounds));
  if (steps->sessions() < 2) {
    terms.declined = "MAGIC needs at least 2 sessions (the covariance of its partial returns)";
    return terms;
  }
  const double gamma = config.gamma;
  const double confidence = config.confidence;
  const std::vector<double> ones(steps->sessions(), 1.0);
  const MagicBlend blend =
      magic_blend(*steps, gamma, ones, config.magic_bootstrap, confidence, config.bootstrap_seed);
  terms.value = blend.value;
  // Each session's share of the blend, times n: their mean is the estimate.
  const Eigen::VectorXd shares = blend.share * blend.blend_weight;
  for (std::size_t s = 0; s < steps->sessions(); ++s) {
    terms.contribution.push_back(static_cast<double>(steps->sessions()) *
                                 shares[static_cast<Eigen::Index>(s)]);
    terms.weights.push_back(steps->final_weight(s));
  }
  // A resample redoes everything (partial returns, Omega_hat, b_hat, x) but bounds the bias
  // with the normal interval instead of a nested bootstrap, which would cost magic_bootstrap
  // passes per resample. So resampled_value(all ones) == value only when magic_bootstrap == 0.
  terms.resampled_value = [steps, gamma, confidence](const std::vector<std::uint32_t>& count) {
    return magic_blend(*steps, gamma, as_multiplicity(count), 0, confidence, 0).value;
  };
  return terms;
}

}  // namespace shoprl
