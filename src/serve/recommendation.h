// One recommendation: the request as JSON in, the decision (a slate with its propensities under
// the serving rule) and its JSON out, and the decision log's line. The propensities are those of
// policy/slate_propensities.h for the same scores: the slot marginal of each shown item
// (exact, but for Boltzmann sampling's slots after the first, which are Rao-Blackwellised
// estimates from `marginal_samples` prefixes) and the exact probability of the whole slate.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "serve/model_registry.h"

namespace shoprl {

// A bad request: the HTTP status (4xx) and the field at fault, said in the JSON {error}.
class RequestError : public std::runtime_error {
 public:
  RequestError(int status, std::string field, const std::string& message)
      : std::runtime_error(message), status_(status), field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& field() const { return field_; }

 private:
  int status_;
  std::string field_;
};

struct RecommendRequest {
  std::string request_id;  // empty: the server makes one
  std::string unit_id;
  std::vector<std::string> items;   // the session's history, oldest first, raw ids
  std::vector<std::string> events;  // click | cart | purchase per item; empty: all clicks
  int k = 0;
  std::vector<std::string> exclude;  // raw ids never to show
  std::string mode;                  // greedy | sample | epsilon; empty: the model's own rule
  std::optional<double> temperature;
  std::optional<double> epsilon;
};

// RequestError 400 naming the field for malformed JSON, a wrong type, a missing session or k,
// an unknown mode or event type, or a parameter out of range.
RecommendRequest parse_recommend_request(const std::string& body);

struct Decision {
  std::string rule;  // top_k, boltzmann or epsilon_greedy
  double temperature = 1;
  double epsilon = 0;
  std::vector<std::int32_t> history_items;  // the known ids of the history, as indices
  std::vector<std::int32_t> history_types;
  std::vector<std::string> warnings;
  std::vector<std::int32_t> slate;
  std::vector<float> scores;        // of the slate's items
  std::vector<double> marginal;     // P(item at its slot)
  std::vector<double> prefix;       // P(slots 0..k as shown)
  double slate_propensity = 0;      // prefix.back()
  std::uint64_t marginal_seed = 0;  // the stream of the sampled marginals (reproducible)
};

// Scores the history with the model and makes a slate of k by the requested rule. `seed` is
// this request's: the slate is drawn from derive_seed(seed, 1), the marginals estimated from
// marginal_seed = derive_seed(seed, 2). RequestError 400 when k is outside [1, min(32, the
// items not excluded)].
Decision decide(const ServedModel& model, const RecommendRequest& request, std::uint64_t seed,
                int marginal_samples);

// {request_id, model, version, slate: [{item, score, propensity}], slate_propensity, warnings?}
std::string recommend_response_json(const ServedModel& model, const std::string& request_id,
                                    const Decision& decision);

// The decision log's line: request id, time, unit, model, version, history (raw ids and
// events), slate, per-slot and prefix propensities, slate propensity, rule and parameters.
std::string decision_log_line(const ServedModel& model, const std::string& request_id,
                              const RecommendRequest& request, const Decision& decision,
                              std::int64_t time_ms);

// POST /v1/feedback: {request_id, events: [{item, type, position?}]} validated (RequestError 400
// naming the field) and returned as the feedback log's line, with the time added.
std::string feedback_log_line(const std::string& body, std::int64_t time_ms);

}  // namespace shoprl
