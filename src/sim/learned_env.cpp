#include "sim/learned_env.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/error.h"
#include "data/event_type.h"
#include "sim/fitted_simulator.h"

namespace shoprl {
namespace {

// The uniforms a user draws per step, always all of them and in this order, so that her
// stream never depends on what happened (or on the other users).
enum StepUniform : int { kChoiceU, kBuyU, kGateU, kOrganicU, kLeaveU, kStepUniforms };
// The per-user outcome of a step, downloaded as one [N, kOutcomes] double tensor.
enum Outcome : int { kSlot, kBought, kOrganic, kLeave, kDisagreement, kOutcomes };

constexpr auto kClickType = static_cast<std::int64_t>(EventType::kClick);
constexpr auto kPurchaseType = static_cast<std::int64_t>(EventType::kPurchase);

// Inverse CDF on a non-decreasing row: the first index whose cumulative probability exceeds u
// (clamped, so a total that rounds below u still yields the last index).
std::int64_t inverse_cdf(const std::vector<double>& cdf, double u) {
  const auto it = std::upper_bound(cdf.begin(), cdf.end(), u * cdf.back());
  return std::min<std::int64_t>(it - cdf.begin(), static_cast<std::int64_t>(cdf.size()) - 1);
}

}  // namespace

struct LearnedEnv::State {
  explicit State(const std::string& device_name) : device(device_name) {}

  torch::Device device;
  std::vector<UserModel> members;
  ResponseCalibration calibration;
  bool incremental = true;  // GRU: recurrent states; attention: re-encode a window of events
  int window = 0;           // attention: events re-encoded (the model's max_length)

  torch::Tensor position_bias;                  // [K] on the device
  std::vector<torch::Tensor> initial_states;    // GRU, per member: [layers, 1, H]
  std::vector<torch::Tensor> empty_outputs;     // per member: [1, H], the empty session's state
  std::vector<std::vector<double>> entry_cdfs;  // per member: cumulative p(item | start), CPU

  // Per member, the state of every user after the events of her session so far.
  std::vector<torch::Tensor> recurrent;  // GRU: [layers, N, H]
  std::vector<torch::Tensor> outputs;    // [N, H]

  // Attention: each user's last `window` events, oldest first, -1 padded (CPU).
  std::vector<std::int64_t> window_items;
  std::vector<std::int64_t> window_types;
  std::vector<std::int64_t> window_lengths;

  // Per user, on the CPU.
  std::vector<std::int32_t> member;
  torch::Tensor member_index;  // the same, [N] int64 on the device
  std::vector<std::int32_t> entry_item;
  std::vector<float> uniforms;  // [N, kStepUniforms]
  std::vector<double> outcome;  // [N, kOutcomes]
  std::vector<float> disagreement;
  std::vector<double> leave_state;  // [N, calibration.leave.state_size()] when the hazard decides

  torch::TensorOptions longs() const { return torch::TensorOptions(torch::kLong).device(device); }
  std::int64_t batch() const { return static_cast<std::int64_t>(member.size()); }

  // Attention only: re-encodes the windows of `rows` (CPU int64 indices) with every member.
  void encode_windows(const torch::Tensor& rows) {
    if (rows.numel() == 0) return;
    const std::int64_t n = batch();
    const auto cpu_long = torch::TensorOptions(torch::kLong);
    const torch::Tensor items =
        torch::from_blob(window_items.data(), {n, window}, cpu_long).index_select(0, rows);
    const torch::Tensor types =
        torch::from_blob(window_types.data(), {n, window}, cpu_long).index_select(0, rows);
    const torch::Tensor lengths =
        torch::from_blob(window_lengths.data(), {n}, cpu_long).index_select(0, rows);
    const torch::Tensor items_d = items.to(device), types_d = types.to(device);
    const torch::Tensor lengths_d = lengths.to(device), rows_d = rows.to(device);
    for (std::size_t m = 0; m < members.size(); ++m)
      outputs[m].index_copy_(0, rows_d,
                             members[m]->encoder()->last_state(items_d, types_d, lengths_d));
  }

