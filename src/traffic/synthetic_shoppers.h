// Synthetic shoppers over HTTP: the synthetic world's users play sessions against a running
// server (shoprl serve). Each step, a shopper sends her session's history to
// /v1/models/NAME/recommend, the world's response model answers the served slate (clicks,
// purchases, an organic click, leaving), and what she did goes to /v1/feedback. The server's
// decision log then holds traffic whose every true value the world knows: the served policy's
// (the mean return of these sessions estimates it without bias, as a Monte Carlo run would)
// and any candidate's (docs/closed-loop.md).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "env/synthetic_world.h"
#include "env/world_config.h"
#include "traffic/traffic_config.h"

namespace shoprl {

// One arm of an A/B experiment (traffic.canary_model): the sessions a model served and their
// mean return, the experiment's own readout of that model's value.
struct TrafficArm {
  std::string model;
  std::int64_t sessions = 0;
  double mean_return = 0;
  double std_error = 0;
  std::map<std::int64_t, std::int64_t> decisions_by_version;
};

struct TrafficResult {
  std::int64_t sessions = 0;
  std::int64_t decisions = 0;  // slates served
  std::int64_t feedback_posts = 0;
  std::int64_t clicks = 0;  // on served slates
  std::int64_t purchases = 0;
  std::vector<double> returns;  // per session, in the order the sessions started
  double mean_return = 0;       // the served policy's on-policy value per session
  double std_error = 0;         // of mean_return
  // The versions of traffic.model that served (the canary's are in arms[1]).
  std::map<std::int64_t, std::int64_t> decisions_by_version;
  // With traffic.canary_model: index 0 the model, 1 the canary; each session's arm.
  std::vector<TrafficArm> arms;
  std::vector<std::int8_t> session_arm;
  double seconds = 0;
  double latency_p50_ms = 0;  // of /recommend, as the shopper sees it
  double latency_p99_ms = 0;
};

// ConfigError for a traffic section that cannot run: no traffic.model, a traffic.url off the
// loopback interface (traffic/loopback_url.h), or a canary that is the model itself or gets no
// share. Checked again by play_synthetic_traffic; callers
// that must not write anything before a refusal call it first.
void check_traffic_config(const TrafficConfig& config);

// Plays config.sessions sessions, config.concurrency at a time (each lane its own keep-alive
// connection and its own random stream of the world, derived from `seed`), and returns when
// every session started has ended, so that long sessions are not under-counted. Request ids
// are `prefix`/SESSION/STEP and unit ids `prefix`/SESSION; with the server drawing a named
// request's slate from its id (docs/serving.md), the same seed gives the same traffic. With
// traffic.canary_model, each unit asks the canary with probability canary_share, decided by
// canary_arm.
// ConfigError as check_traffic_config; Error naming the endpoint and the answer when the server
// refuses or does not answer within config.timeout_seconds, or serves an item the world does not
// have.
TrafficResult play_synthetic_traffic(const SyntheticWorld& world, const EnvConfig& env_config,
                                     const TrafficConfig& config, std::uint64_t seed,
                                     const std::string& prefix);

// Whether the unit goes to the canary: a uniform draw from a hash of the unit id and the seed
// below `share`, so a unit keeps its arm whatever the order or concurrency of the sessions.
bool canary_arm(const std::string& unit_id, std::uint64_t seed, double share);

// The summary as JSON (traffic.json of a run), with the config's url and model.
std::string traffic_result_json(const TrafficResult& result, const TrafficConfig& config,
                                std::uint64_t seed);

}  // namespace shoprl
