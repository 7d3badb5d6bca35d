// REINFORCE and A2C (policy_gradient_agent.h).
#include "agent/policy_gradient_agent.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "agent/checkpoint.h"
#include "agent/policy_gradient_loss.h"
#include "agent/rollout.h"
#include "core/error.h"
#include "core/seeding.h"
#include "policy/slate_sampling.h"

namespace shoprl {

namespace {

class PolicyGradientAgent final : public Agent {
 public:
  PolicyGradientAgent(const AgentConfig& config, const PolicyNetworkConfig& network,
                      const AgentInputs& inputs)
      : config_(config),
        env_(inputs.env),
        users_(inputs.users),
        slate_size_(inputs.env->slate_size()),
        device_(inputs.device),
        seed_(inputs.seed),
        parallel_(inputs.parallel),
        network_(network, inputs.env->num_items(), PolicyHeads{false, /*value_head=*/true}),
        optimizer_(
            network_->parameters(),
            torch::optim::AdamOptions(config.learning_rate).weight_decay(config.weight_decay)) {
    network_->to(device_);
    sampling_.rule = "boltzmann";
    sampling_.temperature = 1.0;  // the temperature is applied to the logits (logits())
  }

  std::string kind() const override { return config_.kind; }

  IterationMetrics train_iteration(std::int64_t iteration) override {
    // In a job, this rank plays users [rank * users, (rank + 1) * users) of the job's rollout.
    RolloutShare share;
    share.first_user = rank_of(parallel_) * users_;
    share.keyed_noise = parallel_ != nullptr;
    const Rollout rollout = collect_rollout(
        *env_, derive_seed(seed_, static_cast<std::uint64_t>(iteration)), users_,
        [this](const SessionBatch& rows, const SlateNoise& noise) { return act(rows, noise); },
        share);
    const RolloutSummary summary = summarize(rollout);
    const std::int64_t steps = rollout.steps();
    const std::int64_t users = rollout.users();
    const torch::Tensor index = rollout.active.flatten().nonzero().squeeze(1);  // [M]
    // The observations of the active steps (and, for the critic, of their successors) as rows.
    const auto rows_at = [&](std::int64_t first) {
      const auto grid = [&](const torch::Tensor& x) {
        return x.slice(0, first, first + steps).reshape({steps * users, -1});
      };
      return SessionBatch{grid(rollout.items), grid(rollout.types),
                          grid(rollout.lengths).squeeze(1)}
          .rows(index)
          .to(device_);
    };

    torch::Tensor next_values;
    if (config_.kind == "a2c") {
      torch::NoGradGuard no_grad;
      network_->eval();
      next_values = network_->value(network_->encode(rows_at(1))).to(torch::kCPU);
    }

    network_->train();
    const torch::Tensor state = network_->encode(rows_at(0));
    const torch::Tensor logits = this->logits(state);
    const torch::Tensor slates =
        rollout.slates.reshape({steps * users, slate_size_}).index_select(0, index).to(device_);
    // log P(slate | s_t) under Plackett-Luce: the score function of the whole ordered slate.
    const torch::Tensor log_prob = plackett_luce_log_prob(logits, slates);
    const torch::Tensor entropy = softmax_entropy(logits).mean();
    const torch::Tensor values = network_->value(state);

    torch::Tensor advantages, targets;
    if (config_.kind == "reinforce") {
      // G_t - b(s_t), the baseline b the value head fitted to the same returns.
      targets =
          discounted_returns(rollout, config_.gamma).flatten().index_select(0, index).to(device_);
      advantages = targets - values.detach();
    } else {
      const auto on_grid = [&](const torch::Tensor& rows) {
        return torch::zeros({steps * users}, torch::kFloat32)
            .index_copy(0, index, rows.detach().to(torch::kCPU, torch::kFloat32))
            .view({steps, users});
      };
      const torch::Tensor gae =
          gae_advantages(rollout.rewards, on_grid(values), on_grid(next_values), rollout.done,
                         rollout.active, config_.gamma, config_.pg.gae_lambda);
      advantages = gae.flatten().index_select(0, index).to(device_);
      // The critic's target is the lambda-return A_t + V(s_t).
      targets = advantages + values.detach();
    }
    const double mean_abs_advantage = advantages.abs().mean().item<double>();
    if (config_.pg.normalize_advantages)
      advantages = parallel_ == nullptr ? normalized_advantages(advantages)
                                        : normalized_over_ranks(advantages);

    const torch::Tensor policy_loss = score_function_loss(log_prob, advantages);
    const torch::Tensor value_loss = torch::mse_loss(values, targets);
    const torch::Tensor loss =
        policy_loss + config_.pg.value_weight * value_loss - config_.pg.entropy_weight * entropy;
    optimizer_.zero_grad();
    loss.backward();
    // The losses are means over this rank's active steps: weighted by their count, the job's
    // step is the step on all ranks' steps together.
    average_gradients(parallel_, network_->parameters(), static_cast<double>(index.size(0)));
    const double grad_norm = clip_gradients();
    optimizer_.step();

    return {{"loss", loss.item<double>()},
            {"policy_loss", policy_loss.item<double>()},
            {"value_loss", value_loss.item<double>()},
            {"entropy", entropy.item<double>()},
            {"return", summary.mean_return},
            {"click_through", summary.click_through},
            {"conversion", summary.conversion},
            {"session_length", summary.mean_length},
            {"mean_abs_advantage", mean_abs_advantage},
            {"steps", static_cast<double>(index.size(0))},
            {"grad_norm", grad_norm}};
  }

