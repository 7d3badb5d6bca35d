// Maximum-likelihood training of one user model (user_model_training.h).
#include "sim/user_model_training.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include "core/error.h"
#include "core/progress.h"
#include "core/seeding.h"
#include "data/event_type.h"

namespace shoprl {

namespace {

// Random streams of one training run, all under the member's seed.
constexpr std::uint64_t kBootstrapStream = 1;
constexpr std::uint64_t kShuffleStream = 2;
constexpr std::uint64_t kTorchStream = 3;

// Gradients above this norm are scaled down: a recurrent encoder's rare exploding step would
// otherwise undo an epoch of Adam.
constexpr double kMaxGradientNorm = 5.0;

constexpr std::int8_t kClick = static_cast<std::int8_t>(EventType::kClick);

// A batch of sequences padded to its longest, with its targets as flat indices into the
// [B * (T + 1)] states.
struct Batch {
  torch::Tensor items;  // [B, T], -1 padded
  torch::Tensor types;
  torch::Tensor click_state;      // next-item and purchase targets: state before each click
  torch::Tensor click_item;       // the clicked item
  torch::Tensor click_purchased;  // float 0/1: bought later in the session
  torch::Tensor end_state;        // state after each step-closing event
  torch::Tensor end_target;       // float 0/1: the session ended there
};

Batch make_batch(const SessionSequences& data, const std::vector<std::int64_t>& order,
                 std::size_t begin, std::size_t end, const torch::Device& device) {
  std::int64_t longest = 0;
  for (std::size_t k = begin; k < end; ++k)
    longest = std::max(longest, data.length(static_cast<std::size_t>(order[k])));
  const std::int64_t rows = static_cast<std::int64_t>(end - begin);
  const std::int64_t states_per_row = longest + 1;
  std::vector<std::int64_t> items(static_cast<std::size_t>(rows * longest), -1);
  std::vector<std::int64_t> types(items.size(), -1);
  std::vector<std::int64_t> click_state, click_item, end_state;
  std::vector<float> click_purchased, end_target;
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto s = static_cast<std::size_t>(order[begin + static_cast<std::size_t>(r)]);
    const std::int64_t first = data.offsets[s];
    const std::int64_t length = data.length(s);
    for (std::int64_t t = 0; t < length; ++t) {
      const std::size_t e = static_cast<std::size_t>(first + t);
      items[static_cast<std::size_t>(r * longest + t)] = data.items[e];
      types[static_cast<std::size_t>(r * longest + t)] = data.types[e];
      if (data.types[e] == kClick) {
        click_state.push_back(r * states_per_row + t);
        click_item.push_back(data.items[e]);
        click_purchased.push_back(static_cast<float>(data.purchased_later[e]));
      }
      if (data.ends_step[e]) {
        end_state.push_back(r * states_per_row + t + 1);
        end_target.push_back(static_cast<float>(data.last_event[e]));
      }
    }
  }
  const auto to_tensor = [&device](auto& values, torch::Dtype dtype,
                                   std::vector<std::int64_t> shape) {
    if (values.empty()) return torch::empty(shape, torch::TensorOptions(dtype).device(device));
    return torch::from_blob(values.data(), shape, dtype).clone().to(device);
  };
  const auto n = [](const auto& v) { return static_cast<std::int64_t>(v.size()); };
  Batch batch;
  batch.items = to_tensor(items, torch::kInt64, {rows, longest});
  batch.types = to_tensor(types, torch::kInt64, {rows, longest});
  batch.click_state = to_tensor(click_state, torch::kInt64, {n(click_state)});
  batch.click_item = to_tensor(click_item, torch::kInt64, {n(click_item)});
  batch.click_purchased = to_tensor(click_purchased, torch::kFloat32, {n(click_purchased)});
  batch.end_state = to_tensor(end_state, torch::kInt64, {n(end_state)});
  batch.end_target = to_tensor(end_target, torch::kFloat32, {n(end_target)});
  return batch;
}

// The encoder's states of a batch as [B * (T + 1), H], indexed by Batch's flat state indices.
torch::Tensor flat_states(UserModel& model, const Batch& batch) {
  const torch::Tensor states = model->encoder()->forward(batch.items, batch.types);
  return states.reshape({-1, states.size(2)});
}

// Sampled softmax (Jean et al. 2015; Bengio & Senecal 2008): each row scores its own positive
// and S negatives drawn uniformly with replacement and shared by the batch. Every logit is
// lowered by log E[count] of its item under the sampler (the logQ correction); a negative that
// happens to be the row's positive is removed (an "accidental hit"), or it would be counted
// as both. With a uniform sampler the correction is one constant, kept so that the loss stays
// right if the sampler changes.
torch::Tensor sampled_next_item_loss(UserModel& model, const torch::Tensor& states,
                                     const torch::Tensor& targets, int negatives) {
  const std::int64_t num_items = model->num_items();
  const torch::Tensor sampled = torch::randint(
      num_items, {negatives}, torch::TensorOptions().dtype(torch::kInt64).device(states.device()));
  const double log_expected_count =
      std::log(static_cast<double>(negatives) / static_cast<double>(num_items));
  const torch::Tensor positive = model->item_logits(states, targets.unsqueeze(1));  // [N, 1]
  torch::Tensor negative = model->item_logits(
      states, sampled.unsqueeze(0).expand({states.size(0), negatives}));  // [N, S]
  const torch::Tensor hit = sampled.unsqueeze(0) == targets.unsqueeze(1);
  negative = negative.masked_fill(hit, -std::numeric_limits<float>::infinity());
  const torch::Tensor logits = torch::cat({positive, negative}, 1) - log_expected_count;
  return -torch::log_softmax(logits, 1).select(1, 0).mean();
}

bool use_sampled_softmax(const SimTrainingConfig& training, std::int64_t num_items) {
  if (training.softmax == "sampled") return true;
  if (training.softmax == "full") return false;
  return num_items > training.sampled_softmax_above;
}

// A deep copy of the module's parameters and buffers, to keep the best epoch's weights.
std::vector<torch::Tensor> snapshot(torch::nn::Module& module) {
  std::vector<torch::Tensor> copy;
  for (const torch::Tensor& p : module.parameters()) copy.push_back(p.detach().clone());
  for (const torch::Tensor& b : module.buffers()) copy.push_back(b.detach().clone());
  return copy;
}

void restore(torch::nn::Module& module, const std::vector<torch::Tensor>& copy) {
  torch::NoGradGuard no_grad;
  std::size_t k = 0;
  for (torch::Tensor& p : module.parameters()) p.copy_(copy[k++]);
  for (torch::Tensor& b : module.buffers()) b.copy_(copy[k++]);
}

std::vector<std::int64_t> bootstrap_order(std::size_t count, std::uint64_t seed) {
  Rng rng = make_rng(seed, kBootstrapStream);
  std::vector<std::int64_t> order(count);
  for (std::int64_t& s : order) s = static_cast<std::int64_t>(uniform_index(rng, count));
  return order;
}

// Fisher-Yates with the portable uniform_index (std::shuffle's draws differ between libraries).
void shuffle(std::vector<std::int64_t>& order, Rng& rng) {
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[uniform_index(rng, i)]);
}

}  // namespace

