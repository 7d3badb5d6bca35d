// Tests the policy server over HTTP on loopback (src/serve/policy_server.cpp): the endpoints and
// their JSON, the decision log, hot reload (a new version swaps in; a corrupt one is refused
// and the old one keeps serving), the body limit, and that no request, however malformed, stops
// it or changes what it serves (over ten thousand random and mutated bodies).
#include "serve/policy_server.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/atomic_file.h"
#include "serve/recommendation.h"
#include "serve/serve_fixtures.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using nlohmann::json;

constexpr const char* kValidBody =
    R"({"request_id": "ok-1", "unit_id": "u1", "session": {"items": ["i3", "i9", "zzz"],)"
    R"( "events": ["click", "cart", "click"]}, "k": 4})";

class Server : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::export_test_policy(repository_, "rec", 1, 3);
    ServeOptions options;
    options.models = repository_;
    options.port = 0;
    options.threads = 2;
    options.log_dir = dir_ / "log";
    options.log_flush_ms = 20;
    options.max_body_bytes = 4096;
    options.poll_seconds = 0;
    server_ = std::make_unique<PolicyServer>(options);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_keep_alive(true);
    client_->set_tcp_nodelay(true);
  }
  void TearDown() override {
    client_.reset();  // closes its keep-alive connection, so the server stops at once
    server_->stop();
    thread_.join();
  }
  json post(const std::string& path, const std::string& body, int expected_status) {
    const auto result = client_->Post(path, body, "application/json");
    EXPECT_TRUE(result) << path;
    if (!result) return json();
    EXPECT_EQ(result->status, expected_status) << path << " " << body << "\n" << result->body;
    return json::parse(result->body, nullptr, false);
  }
  json get(const std::string& path, int expected_status) {
    const auto result = client_->Get(path);
    EXPECT_TRUE(result) << path;
    if (!result) return json();
    EXPECT_EQ(result->status, expected_status) << path << "\n" << result->body;
    return json::parse(result->body, nullptr, false);
  }

  testing::TempDir dir_;
  std::filesystem::path repository_ = dir_ / "models";
  std::unique_ptr<PolicyServer> server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(Server, AnswersEveryEndpointAndLogsItsDecisions) {
  EXPECT_EQ(get("/v2/health/live", 200).at("live"), true);
  EXPECT_EQ(get("/v2/health/ready", 200).at("ready"), true);
  const json models = get("/v1/models", 200);
  EXPECT_EQ(models.at("models").at(0).at("name"), "rec");
  EXPECT_EQ(models.at("models").at(0).at("serving"), 1);

  const json answer = post("/v1/models/rec/recommend", kValidBody, 200);
  EXPECT_EQ(answer.at("request_id"), "ok-1");
  EXPECT_EQ(answer.at("version"), 1);
  ASSERT_EQ(answer.at("slate").size(), 4u);
  for (const json& slot : answer.at("slate")) {
    EXPECT_GT(slot.at("propensity").get<double>(), 0);
    EXPECT_LE(slot.at("propensity").get<double>(), 1);
  }
  EXPECT_GT(answer.at("slate_propensity").get<double>(), 0);
  EXPECT_NE(answer.at("warnings").at(0).get<std::string>().find("zzz"), std::string::npos);
  // A request without an id gets one.
  const json anonymous =
      post("/v1/models/rec/recommend",
           R"({"session": {"items": []}, "k": 2, "policy": {"mode": "greedy"}})", 200);
  EXPECT_FALSE(anonymous.at("request_id").get<std::string>().empty());
  EXPECT_EQ(anonymous.at("slate_propensity"), 1.0);
  EXPECT_EQ(
      post("/v1/feedback",
           R"({"request_id": "ok-1", "events": [{"item": "i9", "type": "click", "position": 0}]})",
           200)
          .at("ok"),
      true);
  const auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("shoprl_requests_total{endpoint=\"recommend\",status=\"200\"} 2"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("shoprl_model_version{model=\"rec\"} 1"), std::string::npos);

  server_->stop();  // flushes and syncs the log
  const std::string decisions = read_file_text(dir_ / "log" / "decisions.jsonl");
  const json first = json::parse(decisions.substr(0, decisions.find('\n')));
  EXPECT_EQ(first.at("request_id"), "ok-1");
  EXPECT_EQ(first.at("unit_id"), "u1");
  EXPECT_EQ(first.at("history").at("items"), json({"i3", "i9"}));
  EXPECT_EQ(first.at("history").at("events"), json({"click", "cart"}));
  EXPECT_EQ(first.at("propensities").size(), 4u);
  EXPECT_EQ(first.at("prefix_propensities").at(3), first.at("slate_propensity"));
  EXPECT_EQ(first.at("rule").at("rule"), "boltzmann");
  EXPECT_EQ(std::count(decisions.begin(), decisions.end(), '\n'), 2);
  const json feedback = json::parse(read_file_text(dir_ / "log" / "feedback.jsonl"));
  EXPECT_EQ(feedback.at("events").at(0).at("item"), "i9");
}

