// REINFORCE from logs with the top-K off-policy correction (topk_reinforce_agent.h).
#include "agent/topk_reinforce_agent.h"

#include <fmt/format.h>

#include <numeric>
#include <vector>

#include "agent/checkpoint.h"
#include "agent/logged_click_steps.h"
#include "agent/off_policy_correction.h"
#include "agent/policy_gradient_loss.h"
#include "core/error.h"
#include "core/seeding.h"

namespace shoprl {

namespace {

constexpr std::uint64_t kMinibatchStream = 0x6d696e6962617463ULL;  // "minibatc"

class TopKReinforceAgent final : public Agent {
 public:
  TopKReinforceAgent(const AgentConfig& config, const PolicyNetworkConfig& network,
                     const AgentInputs& inputs, std::int64_t num_items)
      : config_(config),
        device_(inputs.device),
        seed_(inputs.seed),
        parallel_(inputs.parallel),
        k_(config.pg.topk > 0 ? config.pg.topk : inputs.slate_size),
        learned_behaviour_(config.pg.behaviour == "learned"),
        steps_(
            logged_click_steps(*inputs.logs, Split::kTrain, config.gamma, network.history_length)),
        network_(network, num_items, PolicyHeads{learned_behaviour_, /*value_head=*/false}),
        optimizer_(
            network_->parameters(),
            torch::optim::AdamOptions(config.learning_rate).weight_decay(config.weight_decay)) {
    network_->to(device_);
  }

  std::string kind() const override { return config_.kind; }

  IterationMetrics train_iteration(std::int64_t iteration) override {
    const torch::Tensor index = minibatch(iteration);
    const torch::Tensor action = steps_.action.index_select(0, index).to(device_);
    const torch::Tensor returns = steps_.returns.index_select(0, index).to(device_);

    network_->train();
    const torch::Tensor state = network_->encode(steps_.states(index).to(device_));
    const torch::Tensor logits = network_->item_scores(state) / config_.pg.temperature;
    const torch::Tensor log_pi = torch::log_softmax(logits, 1);
    const torch::Tensor log_pi_action = log_pi.gather(1, action.unsqueeze(1)).squeeze(1);
    const torch::Tensor pi_action = log_pi_action.detach().exp();
    const torch::Tensor entropy = softmax_entropy(logits).mean();

    torch::Tensor behaviour_loss = torch::zeros({}, logits.options());
    torch::Tensor beta_action;
    if (learned_behaviour_) {
      // Chen et al. section 4.2: beta's head reads the shared state, but its gradient is
      // blocked there (detach), so that fitting the logging policy does not pull the state
      // toward it.
      const torch::Tensor log_beta =
          torch::log_softmax(network_->second_item_scores(state.detach()), 1);
      behaviour_loss = torch::nll_loss(log_beta, action);
      beta_action = log_beta.gather(1, action.unsqueeze(1)).squeeze(1).detach().exp();
    } else {
      beta_action = steps_.propensity.index_select(0, index).to(device_);
    }

    const double cap = config_.pg.weight_cap;
    const torch::Tensor weights = capped_importance_weights(pi_action, beta_action, cap);
    const torch::Tensor multiplier = topk_multiplier(pi_action, k_);
    torch::Tensor factor;  // what multiplies R_t grad log pi(a_t | s_t)
    if (config_.pg.correction == "topk")
      factor = weights * multiplier;
    else if (config_.pg.correction == "importance")
      factor = weights;
    else
      factor = torch::ones_like(pi_action);
    const torch::Tensor weighted = factor * returns * log_pi_action;
    const torch::Tensor policy_loss = config_.pg.self_normalize
                                          ? -weighted.sum() / factor.sum().clamp_min(1e-12)
                                          : -weighted.mean();
    const torch::Tensor loss = policy_loss + config_.pg.behaviour_weight * behaviour_loss -
                               config_.pg.entropy_weight * entropy;
    optimizer_.zero_grad();
    loss.backward();
    // Means over this rank's logged steps, weighted by their count (data_parallel.h).
    average_gradients(parallel_, network_->parameters(), static_cast<double>(index.size(0)));
    const double grad_norm =
        config_.max_grad_norm > 0
            ? torch::nn::utils::clip_grad_norm_(network_->parameters(), config_.max_grad_norm)
            : 0.0;
    optimizer_.step();

    const WeightStatistics stats = weight_statistics(pi_action, beta_action, cap);
    const std::int64_t total = steps_.size();
    return {{"loss", loss.item<double>()},
            {"policy_loss", policy_loss.item<double>()},
            {"behaviour_loss", behaviour_loss.item<double>()},
            {"entropy", entropy.item<double>()},
            {"return", returns.mean().item<double>()},
            {"weight_mean", stats.mean},
            {"weight_max", stats.max},
            {"weight_capped_fraction", stats.capped_fraction},
            {"weight_ess", stats.effective_sample_size},
            {"topk_multiplier_mean", multiplier.mean().item<double>()},
            {"pi_mean", pi_action.mean().item<double>()},
            {"beta_mean", beta_action.mean().item<double>()},
            {"epoch", static_cast<double>(iteration * job_batch_size() / total)},
            {"grad_norm", grad_norm}};
  }