UserModelLosses evaluate_user_model(UserModel& model, const SessionSequences& sequences,
                                    const std::string& device, int batch_size) {
  const torch::Device torch_device(device);
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  std::vector<std::int64_t> order(sequences.size());
  std::iota(order.begin(), order.end(), 0);
  double next_item = 0, purchase = 0, end = 0;
  UserModelLosses losses;
  for (std::size_t begin = 0; begin < order.size(); begin += static_cast<std::size_t>(batch_size)) {
    const std::size_t stop = std::min(order.size(), begin + static_cast<std::size_t>(batch_size));
    const Batch batch = make_batch(sequences, order, begin, stop, torch_device);
    const torch::Tensor states = flat_states(model, batch);
    if (batch.click_state.numel() > 0) {
      const torch::Tensor at_click = states.index_select(0, batch.click_state);
      const torch::Tensor nll =
          model->log_normalizer(at_click) -
          model->item_logits(at_click, batch.click_item.unsqueeze(1)).squeeze(1);
      next_item += nll.sum().item<double>();
      const torch::Tensor purchase_logits =
          model->purchase_logits(at_click, batch.click_item.unsqueeze(1)).squeeze(1);
      purchase += torch::binary_cross_entropy_with_logits(purchase_logits, batch.click_purchased,
                                                          {}, {}, at::Reduction::Sum)
                      .item<double>();
      losses.next_item_targets += batch.click_state.numel();
      losses.purchase_targets += batch.click_state.numel();
    }
    if (batch.end_state.numel() > 0) {
      const torch::Tensor end_logits = model->end_logits(states.index_select(0, batch.end_state));
      end += torch::binary_cross_entropy_with_logits(end_logits, batch.end_target, {}, {},
                                                     at::Reduction::Sum)
                 .item<double>();
      losses.end_targets += batch.end_state.numel();
    }
  }
  const auto mean = [](double sum, std::int64_t count) {
    return count > 0 ? sum / static_cast<double>(count) : 0.0;
  };
  losses.next_item_nll = mean(next_item, losses.next_item_targets);
  losses.purchase_nll = mean(purchase, losses.purchase_targets);
  losses.end_nll = mean(end, losses.end_targets);
  model->train(was_training);
  return losses;
}

