// SlateQ (Ie et al., IJCAI 2019): the value of a slate decomposed through the user's choice,
//   Q(s, A) = sum_{i in A} P(i | s, A) Qbar(s, i) + P(none | s, A) Qbar(s, none)   (eq. 3),
// with the environment's multinomial-logit choice model
//   P(slot k | s, A) = exp(u(s, a_k) + b_k) / (exp(u_0) + sum_j exp(u(s, a_j) + b_j)),
// u the learned user-item utilities, b_k the per-slot logit offsets and u_0 the no-click
// utility (both known from the environment). docs/agents/dqn.md explains the choices.
#pragma once

#include <torch/torch.h>

#include "agent/agent_inputs.h"
#include "env/world_config.h"

namespace shoprl {

// The choice model SlateQ assumes for a synthetic world with `choice` (its mnl parameters:
// b_k = -position_bias ln(1 + k)).
ChoiceModelParameters mnl_choice_parameters(const ChoiceConfig& choice, int slate_size);

// Logits of the choice among the slate's slots and "no click", [B, K + 1] (the last column is
// no click): u(s, a_k) + b_k and u_0. utilities [B, I], slates [B, K].
torch::Tensor slate_choice_logits(const torch::Tensor& utilities, const torch::Tensor& slates,
                                  const ChoiceModelParameters& choice);

// Log-likelihood of each observed outcome, [B]: clicked_slot in [0, K) or -1 for no click.
torch::Tensor choice_log_likelihood(const torch::Tensor& utilities, const torch::Tensor& slates,
                                    const torch::Tensor& clicked_slot,
                                    const ChoiceModelParameters& choice);

// Q(s, A) of eq. 3, [B]: item_values Qbar(s, i) [B, I], no_click_value Qbar(s, none) [B].
torch::Tensor slateq_slate_value(const torch::Tensor& item_values,
                                 const torch::Tensor& no_click_value,
                                 const torch::Tensor& utilities, const torch::Tensor& slates,
                                 const ChoiceModelParameters& choice);

// The score whose top k is SlateQ's slate (the paper's top-k heuristic, section 4.3): the
// unnormalised choice weight times the item's value, exp(u(s, i)) Qbar(s, i), computed as
// exp(u - max_j u) Qbar (a positive factor per row, so the order is the same and nothing
// overflows). [B, I].
torch::Tensor slateq_scores(const torch::Tensor& utilities, const torch::Tensor& item_values);

// The top-k slate of those scores, best first (the best item gets slot 0, the slot with the
// largest offset when offsets fall with position). [B, K].
torch::Tensor slateq_top_k(const torch::Tensor& utilities, const torch::Tensor& item_values,
                           int slate_size);

}  // namespace shoprl