  void append_to_window(std::size_t i, std::int64_t item, std::int64_t type) {
    std::int64_t* items = &window_items[i * window];
    std::int64_t* types = &window_types[i * window];
    std::int64_t& length = window_lengths[i];
    if (length == window) {
      std::memmove(items, items + 1, (window - 1) * sizeof(std::int64_t));
      std::memmove(types, types + 1, (window - 1) * sizeof(std::int64_t));
      --length;
    }
    items[length] = item;
    types[length] = type;
    ++length;
  }
};

LearnedEnv::LearnedEnv(FittedSimulator& simulator, const EnvConfig& config,
                       double uncertainty_penalty, const std::string& device)
    : BatchEnv(config, simulator.num_items),
      uncertainty_penalty_(uncertainty_penalty),
      state_(std::make_unique<State>(device)) {
  State& s = *state_;
  if (simulator.members.empty())
    throw ConfigError("learned environment: the simulator has no members");
  const ResponseCalibration& calibration = simulator.calibration;
  if (static_cast<int>(calibration.position_bias.size()) < config.slate_size)
    throw ConfigError(
        fmt::format("env.slate_size: {} slots, but the simulator's response was calibrated for {}",
                    config.slate_size, calibration.position_bias.size()));
  s.calibration = calibration;
  torch::NoGradGuard no_grad;
  for (std::size_t m = 0; m < simulator.members.size(); ++m) {
    UserModel& model = simulator.members[m];
    if (model->num_items() != simulator.num_items)
      throw ConfigError(fmt::format("learned environment: member {} has {} items, the simulator {}",
                                    m, model->num_items(), simulator.num_items));
    model->to(s.device);
    model->eval();  // no dropout while simulating
    s.members.push_back(model);
  }
  SessionEncoder& encoder = s.members.front()->encoder();
  s.incremental = encoder->incremental();
  s.window = encoder->options().max_length;
  s.position_bias =
      torch::tensor(std::vector<double>(calibration.position_bias.begin(),
                                        calibration.position_bias.begin() + config.slate_size))
          .to(torch::kFloat)
          .to(s.device);
  for (UserModel& model : s.members) {
    torch::Tensor empty;
    if (s.incremental) {
      s.initial_states.push_back(model->encoder()->initial_state(1));
      empty = SessionEncoderImpl::output(s.initial_states.back());
    } else {
      const torch::Tensor pad = torch::full({1, 1}, -1, s.longs());
      empty = model->encoder()->last_state(pad, pad, torch::zeros({1}, s.longs()));
    }
    s.empty_outputs.push_back(empty);
    // p(item | start), where every session begins (its entry event); one CDF per member.
    const torch::Tensor p =
        torch::softmax(model->item_logits(empty).to(torch::kDouble), 1).cumsum(1).to(torch::kCPU);
    s.entry_cdfs.emplace_back(p.data_ptr<double>(), p.data_ptr<double>() + p.numel());
  }
}

LearnedEnv::~LearnedEnv() = default;

const float* LearnedEnv::disagreements() const { return state_->disagreement.data(); }
int LearnedEnv::member(std::size_t i) const { return state_->member[i]; }

void LearnedEnv::allocate(std::int64_t batch_size) {
  State& s = *state_;
  torch::NoGradGuard no_grad;
  const std::size_t n = batch_size;
  s.recurrent.clear();
  s.outputs.clear();
  for (std::size_t m = 0; m < s.members.size(); ++m) {
    s.outputs.push_back(s.empty_outputs[m].expand({batch_size, -1}).contiguous());
    if (s.incremental)
      s.recurrent.push_back(s.initial_states[m].expand({-1, batch_size, -1}).contiguous());
  }
  if (!s.incremental) {
    s.window_items.assign(n * s.window, kPad);
    s.window_types.assign(n * s.window, kPad);
    s.window_lengths.assign(n, 0);
  }
  s.member.assign(n, 0);
  s.member_index = torch::zeros({batch_size}, s.longs());
  s.entry_item.assign(n, -1);
  s.uniforms.assign(n * kStepUniforms, 0.0f);
  s.outcome.assign(n * kOutcomes, 0.0);
  s.disagreement.assign(n, 0.0f);
  s.leave_state.assign(n * s.calibration.leave.state_size(), 0.0);
}

void LearnedEnv::prepare_sessions(const std::uint8_t* starting) {
  State& s = *state_;
  torch::NoGradGuard no_grad;
  const std::int64_t n = batch_size();
  const auto members = static_cast<std::uint64_t>(s.members.size());
  std::vector<std::int64_t> rows;
  std::vector<std::int64_t> entry(n, 0);
  std::vector<std::uint8_t> mask(n, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    if (!starting[i]) continue;
    RandomStream& r = rng(i);
    s.member[i] = static_cast<std::int32_t>(r.index(members));
    // The entry event: p(item | start) of the member answering this session.
    s.entry_item[i] =
        static_cast<std::int32_t>(inverse_cdf(s.entry_cdfs[s.member[i]], r.uniform()));
    entry[i] = s.entry_item[i];
    mask[i] = 1;
    s.calibration.leave.reset(&s.leave_state[i * s.calibration.leave.state_size()]);
    rows.push_back(i);
  }
  if (rows.empty()) return;
  s.member_index =
      torch::from_blob(s.member.data(), {n}, torch::kInt).to(s.device).to(torch::kLong);

  if (s.incremental) {
    const torch::Tensor starts =
        torch::from_blob(mask.data(), {n}, torch::kUInt8).to(torch::kBool).to(s.device);
    const torch::Tensor items = torch::tensor(entry, torch::kLong).to(s.device);
    const torch::Tensor types = torch::full({n}, kClickType, s.longs());
    for (std::size_t m = 0; m < s.members.size(); ++m) {
      torch::Tensor fresh =
          torch::where(starts.view({1, n, 1}), s.initial_states[m], s.recurrent[m]);
      s.recurrent[m] = s.members[m]->encoder()->advance(fresh, items, types, starts);
      s.outputs[m] = SessionEncoderImpl::output(s.recurrent[m]);
    }
    return;
  }
  for (std::int64_t i : rows) {
    s.window_lengths[i] = 0;
    std::fill_n(&s.window_items[i * s.window], s.window, kPad);
    std::fill_n(&s.window_types[i * s.window], s.window, kPad);
    s.append_to_window(i, entry[i], kClickType);
  }
  s.encode_windows(torch::tensor(rows, torch::kLong));
}

void LearnedEnv::begin_sessions(std::size_t begin, std::size_t end, const std::uint8_t* starting) {
  for (std::size_t i = begin; i < end; ++i)
    if (starting[i]) entry_item_[i] = state_->entry_item[i];
}

void LearnedEnv::prepare_step(const std::int32_t* slates) {
  State& s = *state_;
  torch::NoGradGuard no_grad;
  const std::int64_t n = batch_size();
  const std::int64_t k = slate_size();
  const auto members = static_cast<std::int64_t>(s.members.size());
  const EnvConfig& env = env_config();

  for (std::int64_t i = 0; i < n; ++i) {
    RandomStream& r = rng(i);
    for (int j = 0; j < kStepUniforms; ++j)
      s.uniforms[i * kStepUniforms + j] = static_cast<float>(r.uniform());
  }
  const torch::Tensor u = torch::from_blob(s.uniforms.data(), {n, kStepUniforms}).to(s.device);
  const torch::Tensor slate =
      torch::from_blob(const_cast<std::int32_t*>(slates), {n, k}, torch::kInt)
          .to(s.device)
          .to(torch::kLong);

  // Every member scores the slate: an MNL over the K shown items (log-weight = preference
  // scale x model log-probability - position bias) and "no click" (log-weight
  // no_click_utility).
  const torch::Tensor no_click =
      torch::full({n, 1}, static_cast<float>(s.calibration.no_click_utility),
                  torch::TensorOptions(torch::kFloat).device(s.device));
  std::vector<torch::Tensor> choice(members), buy(members), reward(members);
  for (std::int64_t m = 0; m < members; ++m) {
    UserModel& model = s.members[m];
    const torch::Tensor& h = s.outputs[m];
    const torch::Tensor log_p =
        model->item_logits(h, slate) - model->log_normalizer(h).unsqueeze(1);
    choice[m] = torch::softmax(
        torch::cat({s.calibration.preference_scale * log_p - s.position_bias, no_click}, 1), 1);
    buy[m] = torch::sigmoid(model->purchase_logits(h, slate));
    reward[m] =
        (choice[m].narrow(1, 0, k) * (env.click_reward + env.purchase_reward * buy[m])).sum(1);
  }
  // Population standard deviation across members of the expected reward (0 for one member).
  const torch::Tensor rewards = torch::stack(reward);  // [members, N]
  const torch::Tensor disagreement = (rewards - rewards.mean(0, true)).pow(2).mean(0).sqrt();

  // The answering member's probabilities decide.
  const torch::Tensor rows = torch::arange(n, s.longs());
  torch::Tensor p_choice = choice[0], p_buy = buy[0];
  if (members > 1) {
    p_choice = torch::stack(choice).index({s.member_index, rows});
    p_buy = torch::stack(buy).index({s.member_index, rows});
  }
  const torch::Tensor u_choice = u.select(1, kChoiceU).unsqueeze(1);
  const torch::Tensor slot = (p_choice.cumsum(1) <= u_choice).sum(1).clamp_max(k);  // k: none
  const torch::Tensor clicked = slot < k;
  const torch::Tensor slot_safe = slot.clamp_max(k - 1).unsqueeze(1);
  const torch::Tensor clicked_item = slate.gather(1, slot_safe).squeeze(1);
  const torch::Tensor bought =
      clicked.logical_and(u.select(1, kBuyU) < p_buy.gather(1, slot_safe).squeeze(1));

  // No click: she browses on her own with probability organic_rate, to an item of the
  // member's full next-item distribution (only the rows that need it).
  const torch::Tensor browsing = clicked.logical_not().logical_and(
      u.select(1, kGateU) < static_cast<float>(s.calibration.organic_rate));
  torch::Tensor organic = torch::full({n}, -1, s.longs());
  for (std::int64_t m = 0; m < members; ++m) {
    const torch::Tensor who = members > 1 ? browsing.logical_and(s.member_index == m) : browsing;
    const torch::Tensor picked = who.nonzero().squeeze(1);
    if (picked.numel() == 0) continue;
    const torch::Tensor cdf =
        torch::softmax(s.members[m]->item_logits(s.outputs[m].index_select(0, picked)), 1)
            .cumsum(1);
    const torch::Tensor draw = u.select(1, kOrganicU).index_select(0, picked).unsqueeze(1);
    // right=true: the first index whose cumulative probability exceeds u.
    const torch::Tensor item = torch::searchsorted(cdf, draw, false, true).squeeze(1);
    organic.index_copy_(0, picked, item.clamp_max(num_items() - 1));
  }

  // The step's events, as BatchEnv::finish_step appends them: the click (or the organic
  // click), then the purchase of the clicked item.
  const torch::Tensor has_event = clicked.logical_or(organic >= 0);
  const torch::Tensor event_item = torch::where(clicked, clicked_item, organic.clamp_min(0));
  const torch::Tensor slot_or_none = torch::where(clicked, slot, torch::full_like(slot, -1));
  // Leaving, with the fitted hazard: decided on the CPU from the downloaded outcomes
  // (leave_by_hazard). Otherwise after an event the answering member's end head (at her new
  // state) decides, after a quiet step quiet_leave; called once the states have the step's
  // events.
  const bool hazard = s.calibration.leave.fitted();
  auto leaving = [&] {
    if (hazard) return torch::zeros({n}, torch::TensorOptions(torch::kBool).device(s.device));
    std::vector<torch::Tensor> end(members);
    for (std::int64_t m = 0; m < members; ++m)
      end[m] = torch::sigmoid(s.members[m]->end_logits(s.outputs[m]));
    const torch::Tensor p_end =
        members > 1 ? torch::stack(end).index({s.member_index, rows}) : end[0];
    const torch::Tensor p_leave = torch::where(
        has_event, p_end, torch::full_like(p_end, static_cast<float>(s.calibration.quiet_leave)));
    return u.select(1, kLeaveU) < p_leave;
  };
  auto outcomes = [&](const torch::Tensor& leave) {
    return torch::stack({slot_or_none.to(torch::kDouble), bought.to(torch::kDouble),
                         organic.to(torch::kDouble), leave.to(torch::kDouble),
                         disagreement.to(torch::kDouble)},
                        1)
        .to(torch::kCPU)
        .contiguous();
  };

  torch::Tensor outcome;
  if (s.incremental) {
    const torch::Tensor click_types = torch::full({n}, kClickType, s.longs());
    const torch::Tensor purchase_types = torch::full({n}, kPurchaseType, s.longs());
    for (std::int64_t m = 0; m < members; ++m) {
      SessionEncoder& encoder = s.members[m]->encoder();
      const torch::Tensor state =
          encoder->advance(s.recurrent[m], event_item, click_types, has_event);
      s.recurrent[m] = encoder->advance(state, clicked_item, purchase_types, bought);
      s.outputs[m] = SessionEncoderImpl::output(s.recurrent[m]);
    }
    outcome = outcomes(leaving());  // the one download of the step
  } else {
    // The windows live on the CPU: download the events, append them, re-encode the users who
    // had one, then download whether they leave.
    outcome = outcomes(torch::zeros({n}, torch::TensorOptions(torch::kBool).device(s.device)));
    const double* o = outcome.data_ptr<double>();
    std::vector<std::int64_t> changed;
    for (std::int64_t i = 0; i < n; ++i) {
      const auto slot_i = static_cast<std::int64_t>(o[i * kOutcomes + kSlot]);
      const auto organic_i = static_cast<std::int64_t>(o[i * kOutcomes + kOrganic]);
      if (slot_i >= 0) {
        const std::int64_t item = slates[i * k + slot_i];
        s.append_to_window(i, item, kClickType);
        if (o[i * kOutcomes + kBought] != 0) s.append_to_window(i, item, kPurchaseType);
        changed.push_back(i);
      } else if (organic_i >= 0) {
        s.append_to_window(i, organic_i, kClickType);
        changed.push_back(i);
      }
    }
    s.encode_windows(torch::tensor(changed, torch::kLong));
    if (!hazard) outcome.select(1, kLeave).copy_(leaving().to(torch::kCPU));
  }
  std::memcpy(s.outcome.data(), outcome.data_ptr<double>(), n * kOutcomes * sizeof(double));
  if (hazard) leave_by_hazard();
}

void LearnedEnv::leave_by_hazard() {
  State& s = *state_;
  const LeaveHazard& h = s.calibration.leave;
  const std::int64_t n = batch_size();
  for (std::int64_t i = 0; i < n; ++i) {
    double* o = &s.outcome[i * kOutcomes];
    double* state = &s.leave_state[i * h.state_size()];
    h.advance(state, o[kSlot] >= 0, o[kBought] != 0);
    o[kLeave] = s.uniforms[i * kStepUniforms + kLeaveU] < h.leave_probability(state) ? 1 : 0;
  }
}

void LearnedEnv::respond(std::size_t begin, std::size_t end, const std::int32_t* /*slates*/) {
  State& s = *state_;
  for (std::size_t i = begin; i < end; ++i) {
    const double* o = &s.outcome[i * kOutcomes];
    const auto slot = static_cast<int>(o[kSlot]);
    const std::uint32_t click = slot >= 0 ? 1u << slot : 0u;
    click_mask_[i] = click;
    purchase_mask_[i] = o[kBought] != 0 ? click : 0u;
    organic_item_[i] = static_cast<std::int32_t>(o[kOrganic]);
    leaving_[i] = o[kLeave] != 0;
    s.disagreement[i] = static_cast<float>(o[kDisagreement]);
    reward_penalty_[i] = static_cast<float>(uncertainty_penalty_ * s.disagreement[i]);
  }
}

}  // namespace shoprl