TEST_F(Server, ANewVersionSwapsInAndACorruptOneIsRefused) {
  const json before =
      post("/v1/models/rec/recommend",
           R"({"session": {"items": ["i1"]}, "k": 3, "policy": {"mode": "greedy"}})", 200);
  testing::export_test_policy(repository_, "rec", 2, 77);
  EXPECT_EQ(post("/v1/models/rec/load", "", 200).at("serving"), 2);
  const json after =
      post("/v1/models/rec/recommend",
           R"({"session": {"items": ["i1"]}, "k": 3, "policy": {"mode": "greedy"}})", 200);
  EXPECT_EQ(after.at("version"), 2);
  EXPECT_NE(after.at("slate"), before.at("slate")) << "other weights, another slate";

  write_file_atomic(repository_ / "rec" / "3" / "model.pt", "truncated");
  const json load = post("/v1/models/rec/load", "", 200);
  EXPECT_EQ(load.at("serving"), 2);
  const json models = get("/v1/models", 200);
  EXPECT_EQ(models.at("models").at(0).at("serving"), 2);
  EXPECT_NE(models.at("models").at(0).at("refused").at("3").get<std::string>().find("model.pt"),
            std::string::npos);
  EXPECT_EQ(post("/v1/models/rec/recommend", kValidBody, 200).at("version"), 2);
  EXPECT_EQ(post("/v1/models/nope/load", "", 404).at("field"), "model");
}

TEST_F(Server, InFlightRequestsKeepTheVersionTheyStartedWith) {
  const std::shared_ptr<const ServedModel> held = server_->registry().get("rec");
  testing::export_test_policy(repository_, "rec", 2, 77);
  std::vector<std::string> changes;
  ASSERT_TRUE(server_->registry().refresh_model("rec", changes));
  EXPECT_EQ(server_->registry().get("rec")->version, 2);
  // The old version is still whole for whoever holds it.
  EXPECT_EQ(held->version, 1);
  RecommendRequest r;
  r.k = 2;
  EXPECT_EQ(decide(*held, r, 1, 16).slate.size(), 2u);
}

