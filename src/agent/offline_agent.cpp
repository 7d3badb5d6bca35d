// The agents trained from logs: supervised, sqn, sa2c (offline_agent.h). The losses are in
// offline_losses.cpp; this file holds the bookkeeping: minibatch order, the double-Q copies,
// optimizers, counters, checkpoints.
#include "agent/offline_agent.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "agent/checkpoint.h"
#include "agent/logged_session_batches.h"
#include "agent/offline_losses.h"
#include "core/error.h"
#include "core/seeding.h"

namespace shoprl {

namespace {

// Stream of the per-iteration minibatch order and copy choices: make_rng(seed', iteration).
constexpr std::uint64_t kOfflineStream = 0x6f66666c696e65ULL;  // "offline"
constexpr const char* kMetaKey = "offline_agent";

EventRewards event_rewards(const OfflineConfig& c) {
  return {c.click_reward, c.cart_reward, c.purchase_reward};
}

class OfflineAgent final : public Agent {
 public:
  OfflineAgent(const AgentConfig& config, const PolicyNetworkConfig& policy,
               const AgentInputs& inputs)
      : config_(config),
        seed_(inputs.seed),
        device_(inputs.device),
        parallel_(inputs.parallel),
        data_(*inputs.logs, policy.history_length, event_rewards(config.offline),
              "agent inputs (logs)") {
    const std::int64_t items = data_.num_items();
    if (inputs.num_items != 0 && inputs.num_items != items)
      throw DataError(
          fmt::format("offline agent: the logs have {} items but the agent inputs say {}", items,
                      inputs.num_items));
    if (static_cast<std::int64_t>(data_.windows()) < world_size(parallel_))
      throw ConfigError(fmt::format("offline agent: {} training windows for {} ranks",
                                    data_.windows(), world_size(parallel_)));
    if (config.kind == "sa2c" && items < 2)
      throw ConfigError("agent.offline.negatives: sa2c samples negatives, which needs 2 items");
    const int copies = config.kind == "supervised" ? 1 : 2;
    PolicyHeads heads;
    heads.second_item_head = true;
    for (int c = 0; c < copies; ++c) {
      PolicyNetwork net(policy, items, heads);
      net->to(device_);
      networks_.push_back(net);
      optimizers_.push_back(std::make_unique<torch::optim::Adam>(
          net->parameters(),
          torch::optim::AdamOptions(config.learning_rate).weight_decay(config.weight_decay)));
    }
  }

  std::string kind() const override { return config_.kind; }

  IterationMetrics train_iteration(std::int64_t iteration) override {
    const OfflineConfig& c = config_.offline;
    Rng rng = make_rng(derive_seed(seed_, kOfflineStream), static_cast<std::uint64_t>(iteration));
    // In a job, every rank draws the job's minibatches (batch_size per rank) and takes its own
    // slice of each: each epoch's shuffle is split into disjoint shards.
    const auto minibatches =
        data_.minibatches(c.steps_per_iteration, c.batch_size * world_size(parallel_), rng);
    double loss = 0, cross_entropy = 0, q_loss = 0, mean_q = 0, mean_advantage = 0;
    std::int64_t transitions = 0;
    for (const auto& job_windows : minibatches) {
      const RankShard shard = rank_shard(static_cast<std::int64_t>(job_windows.size()), parallel_);
      const std::vector<std::int64_t> windows(job_windows.begin() + shard.begin,
                                              job_windows.begin() + shard.end);
      // Double Q (SQN Sec. 3.3): a fair coin picks the copy to update; the other is the target.
      const std::size_t updated = networks_.size() == 2 ? uniform_index(rng, 2) : 0;
      PolicyNetwork& main = networks_[updated];
      PolicyNetwork* target = networks_.size() == 2 ? &networks_[1 - updated] : nullptr;
      main->train();
      if (target != nullptr) (*target)->eval();

      const LoggedTransitions batch = data_.batch(windows).to(device_);
      OfflineLossOptions options;
      options.kind = config_.kind;
      options.gamma = c.gamma;
      options.negatives = c.negatives;
      options.advantage_weighted = config_.kind == "sa2c" && steps_ >= c.warmup_steps;
      options.q_loss_weight = c.q_loss_weight;
      options.actor_loss_weight = c.actor_loss_weight;
      const OfflineLosses losses = offline_losses(main, target, batch, options);

      torch::optim::Adam& optimizer = *optimizers_[updated];
      optimizer.zero_grad();
      losses.total.backward();
      // The losses are means over this rank's transitions; weighted by their count, the job's
      // step is the step on the job's whole minibatch.
      const std::int64_t batch_transitions = batch.transitions();
      average_gradients(parallel_, main->parameters(), static_cast<double>(batch_transitions));
      if (config_.max_grad_norm > 0)
        torch::nn::utils::clip_grad_norm_(main->parameters(), config_.max_grad_norm);
      optimizer.step();
      ++steps_;

      loss += losses.total.item<double>();
      cross_entropy += losses.cross_entropy.item<double>();
      q_loss += losses.q_loss.item<double>();
      mean_q += losses.mean_q.item<double>();
      mean_advantage += losses.mean_advantage.item<double>();
      transitions += batch_transitions;
    }
    const auto n = static_cast<double>(minibatches.size());
    IterationMetrics metrics = {{"loss", loss / n}, {"ce_loss", cross_entropy / n}};
    if (config_.kind != "supervised") {
      metrics.emplace_back("q_loss", q_loss / n);
      metrics.emplace_back("mean_q", mean_q / n);
    }
    if (config_.kind == "sa2c") {
      metrics.emplace_back("mean_advantage", mean_advantage / n);
      metrics.emplace_back("advantage_weighted", steps_ > c.warmup_steps ? 1.0 : 0.0);
    }
    metrics.emplace_back("transitions", static_cast<double>(transitions));
    metrics.emplace_back("gradient_steps", static_cast<double>(steps_));
    return metrics;
  }

