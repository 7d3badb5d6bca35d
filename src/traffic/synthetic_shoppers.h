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

struct TrafficResult {
  std::int64_t sessions = 0;
  std::int64_t decisions = 0;  // slates served
  std::int64_t feedback_posts = 0;
  std::int64_t clicks = 0;  // on served slates
  std::int64_t purchases = 0;
  std::vector<double> returns;  // per session, in the order the sessions started
  double mean_return = 0;       // the served policy's on-policy value per session
  double std_error = 0;         // of mean_return
  std::map<std::int64_t, std::int64_t> decisions_by_version;  // the model versions that served
  double seconds = 0;
  double latency_p50_ms = 0;  // of /recommend, as the shopper sees it
  double latency_p99_ms = 0;
};

// ConfigError for a traffic section that cannot run: no traffic.model, or a traffic.url off the
// loopback interface (traffic/loopback_url.h). Checked again by play_synthetic_traffic; callers
// that must not write anything before a refusal call it first.
void check_traffic_config(const TrafficConfig& config);

// Plays config.sessions sessions, config.concurrency at a time (each lane its own keep-alive
// connection and its own random stream of the world, derived from `seed`), and returns when
// every session started has ended, so that long sessions are not under-counted. Request ids
// are `prefix`/SESSION/STEP and unit ids `prefix`/SESSION; with the server drawing a named
// request's slate from its id (docs/serving.md), the same seed gives the same traffic.
// ConfigError as check_traffic_config; Error naming the endpoint and the answer when the server
// refuses or does not answer within config.timeout_seconds, or serves an item the world does not
// have.
TrafficResult play_synthetic_traffic(const SyntheticWorld& world, const EnvConfig& env_config,
                                     const TrafficConfig& config, std::uint64_t seed,
                                     const std::string& prefix);

// The summary as JSON (traffic.json of a run), with the config's url and model.
std::string traffic_result_json(const TrafficResult& result, const TrafficConfig& config,
                                std::uint64_t seed);

}  // namespace shoprl