  torch::Tensor policy_scores(const SessionBatch& batch) override {
    torch::NoGradGuard no_grad;
    network_->eval();
    return logits(network_->encode(batch.to(device_)));
  }

  SlateRuleConfig evaluation_rule() const override { return config_.evaluation; }
  std::optional<ScoringNetwork> scoring_network() override {
    return ScoringNetwork{network_, ScoreHead::kItem, config_.pg.temperature};
  }

  void save(CheckpointWriter& out) override {
    out.module("network", *network_);
    out.optimizer("optimizer", optimizer_);
  }

  void load(const CheckpointReader& in) override {
    in.module("network", *network_);
    in.optimizer("optimizer", optimizer_);
  }

  std::vector<torch::Tensor> replicated_tensors() override {
    return module_state_tensors(*network_);
  }

 private:
  // The policy's logits: softmax of these is pi(. | s), so the evaluation rule boltzmann with
  // temperature 1 replays the training policy and top_k its mode.
  torch::Tensor logits(const torch::Tensor& state) {
    return network_->item_scores(state) / config_.pg.temperature;
  }

  RolloutAction act(const SessionBatch& rows, const SlateNoise& noise) {
    torch::NoGradGuard no_grad;
    network_->eval();
    const SampledSlates sampled =
        sample_slates(logits(network_->encode(rows.to(device_))), slate_size_, sampling_, noise);
    return {sampled.items, sampled.log_prob};
  }

  // normalized_advantages() with the mean and deviation of every rank's advantages together.
  torch::Tensor normalized_over_ranks(const torch::Tensor& advantages) {
    const torch::Tensor a = advantages.to(torch::kFloat64);
    const std::vector<double> totals = sum_over_ranks(
        parallel_,
        {static_cast<double>(a.numel()), a.sum().item<double>(), a.square().sum().item<double>()});
    if (totals[0] < 2) return advantages;
    const double mean = totals[1] / totals[0];
    const double sd = std::sqrt(std::max(0.0, totals[2] / totals[0] - mean * mean));
    const torch::Tensor centred = advantages - mean;
    if (!(sd > 1e-8)) return centred;
    return centred / sd;
  }

  double clip_gradients() {
    if (config_.max_grad_norm <= 0) return 0.0;
    return torch::nn::utils::clip_grad_norm_(network_->parameters(), config_.max_grad_norm);
  }

  AgentConfig config_;
  BatchEnv* env_;
  std::int64_t users_;
  int slate_size_;
  torch::Device device_;
  std::uint64_t seed_;
  DataParallel* parallel_;
  PolicyNetwork network_;
  torch::optim::Adam optimizer_;
  SlateRuleConfig sampling_;
};

}  // namespace

std::unique_ptr<Agent> make_policy_gradient_agent(const AgentConfig& config,
                                                  const PolicyNetworkConfig& network,
                                                  const AgentInputs& inputs) {
  if (config.kind != "reinforce" && config.kind != "a2c")
    throw ConfigError(fmt::format(
        "agent.kind: '{}' is not a policy-gradient agent (reinforce, a2c)", config.kind));
  if (inputs.env == nullptr)
    throw ConfigError(
        fmt::format("agent.kind {}: learns online and needs an environment", config.kind));
  if (inputs.users < 1)
    throw ConfigError(
        fmt::format("agent.kind {}: {} users per rollout", config.kind, inputs.users));
  return std::make_unique<PolicyGradientAgent>(config, network, inputs);
}

}  // namespace shoprl