UserModel train_user_model(const SimConfig& config, const SessionSequences& train,
                           const SessionSequences& valid, std::uint64_t seed,
                           const std::string& device, TrainingSummary* summary) {
  const SimTrainingConfig& training = config.training;
  if (train.num_items != valid.num_items)
    throw DataError(
        fmt::format("user model: train and valid sequences disagree on the catalogue "
                    "({} against {} items)",
                    train.num_items, valid.num_items));
  if (train.size() == 0 || valid.size() == 0)
    throw DataError("user model: the train and valid splits both need sequences");
  torch::manual_seed(derive_seed(seed, kTorchStream));
  const torch::Device torch_device(device);
  UserModel model(config.model, train.num_items);
  model->to(torch_device);
  torch::optim::Adam optimizer(
      model->parameters(),
      torch::optim::AdamOptions(training.learning_rate).weight_decay(training.weight_decay));
  const bool sampled = use_sampled_softmax(training, train.num_items);

  std::vector<std::int64_t> order;
  if (training.bootstrap) {
    order = bootstrap_order(train.size(), seed);
  } else {
    order.resize(train.size());
    std::iota(order.begin(), order.end(), 0);
  }
  Rng shuffle_rng = make_rng(seed, kShuffleStream);

  TrainingSummary result;
  std::vector<torch::Tensor> best_weights = snapshot(*model);
  double best_nll = std::numeric_limits<double>::infinity();
  int epochs_without_gain = 0;
  for (int epoch = 1; epoch <= training.epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    model->train();
    shuffle(order, shuffle_rng);
    double loss_sum = 0;
    int batches = 0;
    const std::size_t batch_count =
        (order.size() + static_cast<std::size_t>(training.batch_size) - 1) /
        static_cast<std::size_t>(training.batch_size);
    Progress progress(fmt::format("user model epoch {}/{}", epoch, training.epochs), batch_count,
                      "batches");
    for (std::size_t begin = 0; begin < order.size();
         begin += static_cast<std::size_t>(training.batch_size)) {
      const std::size_t stop =
          std::min(order.size(), begin + static_cast<std::size_t>(training.batch_size));
      const Batch batch = make_batch(train, order, begin, stop, torch_device);
      const torch::Tensor states = flat_states(model, batch);
      torch::Tensor loss = torch::zeros({}, states.options());
      if (batch.click_state.numel() > 0) {
        const torch::Tensor at_click = states.index_select(0, batch.click_state);
        loss = loss + (sampled ? sampled_next_item_loss(model, at_click, batch.click_item,
                                                        training.sampled_negatives)
                               : torch::cross_entropy_loss(model->item_logits(at_click),
                                                           batch.click_item));
        const torch::Tensor purchase_logits =
            model->purchase_logits(at_click, batch.click_item.unsqueeze(1)).squeeze(1);
        loss = loss + training.purchase_weight * torch::binary_cross_entropy_with_logits(
                                                     purchase_logits, batch.click_purchased);
      }
      if (batch.end_state.numel() > 0) {
        const torch::Tensor end_logits = model->end_logits(states.index_select(0, batch.end_state));
        loss = loss + training.end_weight *
                          torch::binary_cross_entropy_with_logits(end_logits, batch.end_target);
      }
      optimizer.zero_grad();
      loss.backward();
      torch::nn::utils::clip_grad_norm_(model->parameters(), kMaxGradientNorm);
      optimizer.step();
      loss_sum += loss.item<double>();
      ++batches;
      progress.update(static_cast<std::uint64_t>(batches));
    }
    progress.finish();

    EpochRecord record;
    record.epoch = epoch;
    record.train_loss = batches > 0 ? loss_sum / batches : 0.0;
    record.valid = evaluate_user_model(model, valid, device);
    record.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.epochs.push_back(record);
    spdlog::info(
        "user model epoch {}/{}: train loss {:.4f}; valid NLL next item {:.4f}, purchase {:.4f}, "
        "end {:.4f} ({:.1f} s)",
        epoch, training.epochs, record.train_loss, record.valid.next_item_nll,
        record.valid.purchase_nll, record.valid.end_nll, record.seconds);

    if (record.valid.next_item_nll < best_nll) {
      best_nll = record.valid.next_item_nll;
      result.best_epoch = epoch;
      result.best_valid = record.valid;
      best_weights = snapshot(*model);
      epochs_without_gain = 0;
    } else if (++epochs_without_gain >= training.patience) {
      result.stopped_early = epoch < training.epochs;
      break;
    }
  }
  restore(*model, best_weights);
  model->eval();
  if (result.best_epoch == 0)
    throw DataError("user model: training produced no finite valid log-likelihood (NaN losses)");
  spdlog::info("user model: best epoch {} (valid next-item NLL {:.4f}){}", result.best_epoch,
               result.best_valid.next_item_nll, result.stopped_early ? ", stopped early" : "");
  if (summary != nullptr) *summary = std::move(result);
  return model;
}

}  // namespace shoprl
