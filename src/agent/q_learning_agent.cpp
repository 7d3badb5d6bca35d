// The DQN family's shared loop (q_learning_agent.h).
#include "agent/q_learning_agent.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "agent/checkpoint.h"
#include "agent/rollout.h"
#include "core/error.h"
#include "core/seeding.h"
#include "policy/slate_sampling.h"

namespace shoprl {

namespace {

constexpr std::uint64_t kReplayStream = 0x7265706c6179ULL;  // "replay"

}  // namespace

QLearningAgent::QLearningAgent(const AgentConfig& config, const PolicyNetworkConfig& network,
                               const AgentInputs& inputs, const PolicyHeads& heads)
    : config_(config),
      inputs_(inputs),
      replay_(config.dqn.replay_capacity, network.history_length, inputs.slate_size) {
  if (inputs.env == nullptr)
    throw ConfigError(fmt::format("agent.kind {}: needs an environment to act in", config.kind));
  if (inputs.slate_size != inputs.env->slate_size() || inputs.num_items != inputs.env->num_items())
    throw ConfigError(fmt::format(
        "agent.kind {}: the agent expects slates of {} from {} items, the environment has {} "
        "from {}",
        config.kind, inputs.slate_size, inputs.num_items, inputs.env->slate_size(),
        inputs.env->num_items()));
  if (inputs.slate_size > inputs.num_items)
    throw ConfigError(fmt::format("agent.kind {}: slates of {} from a catalogue of {}", config.kind,
                                  inputs.slate_size, inputs.num_items));
  online_ = PolicyNetwork(network, inputs.num_items, heads);
  target_ = PolicyNetwork(network, inputs.num_items, heads);
  online_->to(inputs.device);
  target_->to(inputs.device);
  copy_parameters(target_, online_);
  for (auto& parameter : target_->parameters()) parameter.set_requires_grad(false);
  target_->eval();
  optimizer_ = std::make_unique<torch::optim::Adam>(
      online_->parameters(),
      torch::optim::AdamOptions(config.learning_rate).weight_decay(config.weight_decay));
}

double QLearningAgent::epsilon(std::int64_t iteration) const {
  const DqnConfig& dqn = config_.dqn;
  if (dqn.epsilon_decay_iterations <= 0) return dqn.epsilon_end;
  const double progress =
      std::min(1.0, static_cast<double>(iteration) / dqn.epsilon_decay_iterations);
  return dqn.epsilon_start + (dqn.epsilon_end - dqn.epsilon_start) * progress;
}

torch::Tensor QLearningAgent::policy_scores(const SessionBatch& batch) {
  torch::NoGradGuard no_grad;
  online_->eval();
  return greedy_scores(online_, batch.to(inputs_.device));
}

IterationMetrics QLearningAgent::train_iteration(std::int64_t iteration) {
  const DqnConfig& dqn = config_.dqn;
  SlateRuleConfig explore;
  explore.rule = "epsilon_greedy";
  explore.epsilon = epsilon(iteration);

  // In a job, this rank plays users [rank * users, (rank + 1) * users) of the job's rollout.
  RolloutShare share;
  share.first_user = rank_of(inputs_.parallel) * inputs_.users;
  share.keyed_noise = inputs_.parallel != nullptr;
  const Rollout rollout = collect_rollout(
      *inputs_.env, derive_seed(inputs_.seed, static_cast<std::uint64_t>(iteration)), inputs_.users,
      [&](const SessionBatch& rows, const SlateNoise& noise) {
        torch::NoGradGuard no_grad;
        online_->eval();
        const torch::Tensor scores = greedy_scores(online_, rows.to(inputs_.device));
        const SampledSlates slates = sample_slates(scores, slate_size(), explore, noise);
        return RolloutAction{slates.items, slates.log_prob};
      },
      share);
  replay_.add(rollout, dqn.n_step, config_.gamma);

  double loss_sum = 0, td_sum = 0, q_sum = 0, choice_sum = 0;
  int updates = 0;
  bool ready = replay_.size() >= std::max<std::int64_t>(dqn.learning_starts, 1);
  // Every rank must take the same steps: in a job, updates start once every rank's buffer is.
  if (inputs_.parallel != nullptr)
    ready = sum_over_ranks(inputs_.parallel, {ready ? 1.0 : 0.0}).front() ==
            world_size(inputs_.parallel);
  if (ready) {
    // Rank 0 (and a plain run) samples from the stream it always did; other ranks from their own.
    const std::uint64_t stream =
        rank_of(inputs_.parallel) == 0
            ? derive_seed(inputs_.seed, kReplayStream)
            : derive_seed(inputs_.seed, kReplayStream,
                          static_cast<std::uint64_t>(rank_of(inputs_.parallel)));
    Rng rng = make_rng(stream, static_cast<std::uint64_t>(iteration));
    online_->train();
    for (int u = 0; u < dqn.updates_per_iteration; ++u) {
      const ReplayBatch batch = replay_.sample(dqn.batch_size, rng).to(inputs_.device);
      const LossTerms terms = loss(batch);
      optimizer_->zero_grad();
      terms.loss.backward();
      // Every rank's minibatch has batch_size transitions: a plain mean over ranks.
      average_gradients(inputs_.parallel, online_->parameters(), 1.0);
      if (config_.max_grad_norm > 0)
        torch::nn::utils::clip_grad_norm_(online_->parameters(), config_.max_grad_norm);
      optimizer_->step();
      if (dqn.target_update == "soft") soft_update(target_, online_, dqn.tau);
      loss_sum += terms.loss.item<double>();
      td_sum += terms.td_error;
      q_sum += terms.q_mean;
      choice_sum += terms.choice_log_likelihood;
      ++updates;
      ++gradient_steps_;
    }
  }
  if (dqn.target_update == "hard" && (iteration + 1) % dqn.target_period == 0)
    copy_parameters(target_, online_);
  iterations_done_ = iteration + 1;

  const RolloutSummary summary = summarize(rollout);
  const double per_update = updates > 0 ? 1.0 / updates : 0.0;
  IterationMetrics metrics = {{"loss", loss_sum * per_update},
                              {"td_error", td_sum * per_update},
                              {"q_mean", q_sum * per_update},
                              {"epsilon", explore.epsilon},
                              {"return", summary.mean_return},
                              {"click_through", summary.click_through},
                              {"conversion", summary.conversion},
                              {"session_length", summary.mean_length},
                              {"replay_size", static_cast<double>(replay_.size())},
                              {"gradient_steps", static_cast<double>(gradient_steps_)}};
  if (has_choice_model()) metrics.emplace_back("choice_log_likelihood", choice_sum * per_update);
  return metrics;
}

void QLearningAgent::save(CheckpointWriter& out) {
  out.module("online", *online_);
  out.module("target", *target_);
  out.optimizer("optimizer", *optimizer_);
  // In a job the replay buffer is per rank: the training loop saves it (rank_state()).
  if (config_.dqn.checkpoint_replay && inputs_.parallel == nullptr)
    out.tensors("replay", replay_.state());
  out.meta()["dqn"] = {{"gradient_steps", gradient_steps_},
                       {"iterations", iterations_done_},
                       {"replay_saved", config_.dqn.checkpoint_replay},
                       {"replay_size", replay_.size()}};
}

void QLearningAgent::load(const CheckpointReader& in) {
  in.module("online", *online_);
  in.module("target", *target_);
  for (auto& parameter : target_->parameters()) parameter.set_requires_grad(false);
  in.optimizer("optimizer", *optimizer_);
  const nlohmann::json& meta = in.meta();
  if (!meta.contains("dqn"))
    throw DataError(fmt::format("{}: state.json lacks the dqn counters", in.folder().string()));
  gradient_steps_ = meta["dqn"].at("gradient_steps").get<std::int64_t>();
  iterations_done_ = meta["dqn"].at("iterations").get<std::int64_t>();
  // In a job each rank's own buffer comes through load_rank_state().
  if (inputs_.parallel == nullptr)
    load_rank_state(
        in.has("replay") ? in.tensors("replay") : std::map<std::string, torch::Tensor>{},
        (in.folder() / "replay.pt").string());
}

std::vector<torch::Tensor> QLearningAgent::replicated_tensors() {
  std::vector<torch::Tensor> out = module_state_tensors(*online_);
  for (const torch::Tensor& t : module_state_tensors(*target_)) out.push_back(t);
  return out;
}

std::map<std::string, torch::Tensor> QLearningAgent::rank_state() {
  if (!config_.dqn.checkpoint_replay) return {};
  return replay_.state();
}

void QLearningAgent::load_rank_state(const std::map<std::string, torch::Tensor>& state,
                                     const std::string& source) {
  if (state.empty()) {
    replay_ = ReplayBuffer(replay_.capacity(), replay_.window(), inputs_.slate_size);
    spdlog::warn(
        "{}: no replay buffer in the checkpoint (agent.dqn.checkpoint_replay was off): training "
        "resumes with an empty buffer, so it will not repeat an uninterrupted run",
        std::filesystem::path(source).parent_path().string());
    return;
  }
  replay_.load_state(state, source);
}

}  // namespace shoprl
