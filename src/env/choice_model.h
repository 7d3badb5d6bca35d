// How a user answers a slate: the probability of a click on each slot given the utilities of
// the shown items, and the draw of the clicks. One parameter block chosen once per world, so
// the hot loop switches on the model once per user, never through a virtual call.
//
//   mnl      P(slot k) = exp(x_k + b_k) / (exp(x_0') + sum_j exp(x_j + b_j)),
//            b_k = -position_bias * ln(1 + k), x_0' the no-click utility; at most one click
//            (multinomial logit with an additive position logit bias, as in RecSim NG).
//   cascade  the user reads slots top down; slot k attracts with a_k = sigmoid(x_k - x_0');
//            she clicks the first attractive slot, and after an unattractive one reads on with
//            probability `continuation`: P(slot k) = a_k * prod_{j<k} (1 - a_j) * continuation
//            (Craswell et al. 2008, with attention decay); at most one click.
//   pbm      slot k is examined with e_k = (1 + k)^-exponent and clicked with e_k * a_k,
//            independently of the other slots (position-based model, Richardson et al. 2007);
//            several clicks are possible.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "env/random_stream.h"
#include "env/world_config.h"

namespace shoprl {

inline constexpr int kMaxSlateSize = 32;  // clicks travel as a 32-bit mask per user

enum class ChoiceModel : std::uint8_t { kMnl, kCascade, kPbm };
ChoiceModel parse_choice_model(const std::string& name);  // "mnl" | "cascade" | "pbm"

struct ChoiceParams {
  ChoiceModel model = ChoiceModel::kMnl;
  double no_click_utility = 0;
  double continuation = 1;
  double slot_logit_bias[kMaxSlateSize] = {};   // mnl: b_k
  double slot_examination[kMaxSlateSize] = {};  // pbm: e_k

  ChoiceParams() = default;
  ChoiceParams(const ChoiceConfig& config, int slate_size);
};

inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// P(click on slot k) for k < slots from the utilities of the shown items. For mnl and cascade
// the probabilities sum to at most one (the rest is no click); for pbm each is a marginal.
inline void click_probabilities(const ChoiceParams& params, const double* utility, int slots,
                                double* probability) {
  switch (params.model) {
    case ChoiceModel::kMnl: {
      double denominator = std::exp(params.no_click_utility);
      for (int k = 0; k < slots; ++k) {
        probability[k] = std::exp(utility[k] + params.slot_logit_bias[k]);
        denominator += probability[k];
      }
      const double inverse = 1.0 / denominator;
      for (int k = 0; k < slots; ++k) probability[k] *= inverse;
      return;
    }
    case ChoiceModel::kCascade: {
      double reach = 1.0;  // P(the user reads slot k)
      for (int k = 0; k < slots; ++k) {
        const double attraction = sigmoid(utility[k] - params.no_click_utility);
        probability[k] = reach * attraction;
        reach *= (1.0 - attraction) * params.continuation;
      }
      return;
    }
    case ChoiceModel::kPbm:
      for (int k = 0; k < slots; ++k)
        probability[k] = params.slot_examination[k] * sigmoid(utility[k] - params.no_click_utility);
      return;
  }
}

// Draws the clicked slots as a bit mask. mnl and cascade use one uniform (at most one bit);
// pbm uses one uniform per slot.
inline std::uint32_t draw_clicks(const ChoiceParams& params, const double* probability, int slots,
                                 RandomStream& rng) {
  if (params.model == ChoiceModel::kPbm) {
    std::uint32_t mask = 0;
    for (int k = 0; k < slots; ++k)
      if (rng.uniform() < probability[k]) mask |= 1u << k;
    return mask;
  }
  double u = rng.uniform();
  for (int k = 0; k < slots; ++k) {
    if (u < probability[k]) return 1u << k;
    u -= probability[k];
  }
  return 0;
}

}  // namespace shoprl
