// The policy server (policy_server.h).
#include "serve/policy_server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/seconds_since.h"
#include "core/seeding.h"
#include "core/text_digest.h"
#include "serve/json_text.h"
#include "serve/one_math_thread.h"
#include "serve/recommendation.h"

namespace shoprl {
namespace {

using nlohmann::json;

constexpr const char* kJson = "application/json";
// The seed stream of requests that carry their own request_id.
constexpr std::uint64_t kNamedRequestStream = 0x1d5eed;

void send_error(httplib::Response& res, int status, const std::string& message,
                const std::string& field = "") {
  res.status = status;
  json body = {{"error", message}};
  if (!field.empty()) body["field"] = field;
  res.set_content(json_text(body), kJson);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

PolicyServer::PolicyServer(const ServeOptions& options)
    : options_(options),
      registry_(std::make_unique<ModelRegistry>(options.models)),
      http_(std::make_unique<httplib::Server>()) {
  if (options_.threads < 1) throw ConfigError("--threads must be at least 1");
  // Each request scores on one thread; the workers are the parallelism.
  use_one_math_thread();
  for (const std::string& change : registry_->refresh()) spdlog::info("{}", change);
  for (const ModelStatus& s : registry_->status())
    if (s.serving > 0) metrics_.set_serving_version(s.name, s.serving);
  if (!registry_->ready())
    spdlog::warn("{}: no model could be loaded yet; /v2/health/ready says so until one is",
                 options_.models.string());
  if (!options_.log_dir.empty())
    log_ = std::make_unique<DecisionLog>(options_.log_dir, options_.log_flush_ms);
  install_routes();
}

PolicyServer::~PolicyServer() { stop(); }

void PolicyServer::install_routes() {
  httplib::Server& http = *http_;
  const int threads = options_.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(options_.max_body_bytes);
  http.set_keep_alive_max_count(100000);
  // An idle keep-alive connection holds a worker thread until it times out, and a stopping
  // server waits for it: 2 s keeps SIGTERM prompt; a client reconnects when it needs to.
  http.set_keep_alive_timeout(2);

  http.set_tcp_nodelay(true);  // responses leave at once (no Nagle delay on keep-alive)
  // A POST must say how long its body is: without Content-Length (or chunking) the body would
  // be read until the client closes, holding a worker for the whole read timeout.
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "POST" && !req.has_header("Content-Length") &&
        !req.has_header("Transfer-Encoding")) {
      send_error(res, 411, "a POST needs a Content-Length header", "Content-Length");
      metrics_.record("other", 411, 0);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Unmatched paths, bodies over the limit, and the like: a JSON error like every other.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (res.body.empty()) {
          const std::string message =
              res.status == 413 ? fmt::format("the body exceeds {} bytes", options_.max_body_bytes)
              : res.status == 404 ? fmt::format("no such endpoint: {} {}", req.method, req.path)
              : res.status == 400 ? std::string("malformed HTTP request")
                                  : fmt::format("HTTP {}", res.status);
          send_error(res, res.status, message);
          metrics_.record("other", res.status, 0);
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [this](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        std::string message = "internal error";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          message = std::string("internal error: ") + e.what();
        } catch (...) {
        }
        spdlog::error("{}", message);
        send_error(res, 500, message);
        metrics_.record("other", 500, 0);
      });

  http.Get("/v2/health/live", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"live":true})", kJson);
    metrics_.record("health", 200, 0);
  });
  http.Get("/v2/health/ready", [this](const httplib::Request&, httplib::Response& res) {
    const bool ready = registry_->ready() && !stopping_;
    res.status = ready ? 200 : 503;
    res.set_content(ready ? R"({"ready":true})" : R"({"ready":false})", kJson);
    metrics_.record("health", res.status, 0);
  });
  http.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
    json models = json::array();
    for (const ModelStatus& s : registry_->status()) {
      json refused = json::object();
      for (const auto& [version, why] : s.refused) refused[std::to_string(version)] = why;
      json entry = {{"name", s.name},
                    {"serving", s.serving > 0 ? json(s.serving) : json(nullptr)},
                    {"versions", s.versions},
                    {"refused", refused}};
      if (const auto model = registry_->get(s.name)) {
        const PolicyMetadata& m = model->policy.metadata();
        entry["agent_kind"] = m.agent_kind;
        entry["num_items"] = m.num_items;
        entry["slate_size"] = m.slate_size;
        entry["slate_rule"] = {{"rule", m.slate_rule.rule},
                               {"epsilon", m.slate_rule.epsilon},
                               {"temperature", m.slate_rule.temperature}};
      }
      models.push_back(entry);
    }
    res.set_content(json_text(json({{"models", models}})), kJson);
    metrics_.record("models", 200, 0);
  });
  http.Post(R"(/v1/models/([^/]+)/recommend)",
            [this](const httplib::Request& req, httplib::Response& res) {
              const auto start = std::chrono::steady_clock::now();
              const std::uint64_t number = requests_.fetch_add(1);
              const std::string name = req.matches[1];
              try {
                const RecommendRequest request = parse_recommend_request(req.body);
                const std::shared_ptr<const ServedModel> model = registry_->get(name);
                if (!model) throw RequestError(404, "model", "no such model: " + name);
                // A request that names itself draws from its id, so that a client replaying
                // the same requests gets the same slates (reproducible traffic, e2e tests).
                const std::uint64_t seed = request.request_id.empty()
                                               ? derive_seed(options_.seed, number)
                                               : derive_seed(options_.seed, kNamedRequestStream,
                                                             text_hash(request.request_id));
                const std::string id =
                    request.request_id.empty() ? fmt::format("r{:016x}", seed) : request.request_id;
                const Decision decision = decide(*model, request, seed, options_.marginal_samples);
                res.set_content(recommend_response_json(*model, id, decision), kJson);
                if (log_)
                  log_->decision(decision_log_line(*model, id, request, decision, now_ms()));
                metrics_.count_decision();
              } catch (const RequestError& e) {
                send_error(res, e.status(), e.what(), e.field());
              } catch (const Error& e) {
                send_error(res, 400, e.what(), "policy");
              }
              metrics_.record("recommend", res.status, seconds_since(start));
            });
  http.Post(
      R"(/v1/models/([^/]+)/load)", [this](const httplib::Request& req, httplib::Response& res) {
        const std::string name = req.matches[1];
        std::vector<std::string> changes;
        if (!registry_->refresh_model(name, changes)) {
          send_error(res, 404, "no such model folder in the repository: " + name, "model");
        } else {
          for (const std::string& change : changes) spdlog::info("{}", change);
          const auto model = registry_->get(name);
          if (model) metrics_.set_serving_version(name, model->version);
          res.set_content(json_text(json({{"model", name},
                                          {"serving", model ? json(model->version) : json(nullptr)},
                                          {"changes", changes}})),
                          kJson);
        }
        metrics_.record("load", res.status, 0);
      });
  http.Post("/v1/feedback", [this](const httplib::Request& req, httplib::Response& res) {
    const auto start = std::chrono::steady_clock::now();
    try {
      const std::string line = feedback_log_line(req.body, now_ms());
      if (log_) log_->feedback(line);
      res.set_content(R"({"ok":true})", kJson);
    } catch (const RequestError& e) {
      send_error(res, e.status(), e.what(), e.field());
    }
    metrics_.record("feedback", res.status, seconds_since(start));
  });
  http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.prometheus_text(), "text/plain; version=0.0.4");
  });
}

int PolicyServer::bind() {
  const int port = options_.port == 0
                       ? http_->bind_to_any_port(options_.host)
                       : (http_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  if (port < 0)
    throw IoError(fmt::format("{}:{}: cannot listen (in use, or not an address of this machine)",
                              options_.host, options_.port));
  return port;
}

void PolicyServer::run() {
  if (options_.poll_seconds > 0) poller_ = std::thread([this] { poll_loop(); });
  http_->listen_after_bind();
}

void PolicyServer::poll_loop() {
  auto next = std::chrono::steady_clock::now();
  while (!stopping_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::chrono::steady_clock::now() < next) continue;
    next = std::chrono::steady_clock::now() +
           std::chrono::milliseconds(static_cast<int>(options_.poll_seconds * 1000));
    for (const std::string& change : registry_->refresh()) spdlog::info("{}", change);
    for (const ModelStatus& s : registry_->status())
      if (s.serving > 0) metrics_.set_serving_version(s.name, s.serving);
  }
}

void PolicyServer::stop() {
  if (stopping_.exchange(true)) return;
  http_->stop();
  if (poller_.joinable()) poller_.join();
  if (log_) log_->close();
}

}  // namespace shoprl