// A POST that does not say how long its body is gets 411 at once, instead of holding a worker
// until the read timeout.
TEST_F(Server, APostWithoutContentLengthIsRefusedAtOnce) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port_));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string request = "POST /v1/models/rec/recommend HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  timeval timeout{2, 0};  // well under the server's 5 s read timeout
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char buffer[512] = {};
  const ssize_t got = ::read(fd, buffer, sizeof buffer - 1);
  ::close(fd);
  ASSERT_GT(got, 0) << "no answer within 2 s";
  const std::string answer(buffer, static_cast<std::size_t>(got));
  EXPECT_NE(answer.find("HTTP/1.1 411"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Content-Length"), std::string::npos) << answer;
}

// Random bytes, truncations and mutations of valid bodies, wrong types in every field, oversized
// bodies and unknown models: each a 4xx with a JSON {error}, never a 5xx, a hang or a crash;
// afterwards the server answers as before.
TEST_F(Server, TenThousandBadBodiesNeverStopItOrChangeWhatItServes) {
  const json reference =
      post("/v1/models/rec/recommend",
           R"({"session": {"items": ["i2", "i5"]}, "k": 4, "policy": {"mode": "greedy"}})", 200);
  std::mt19937_64 rng(2026);
  const std::string valid = kValidBody;
  const std::vector<std::string> fragments = {
      "{",           "}",         "[",          "]",
      ",",           ":",         "\"",         "null",
      "true",        "-1",        "1e999",      "\"k\"",
      "\"session\"", "\"items\"", "\"policy\"", "{\"mode\":\"sample\"}",
      "[[[[",        "\\u0000",   "\xff\xfe",   "99999999999999999999"};
  int bad_seen = 0;
  for (int i = 0; i < 10500; ++i) {
    std::string body;
    switch (i % 6) {
      case 0: {  // random bytes
        body.resize(rng() % 200);
        for (char& c : body) c = static_cast<char>(rng() % 256);
        break;
      }
      case 1:  // a truncated valid body
        body = valid.substr(0, rng() % valid.size());
        break;
      case 2: {  // a valid body with a span replaced by a fragment
        body = valid;
        const std::size_t at = rng() % body.size();
        body.replace(at, rng() % 8, fragments[rng() % fragments.size()]);
        break;
      }
      case 3: {  // wrong values in the right places
        const char* values[] = {"\"x\"", "-5", "0",    "33",      "1.5",
                                "[]",    "{}", "null", "[1, {}]", "\"greedy\""};
        const char* templates[] = {
            R"({"session": {"items": ["i1"]}, "k": %s})",
            R"({"session": {"items": %s}, "k": 2})",
            R"({"session": %s, "k": 2})",
            R"({"session": {"items": ["i1"], "events": %s}, "k": 2})",
            R"({"session": {"items": ["i1"]}, "k": 2, "policy": {"mode": %s}})",
            R"({"session": {"items": ["i1"]}, "k": 2, "policy": {"temperature": %s}})",
            R"({"session": {"items": ["i1"]}, "k": 2, "exclude": %s})",
            R"({"session": {"items": ["i1"]}, "k": 2, "request_id": %s})"};
        char buffer[512];
        std::snprintf(buffer, sizeof buffer, templates[rng() % 8], values[rng() % 10]);
        body = buffer;
        break;
      }
      case 4:  // deep nesting
        body = std::string(rng() % 3000, '[');
        break;
      case 5:  // over the body limit (4096 bytes here)
        body = "{\"session\": {\"items\": [" + std::string(5000, ' ') + "]}, \"k\": 2}";
        break;
    }
    const std::string path = (i % 97 == 0)   ? "/v1/models/unknown/recommend"
                             : (i % 89 == 0) ? "/v1/feedback"
                                             : "/v1/models/rec/recommend";
    const auto result = client_->Post(path, body, "application/json");
    ASSERT_TRUE(result) << "no answer to body " << i;
    ASSERT_LT(result->status, 500) << body << "\n" << result->body;
    if (result->status >= 400) {
      ++bad_seen;
      const json error = json::parse(result->body, nullptr, false);
      ASSERT_TRUE(error.is_object() && error.contains("error")) << result->body;
    }
  }
  EXPECT_GT(bad_seen, 10000);
  EXPECT_EQ(get("/v2/health/ready", 200).at("ready"), true);
  const json again =
      post("/v1/models/rec/recommend",
           R"({"session": {"items": ["i2", "i5"]}, "k": 4, "policy": {"mode": "greedy"}})", 200);
  EXPECT_EQ(again.at("slate"), reference.at("slate"));
  EXPECT_EQ(again.at("version"), reference.at("version"));
}

}  // namespace
}  // namespace shoprl
