// SlateQ's choice model, slate value and slate choice (slateq.h).
#include "agent/slateq.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"

namespace shoprl {

ChoiceModelParameters mnl_choice_parameters(const ChoiceConfig& choice, int slate_size) {
  ChoiceModelParameters out;
  out.no_click_utility = choice.no_click_utility;
  for (int k = 0; k < slate_size; ++k)
    out.slot_offsets.push_back(-choice.position_bias * std::log1p(static_cast<double>(k)));
  return out;
}

torch::Tensor slate_choice_logits(const torch::Tensor& utilities, const torch::Tensor& slates,
                                  const ChoiceModelParameters& choice) {
  const std::int64_t slots = slates.size(1);
  if (static_cast<std::int64_t>(choice.slot_offsets.size()) != slots)
    throw ConfigError(
        fmt::format("slateq: the choice model has {} slot offsets for slates of {} (agent inputs' "
                    "choice.slot_offsets must have one per slot)",
                    choice.slot_offsets.size(), slots));
  const torch::Tensor offsets =
      torch::tensor(choice.slot_offsets, torch::kFloat64).to(utilities.options()).view({1, -1});
  const torch::Tensor shown = utilities.gather(1, slates) + offsets;  // [B, K]
  const torch::Tensor none =
      torch::full({utilities.size(0), 1}, choice.no_click_utility, utilities.options());
  return torch::cat({shown, none}, 1);
}

torch::Tensor choice_log_likelihood(const torch::Tensor& utilities, const torch::Tensor& slates,
                                    const torch::Tensor& clicked_slot,
                                    const ChoiceModelParameters& choice) {
  const torch::Tensor log_p = torch::log_softmax(slate_choice_logits(utilities, slates, choice), 1);
  const std::int64_t none = slates.size(1);
  const torch::Tensor outcome =
      torch::where(clicked_slot >= 0, clicked_slot, torch::full_like(clicked_slot, none));
  return log_p.gather(1, outcome.view({-1, 1})).squeeze(1);
}

torch::Tensor slateq_slate_value(const torch::Tensor& item_values,
                                 const torch::Tensor& no_click_value,
                                 const torch::Tensor& utilities, const torch::Tensor& slates,
                                 const ChoiceModelParameters& choice) {
  const torch::Tensor p = torch::softmax(slate_choice_logits(utilities, slates, choice), 1);
  const torch::Tensor values =
      torch::cat({item_values.gather(1, slates), no_click_value.view({-1, 1})}, 1);
  return (p * values).sum(1);
}

torch::Tensor slateq_scores(const torch::Tensor& utilities, const torch::Tensor& item_values) {
  const torch::Tensor top = std::get<0>(utilities.max(1, /*keepdim=*/true));
  return torch::exp(utilities - top) * item_values;
}

torch::Tensor slateq_top_k(const torch::Tensor& utilities, const torch::Tensor& item_values,
                           int slate_size) {
  return std::get<1>(slateq_scores(utilities, item_values).topk(slate_size, 1));
}

}  // namespace shoprl