  torch::Tensor policy_scores(const SessionBatch& batch) override {
    torch::NoGradGuard no_grad;
    network_->eval();
    return network_->item_scores(network_->encode(batch.to(device_))) / config_.pg.temperature;
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
  // The steps of one update over the whole job: batch_size per rank.
  std::int64_t job_batch_size() const { return config_.pg.batch_size * world_size(parallel_); }

  // Iteration i takes positions [i B, (i + 1) B) of an endless sequence of epochs, each a
  // permutation of the logged steps drawn from (seed, epoch): every step is visited once per
  // epoch, and the minibatch is a function of (seed, iteration) alone, so resume is exact. In a
  // job B is the job's batch and each rank takes its own slice of it, so the ranks' shards of
  // an epoch are disjoint.
  torch::Tensor minibatch(std::int64_t iteration) {
    const std::int64_t total = steps_.size();
    const RankShard shard = rank_shard(job_batch_size(), parallel_);
    std::vector<std::int64_t> picked;
    picked.reserve(static_cast<std::size_t>(shard.size()));
    for (std::int64_t position = iteration * job_batch_size() + shard.begin;
         position < iteration * job_batch_size() + shard.end; ++position) {
      const std::int64_t epoch = position / total;
      if (epoch != permutation_epoch_) shuffle_epoch(epoch);
      picked.push_back(permutation_[static_cast<std::size_t>(position % total)]);
    }
    return torch::tensor(picked, torch::kInt64);
  }

  void shuffle_epoch(std::int64_t epoch) {
    permutation_.resize(static_cast<std::size_t>(steps_.size()));
    std::iota(permutation_.begin(), permutation_.end(), std::int64_t{0});
    Rng rng = make_rng(derive_seed(seed_, kMinibatchStream), static_cast<std::uint64_t>(epoch));
    for (std::size_t i = permutation_.size(); i > 1; --i)
      std::swap(permutation_[i - 1], permutation_[uniform_index(rng, i)]);
    permutation_epoch_ = epoch;
  }

  AgentConfig config_;
  torch::Device device_;
  std::uint64_t seed_;
  DataParallel* parallel_;
  int k_;
  bool learned_behaviour_;
  LoggedClickSteps steps_;
  PolicyNetwork network_;
  torch::optim::Adam optimizer_;
  // A cache of the current epoch's order, recomputed from (seed, epoch): not state.
  std::vector<std::int64_t> permutation_;
  std::int64_t permutation_epoch_ = -1;
};

}  // namespace

std::unique_ptr<Agent> make_topk_reinforce_agent(const AgentConfig& config,
                                                 const PolicyNetworkConfig& network,
                                                 const AgentInputs& inputs) {
  if (config.kind != "topk_reinforce")
    throw ConfigError(fmt::format("agent.kind: '{}' is not topk_reinforce", config.kind));
  if (inputs.logs == nullptr)
    throw ConfigError("agent.kind topk_reinforce: learns from logged sessions and needs logs");
  const auto logged_items = static_cast<std::int64_t>(inputs.logs->num_items());
  if (inputs.num_items > 0 && inputs.num_items != logged_items)
    throw DataError(fmt::format("topk_reinforce: the logs hold {} items, the catalogue {}",
                                logged_items, inputs.num_items));
  const int k = config.pg.topk > 0 ? config.pg.topk : inputs.slate_size;
  if (k < 1 || k > logged_items)
    throw ConfigError(fmt::format("agent.pg.topk: K = {} with {} items", k, logged_items));
  return std::make_unique<TopKReinforceAgent>(config, network, inputs, logged_items);
}

}  // namespace shoprl
