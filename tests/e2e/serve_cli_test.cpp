// End-to-end test of `shoprl serve` as a user runs it, following the README: the quickstart
// (shrunk), `shoprl export` of its agent, `shoprl serve` of the repository, requests with curl;
// then SIGTERM, which must end the server with status 0 after writing every decision.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "core/atomic_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;
using testing::shoprl;
namespace fs = std::filesystem;

// Starts `shoprl serve` with its output in `output`; the port it printed, or -1.
int start_server(std::vector<std::string> arguments, const fs::path& output, pid_t& pid) {
  arguments.insert(arguments.begin(), "serve");
  pid = testing::start_shoprl(arguments, output);
  const std::regex serving("Serving .* on http://127\\.0\\.0\\.1:([0-9]+)");
  for (int attempt = 0; attempt < 600; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::ifstream in(output);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::smatch match;
    if (std::regex_search(text, match, serving)) return std::stoi(match[1]);
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return -1;
  }
  return -1;
}

TEST(ServeCli, QuickstartExportServeCurlThenSigtermWritesEveryDecision) {
  testing::TempDir dir;
  const std::string in_dir = "cd '" + dir.path().string() + "' && ";
  const auto quickstart = run_command(
      in_dir + shoprl() +
      " -q quickstart --set synth.sessions=60 --set synth.value_episodes=20 --set world.items=200"
      " --set sim.ensemble=1 --set sim.training.epochs=1 --set train.iterations=2"
      " --set train.users=16 --set train.eval_sessions=20 --set train.final_eval_sessions=20");
  ASSERT_EQ(quickstart.exit_code, 0) << quickstart.output;
  const auto exported = run_command(in_dir + shoprl() +
                                    " -q export --run runs/quickstart/agent --output models"
                                    " --name quickstart");
  ASSERT_EQ(exported.exit_code, 0) << exported.output;

  pid_t pid = -1;
  const int port = start_server(
      {"--models", (dir / "models").string(), "--port", "0", "--log-dir", (dir / "log").string()},
      dir / "serve.out", pid);
  ASSERT_GT(port, 0) << read_file_text(dir / "serve.out");
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const auto ready = run_command("curl -s " + url + "/v2/health/ready");
  EXPECT_EQ(ready.output, R"({"ready":true})");
  for (int i = 0; i < 3; ++i) {
    const auto answer = run_command(
        "curl -s -X POST " + url + "/v1/models/quickstart/recommend -d '{\"request_id\": \"r" +
        std::to_string(i) + "\", \"session\": {\"items\": [\"i3\", \"i17\"]}, \"k\": 5}'");
    ASSERT_EQ(answer.exit_code, 0);
    const auto json = nlohmann::json::parse(answer.output);
    EXPECT_EQ(json.at("slate").size(), 5u) << answer.output;
    EXPECT_EQ(json.at("model"), "quickstart");
  }
  const auto feedback = run_command(
      "curl -s -X POST " + url +
      "/v1/feedback -d '{\"request_id\": \"r1\", \"events\": [{\"item\": \"i4\", \"type\": "
      "\"click\", \"position\": 2}]}'");
  EXPECT_EQ(feedback.output, R"({"ok":true})");

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file_text(dir / "serve.out");
  const std::string decisions = read_file_text(dir / "log" / "decisions.jsonl");
  EXPECT_EQ(std::count(decisions.begin(), decisions.end(), '\n'), 3) << decisions;
  EXPECT_NE(read_file_text(dir / "log" / "feedback.jsonl").find("\"r1\""), std::string::npos);
}

}  // namespace
}  // namespace shoprl
