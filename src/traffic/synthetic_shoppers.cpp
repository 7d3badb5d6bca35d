// Synthetic shoppers over HTTP (synthetic_shoppers.h).
#include "traffic/synthetic_shoppers.h"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/error.h"
#include "core/progress.h"
#include "core/seeding.h"
#include "core/text_digest.h"
#include "core/thread_pool.h"
#include "data/event_type.h"
#include "env/log_synthesis.h"
#include "env/synthetic_env.h"
#include "traffic/loopback_url.h"

namespace shoprl {
namespace {

using nlohmann::json;

constexpr std::uint64_t kTrafficEnvStream = 0x7aff1c;
constexpr std::uint64_t kCanaryStream = 0xca7a21;
constexpr std::int64_t kNoSession = -1;

// One shopper lane: its connection and what it is doing now.
struct Lane {
  std::unique_ptr<httplib::Client> client;
  std::int64_t session = kNoSession;
  int arm = 0;  // 0: traffic.model; 1: traffic.canary_model
  std::string request_id;
  std::vector<double> latency_ms;
  std::int64_t version = 0;  // of the model that served the last slate
  std::int64_t feedback_posts = 0;
};

std::string answer_text(const httplib::Result& result) {
  if (!result) return fmt::format("no answer ({})", httplib::to_string(result.error()));
  std::string body = result->body.substr(0, 300);
  while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
  return fmt::format("status {}: {}", result->status, body);
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  const auto at = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

class ShopperRun {
 public:
  ShopperRun(const SyntheticWorld& world, const EnvConfig& env_config, const TrafficConfig& config,
             std::uint64_t seed, std::string prefix)
      : world_(world),
        config_(config),
        prefix_(std::move(prefix)),
        env_(world, env_config),
        k_(env_config.slate_size),
        seed_(seed),
        recommend_paths_{"/v1/models/" + config.model + "/recommend",
                         "/v1/models/" + config.canary_model + "/recommend"} {
    check_traffic_config(config);
    const LoopbackUrl url = parse_loopback_url(config.url, "traffic.url");
    const auto lanes = static_cast<std::size_t>(
        std::min<std::int64_t>(static_cast<std::int64_t>(config.concurrency), config.sessions));
    const auto timeout = std::chrono::duration<double>(config.timeout_seconds);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
    lanes_.resize(lanes);
    for (Lane& lane : lanes_) {
      lane.client = std::make_unique<httplib::Client>(url.host, url.port);
      lane.client->set_keep_alive(true);
      lane.client->set_tcp_nodelay(true);
      lane.client->set_connection_timeout(micros / 1000000, micros % 1000000);
      lane.client->set_read_timeout(micros / 1000000, micros % 1000000);
      lane.client->set_write_timeout(micros / 1000000, micros % 1000000);
    }
    for (std::int64_t i = 0; i < world.num_items(); ++i)
      item_index_.emplace(synthetic_item_id(i), static_cast<std::int32_t>(i));
    env_.reset(derive_seed(seed, kTrafficEnvStream), static_cast<std::int64_t>(lanes));
    slates_.assign(lanes * static_cast<std::size_t>(k_), 0);
  }

  TrafficResult run() {
    const auto start = std::chrono::steady_clock::now();
    ThreadPool pool(static_cast<int>(lanes_.size()));
    std::int64_t open = 0;
    for (std::size_t i = 0; i < lanes_.size(); ++i) open += open_session(i) ? 1 : 0;
    Progress progress("synthetic shoppers", config_.sessions, "sessions");
    while (open > 0) {
      pool.run(lanes_.size(), [&](std::size_t i) { recommend(i); });
      for (const Lane& lane : lanes_)
        if (lane.session != kNoSession) {
          ++result_.decisions;
          ++(lane.arm == 0 ? result_.decisions_by_version : canary_versions_)[lane.version];
        }
      env_.step(slates_);
      pool.run(lanes_.size(), [&](std::size_t i) { send_feedback(i); });
      for (std::size_t i = 0; i < lanes_.size(); ++i) {
        Lane& lane = lanes_[i];
        if (lane.session == kNoSession) continue;
        result_.returns[static_cast<std::size_t>(lane.session)] += env_.rewards()[i];
        result_.clicks += __builtin_popcount(env_.click_masks()[i]);
        result_.purchases += __builtin_popcount(env_.purchase_masks()[i]);
        if (!env_.dones()[i]) continue;
        --open;
        if (open_session(i)) ++open;
        progress.update(static_cast<std::uint64_t>(result_.sessions - open));
      }
    }
    progress.finish();
    result_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    summarize();
    return result_;
  }

 private:
  // Puts the next session in lane i (the environment already holds its first observation);
  // false when all sessions have started.
  bool open_session(std::size_t i) {
    Lane& lane = lanes_[i];
    if (result_.sessions == config_.sessions) {
      lane.session = kNoSession;
      return false;
    }
    lane.session = result_.sessions++;
    const bool canary =
        !config_.canary_model.empty() && canary_arm(unit_id(lane), seed_, config_.canary_share);
    lane.arm = canary ? 1 : 0;
    result_.returns.push_back(0.0);
    result_.session_arm.push_back(static_cast<std::int8_t>(lane.arm));
    return true;
  }

  std::string unit_id(const Lane& lane) const {
    return fmt::format("{}/{}", prefix_, lane.session);
  }

  const std::string& model_of(const Lane& lane) const {
    return lane.arm == 0 ? config_.model : config_.canary_model;
  }

  std::string request_body(std::size_t i) const {
    const Lane& lane = lanes_[i];
    const int length = env_.history_lengths()[i];
    const std::int64_t* items = env_.history_items() + i * env_.history_length();
    const std::int64_t* types = env_.history_types() + i * env_.history_length();
    json history_items = json::array(), history_events = json::array();
    for (int e = 0; e < length; ++e) {
      history_items.push_back(synthetic_item_id(items[e]));
      history_events.push_back(event_type_name(static_cast<EventType>(types[e])));
    }
    json body = {{"request_id", lane.request_id},
                 {"unit_id", unit_id(lane)},
                 {"session", {{"items", history_items}, {"events", history_events}}},
                 {"k", k_}};
    if (!config_.mode.empty()) {
      json policy = {{"mode", config_.mode}};
      if (config_.temperature > 0) policy["temperature"] = config_.temperature;
      if (config_.epsilon > 0) policy["epsilon"] = config_.epsilon;
      body["policy"] = policy;
    }
    return body.dump();
  }

  // Lane i's slate into slates_: the server's answer, or, for a lane with no session left, any
  // valid slate (the environment steps every lane; that outcome is ignored).
  void recommend(std::size_t i) {
    Lane& lane = lanes_[i];
    std::int32_t* slate = &slates_[i * static_cast<std::size_t>(k_)];
    if (lane.session == kNoSession) {
      for (int s = 0; s < k_; ++s) slate[s] = s;
      return;
    }
    lane.request_id = fmt::format("{}/{}/{}", prefix_, lane.session, env_.steps_in_episode()[i]);
    const auto start = std::chrono::steady_clock::now();
    const std::string& path = recommend_paths_[static_cast<std::size_t>(lane.arm)];
    const httplib::Result answer = lane.client->Post(path, request_body(i), "application/json");
    lane.latency_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    if (!answer || answer->status != 200)
      throw Error(fmt::format("traffic: POST {}{}: {}", config_.url, path, answer_text(answer)));
    const json reply = json::parse(answer->body, nullptr, false);
    if (reply.is_discarded() || !reply.contains("slate") || !reply.at("slate").is_array() ||
        reply.at("slate").size() != static_cast<std::size_t>(k_))
      throw Error(fmt::format("traffic: POST {}{}: the answer is not a slate of {}: {}",
                              config_.url, path, k_, answer->body.substr(0, 300)));
    lane.version = reply.value("version", std::int64_t{0});
    for (int s = 0; s < k_; ++s) {
      const json& entry = reply.at("slate")[static_cast<std::size_t>(s)];
      const std::string item = entry.is_object() ? entry.value("item", "") : "";
      const auto found = item_index_.find(item);
      if (found == item_index_.end())
        throw Error(fmt::format(
            "traffic: the server served item '{}', which the synthetic world does not have "
            "(is model '{}' trained in this world? its items are i0..i{})",
            item, model_of(lane), world_.num_items() - 1));
      slate[s] = found->second;
    }
  }

  void send_feedback(std::size_t i) {
    Lane& lane = lanes_[i];
    if (lane.session == kNoSession) return;
    const std::int32_t* slate = &slates_[i * static_cast<std::size_t>(k_)];
    const std::uint32_t clicks = env_.click_masks()[i];
    const std::uint32_t purchases = env_.purchase_masks()[i];
    json events = json::array();
    for (int s = 0; s < k_; ++s) {
      if (!(clicks & (1u << s))) continue;
      events.push_back({{"item", synthetic_item_id(slate[s])}, {"type", "click"}, {"position", s}});
      if (purchases & (1u << s))
        events.push_back(
            {{"item", synthetic_item_id(slate[s])}, {"type", "purchase"}, {"position", s}});
    }
    if (env_.organic_items()[i] >= 0)
      events.push_back({{"item", synthetic_item_id(env_.organic_items()[i])}, {"type", "click"}});
    if (events.empty()) return;
    const json body = {{"request_id", lane.request_id}, {"events", events}};
    const httplib::Result answer =
        lane.client->Post("/v1/feedback", body.dump(), "application/json");
    if (!answer || answer->status != 200)
      throw Error(
          fmt::format("traffic: POST {}/v1/feedback: {}", config_.url, answer_text(answer)));
    ++lane.feedback_posts;
  }

  void summarize() {
    TrafficArm all = mean_return_of(-1);
    result_.mean_return = all.mean_return;
    result_.std_error = all.std_error;
    if (!config_.canary_model.empty()) {
      result_.arms = {mean_return_of(0), mean_return_of(1)};
      result_.arms[0].model = config_.model;
      result_.arms[0].decisions_by_version = result_.decisions_by_version;
      result_.arms[1].model = config_.canary_model;
      result_.arms[1].decisions_by_version = canary_versions_;
    }
    std::vector<double> latencies;
    for (const Lane& lane : lanes_) {
      latencies.insert(latencies.end(), lane.latency_ms.begin(), lane.latency_ms.end());
      result_.feedback_posts += lane.feedback_posts;
    }
    result_.latency_p50_ms = percentile(latencies, 0.5);
    result_.latency_p99_ms = percentile(latencies, 0.99);
  }

  // The sessions of one arm (-1: every session): their count, mean return and its standard error.
  TrafficArm mean_return_of(int arm) const {
    TrafficArm out;
    double sum = 0, squares = 0;
    for (std::size_t s = 0; s < result_.returns.size(); ++s)
      if (arm < 0 || result_.session_arm[s] == arm) {
        ++out.sessions;
        sum += result_.returns[s];
      }
    if (out.sessions == 0) return out;
    const auto n = static_cast<double>(out.sessions);
    out.mean_return = sum / n;
    for (std::size_t s = 0; s < result_.returns.size(); ++s)
      if (arm < 0 || result_.session_arm[s] == arm)
        squares += (result_.returns[s] - out.mean_return) * (result_.returns[s] - out.mean_return);
    out.std_error = n > 1 ? std::sqrt(squares / (n - 1) / n) : 0.0;
    return out;
  }

  const SyntheticWorld& world_;
  const TrafficConfig& config_;
  std::string prefix_;
  SyntheticEnv env_;
  int k_;
  std::uint64_t seed_;
  std::string recommend_paths_[2];  // traffic.model's, traffic.canary_model's
  std::vector<Lane> lanes_;
  std::unordered_map<std::string, std::int32_t> item_index_;
  std::vector<std::int32_t> slates_;
  TrafficResult result_;
  std::map<std::int64_t, std::int64_t> canary_versions_;  // traffic.canary_model's that served
};

}  // namespace

void check_traffic_config(const TrafficConfig& config) {
  if (config.model.empty())
    throw ConfigError("traffic.model: no model named (give --model NAME, as served)");
  parse_loopback_url(config.url, "traffic.url");
  if (config.canary_model.empty()) return;
  if (config.canary_model == config.model)
    throw ConfigError(fmt::format(
        "traffic.canary_model: '{}' is traffic.model itself; an A/B experiment needs two models",
        config.canary_model));
  if (!(config.canary_share > 0))
    throw ConfigError(fmt::format(
        "traffic.canary_share: 0 sends no unit to traffic.canary_model '{}' (a share in (0, 1])",
        config.canary_model));
}

bool canary_arm(const std::string& unit_id, std::uint64_t seed, double share) {
  const std::uint64_t draw = derive_seed(derive_seed(seed, kCanaryStream), text_hash(unit_id));
  return static_cast<double>(draw >> 11) * 0x1.0p-53 < share;
}

TrafficResult play_synthetic_traffic(const SyntheticWorld& world, const EnvConfig& env_config,
                                     const TrafficConfig& config, std::uint64_t seed,
                                     const std::string& prefix) {
  ShopperRun run(world, env_config, config, seed, prefix);
  return run.run();
}

std::string traffic_result_json(const TrafficResult& result, const TrafficConfig& config,
                                std::uint64_t seed) {
  json versions = json::object();
  for (const auto& [version, count] : result.decisions_by_version)
    versions[std::to_string(version)] = count;
  json arms = json::array();
  for (const TrafficArm& arm : result.arms) {
    json arm_versions = json::object();
    for (const auto& [version, count] : arm.decisions_by_version)
      arm_versions[std::to_string(version)] = count;
    arms.push_back({{"model", arm.model},
                    {"sessions", arm.sessions},
                    {"mean_return", arm.mean_return},
                    {"std_error", arm.std_error},
                    {"decisions_by_version", arm_versions}});
  }
  const json out = {{"url", config.url},
                    {"model", config.model},
                    {"seed", seed},
                    {"sessions", result.sessions},
                    {"decisions", result.decisions},
                    {"feedback_posts", result.feedback_posts},
                    {"clicks", result.clicks},
                    {"purchases", result.purchases},
                    {"mean_return", result.mean_return},
                    {"std_error", result.std_error},
                    {"decisions_by_version", versions},
                    {"arms", arms},
                    {"seconds", result.seconds},
                    {"latency_p50_ms", result.latency_p50_ms},
                    {"latency_p99_ms", result.latency_p99_ms}};
  return out.dump(2) + "\n";
}

}  // namespace shoprl