  // The supervised head of the first copy (SQN recommends with it; the paper's code evaluates
  // its first network).
  torch::Tensor policy_scores(const SessionBatch& batch) override {
    torch::NoGradGuard no_grad;
    PolicyNetwork& net = networks_.front();
    net->eval();
    return net->second_item_scores(net->encode(batch.to(device_)));
  }

  SlateRuleConfig evaluation_rule() const override { return config_.evaluation; }
  std::optional<ScoringNetwork> scoring_network() override {
    return ScoringNetwork{networks_.front(), ScoreHead::kSecondItem, 1.0};
  }

  void save(CheckpointWriter& out) override {
    for (std::size_t c = 0; c < networks_.size(); ++c) {
      out.module(fmt::format("offline_network{}", c), *networks_[c]);
      out.optimizer(fmt::format("offline_optimizer{}", c), *optimizers_[c]);
    }
    out.meta()[kMetaKey] = {{"kind", config_.kind}, {"gradient_steps", steps_}};
  }

  void load(const CheckpointReader& in) override {
    if (!in.meta().contains(kMetaKey))
      throw ConfigError(fmt::format("{}: not an offline agent's checkpoint (no {} in state.json)",
                                    in.folder().string(), kMetaKey));
    const auto& meta = in.meta().at(kMetaKey);
    const std::string saved = meta.at("kind").get<std::string>();
    if (saved != config_.kind)
      throw ConfigError(fmt::format("{}: checkpoint of agent.kind {} loaded into agent.kind {}",
                                    in.folder().string(), saved, config_.kind));
    for (std::size_t c = 0; c < networks_.size(); ++c) {
      in.module(fmt::format("offline_network{}", c), *networks_[c]);
      in.optimizer(fmt::format("offline_optimizer{}", c), *optimizers_[c]);
    }
    steps_ = meta.at("gradient_steps").get<std::int64_t>();
  }

  std::vector<torch::Tensor> replicated_tensors() override {
    std::vector<torch::Tensor> out;
    for (const PolicyNetwork& net : networks_)
      for (const torch::Tensor& t : module_state_tensors(*net)) out.push_back(t);
    return out;
  }

 private:
  AgentConfig config_;
  std::uint64_t seed_;
  torch::Device device_;
  DataParallel* parallel_;
  LoggedSessionBatches data_;
  std::vector<PolicyNetwork> networks_;
  std::vector<std::unique_ptr<torch::optim::Adam>> optimizers_;
  std::int64_t steps_ = 0;  // gradient steps taken (sa2c's warm-up counts them)
};

}  // namespace

std::unique_ptr<Agent> make_offline_agent(const AgentConfig& config,
                                          const PolicyNetworkConfig& policy,
                                          const AgentInputs& inputs) {
  if (config.kind != "supervised" && config.kind != "sqn" && config.kind != "sa2c")
    throw ConfigError(fmt::format(
        "agent.kind: '{}' is not an offline agent (supervised, sqn or sa2c)", config.kind));
  if (inputs.logs == nullptr)
    throw ConfigError(
        fmt::format("agent.kind {} learns from logs, but none were given", config.kind));
  return std::make_unique<OfflineAgent>(config, policy, inputs);
}

}  // namespace shoprl
