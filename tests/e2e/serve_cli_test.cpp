// End-to-end test of `shoprl serve` as a user runs it, following the README: the quickstart
// (shrunk), `shoprl export` of its agent, `shoprl serve` of the repository, requests with curl;
// then SIGTERM, which must end the server with status 0 after writing every decision.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
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

// A failed assertion returns from the test early: the server it started must not outlive it.
// Set the pid to -1 once the test has reaped the server itself.
struct KillAtExit {
  pid_t& pid;
  ~KillAtExit() {
    if (pid > 0 && ::kill(pid, SIGKILL) == 0) ::waitpid(pid, nullptr, 0);
  }
};

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
  const KillAtExit kill_at_exit{pid};
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
  pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file_text(dir / "serve.out");
  const std::string decisions = read_file_text(dir / "log" / "decisions.jsonl");
  EXPECT_EQ(std::count(decisions.begin(), decisions.end(), '\n'), 3) << decisions;
  EXPECT_NE(read_file_text(dir / "log" / "feedback.jsonl").find("\"r1\""), std::string::npos);
}

// The closed loop as a user runs it (docs/closed-loop.md): a shrunk quickstart's agent exported
// with a sampling rule and served; `shoprl traffic` plays the world's shoppers against it; the
// decision log is imported with the world recorded; `shoprl promote` refuses the same policy
// as a candidate (it cannot be better than itself: on paired sessions, in the world and in a
// simulator fitted on the served logs, it leads the served version by exactly 0) and publishes
// it when the margin allows, and the server then serves the new version.
TEST(ServeCli, TrafficImportPromoteAndHotReload) {
  testing::TempDir dir;
  const std::string in_dir = "cd '" + dir.path().string() + "' && ";
  const std::string world = " --set world.items=200";
  const auto quickstart = run_command(
      in_dir + shoprl() + " -q quickstart --set synth.sessions=60 --set synth.value_episodes=20" +
      world +
      " --set sim.ensemble=1 --set sim.training.epochs=1 --set train.iterations=2"
      " --set train.users=16 --set train.eval_sessions=20 --set train.final_eval_sessions=20");
  ASSERT_EQ(quickstart.exit_code, 0) << quickstart.output;
  for (const char* repository : {"models", "candidates"}) {
    const auto exported = run_command(in_dir + shoprl() +
                                      " -q export --run runs/quickstart/agent --name shop"
                                      " --rule boltzmann --temperature 1 --output " +
                                      repository);
    ASSERT_EQ(exported.exit_code, 0) << exported.output;
  }
  pid_t pid = -1;
  const int port =
      start_server({"--models", (dir / "models").string(), "--port", "0", "--log-dir",
                    (dir / "log").string(), "--poll-seconds", "0", "--log-flush-ms", "10"},
                   dir / "serve.out", pid);
  const KillAtExit kill_at_exit{pid};
  ASSERT_GT(port, 0) << read_file_text(dir / "serve.out");
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  // The quickstart's world (its config, shrunk as above), under a run name of its own.
  const std::string config = " -c '" +
                             (testing::source_dir() / "configs/quickstart.yaml").string() +
                             "' --set run.name=traffic";

  // Only loopback; refused before anything is written.
  const auto remote = run_command(in_dir + shoprl() + " -q traffic" + config + world +
                                  " --model shop --url http://10.1.2.3:8000 2>&1");
  EXPECT_EQ(remote.exit_code, 3) << remote.output;
  EXPECT_NE(remote.output.find("traffic.url: 'http://10.1.2.3:8000' is not on the loopback"),
            std::string::npos)
      << remote.output;
  EXPECT_FALSE(fs::exists(dir / "runs/traffic"));

  const auto traffic = run_command(in_dir + shoprl() + " -q traffic" + config + world +
                                   " --model shop --sessions 40 --url " + url);
  ASSERT_EQ(traffic.exit_code, 0) << traffic.output;
  EXPECT_NE(traffic.output.find("served policy's on-policy value"), std::string::npos);
  const auto summary = nlohmann::json::parse(read_file_text(dir / "runs/traffic/traffic.json"));
  EXPECT_EQ(summary.at("sessions"), 40);
  const auto decisions = summary.at("decisions").get<std::int64_t>();
  EXPECT_GE(decisions, 40);

  // The log is read while the server runs: after its writer's next flush, all of it is there.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto imported = run_command(
      in_dir + shoprl() +
      " -q data import -f decision-log -i log -o served.h5 --set import.catalogue=models/shop"
      " --set import.world=runs/traffic/config.yaml --set import.rewards.click=0.2"
      " --set import.rewards.purchase=1.0 --set import.split.train=0.5"
      " --set import.split.valid=0 --set import.split.test=0.5");
  ASSERT_EQ(imported.exit_code, 0) << imported.output;

  const std::string promote = in_dir + shoprl() +
                              " -q promote --candidate candidates/shop --logs served.h5"
                              " --repository models --name shop --set evaluate.split=test"
                              " --set evaluate.true_value_sessions=200 --set ope.reward_max=1.2"
                              " --set promote.estimator=sips";
  const auto refused = run_command(
      promote + " --set run.name=gate-1 --baseline models/shop/1 --set promote.sessions=300");
  ASSERT_EQ(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("refused"), std::string::npos) << refused.output;
  auto decision = nlohmann::json::parse(read_file_text(dir / "runs/gate-1/decision.json"));
  EXPECT_EQ(decision.at("decision"), "refused");
  EXPECT_FALSE(std::isnan(decision.at("candidate_true_session_value").get<double>()));
  EXPECT_EQ(decision.at("true_lead").at("difference").get<double>(), 0.0) << decision.dump();
  EXPECT_EQ(decision.at("true_lead").at("std_error").get<double>(), 0.0);
  EXPECT_GT(decision.at("true_lead").at("baseline_value").get<double>(), 0.0);
  EXPECT_FALSE(fs::exists(dir / "models/shop/2"));

  // The simulator's evidence: a simulator fitted on the held-out half of the served logs.
  const auto fitted =
      run_command(in_dir + shoprl() + " -q sim fit" + config + world +
                  " --set run.name=gate-sim --set sim.store=served.h5 --set sim.fit_split=test"
                  " --set sim.ensemble=1 --set sim.training.epochs=1");
  ASSERT_EQ(fitted.exit_code, 0) << fitted.output;
  const auto simulated =
      run_command(promote +
                  " --set run.name=gate-0 --baseline models/shop/1"
                  " --simulator runs/gate-sim/simulator --set promote.sessions=300");
  ASSERT_EQ(simulated.exit_code, 0) << simulated.output;
  EXPECT_NE(simulated.output.find("simulated per session"), std::string::npos) << simulated.output;
  decision = nlohmann::json::parse(read_file_text(dir / "runs/gate-0/decision.json"));
  EXPECT_EQ(decision.at("evidence"), "simulator");
  EXPECT_EQ(decision.at("decision"), "refused");
  EXPECT_EQ(decision.at("simulated").at("difference").get<double>(), 0.0) << decision.dump();
  EXPECT_GT(decision.at("simulated").at("baseline_value").get<double>(), 0.0);
  EXPECT_EQ(decision.at("simulated").at("sessions"), 300);
  EXPECT_FALSE(fs::exists(dir / "models/shop/2"));
  // Without the served version to compare with, nothing runs.
  const auto no_baseline =
      run_command(promote + " --set run.name=gate-x --simulator runs/gate-sim/simulator 2>&1");
  EXPECT_EQ(no_baseline.exit_code, 3) << no_baseline.output;
  EXPECT_NE(no_baseline.output.find("promote.baseline"), std::string::npos) << no_baseline.output;
  EXPECT_FALSE(fs::exists(dir / "runs/gate-x"));

  // The canary: the candidate served beside version 1 to half the shoppers, each arm imported
  // on its own, and an A/B experiment as the evidence. The candidate is the served policy
  // itself, so the true lead is exactly 0; a margin of 100 per session refuses it.
  const auto staged = run_command(in_dir + shoprl() +
                                  " -q export --run runs/quickstart/agent --name shop-canary"
                                  " --rule boltzmann --temperature 1 --output models");
  ASSERT_EQ(staged.exit_code, 0) << staged.output;
  run_command("curl -s -X POST " + url + "/v1/models/shop-canary/load -d ''");
  const auto ab = run_command(in_dir + shoprl() + " -q traffic" + config + world +
                              " --set run.name=traffic-ab --set traffic.canary_model=shop-canary"
                              " --set traffic.canary_share=0.5 --model shop --sessions 40 --url " +
                              url);
  ASSERT_EQ(ab.exit_code, 0) << ab.output;
  EXPECT_NE(ab.output.find("arm shop-canary:"), std::string::npos) << ab.output;
  const auto arms = nlohmann::json::parse(read_file_text(dir / "runs/traffic-ab/traffic.json"));
  ASSERT_EQ(arms.at("arms").size(), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (const char* model : {"shop", "shop-canary"}) {
    const auto arm =
        run_command(in_dir + shoprl() + " -q data import -f decision-log -i log -o arm-" + model +
                    ".h5 --set import.catalogue=models/" + model + " --set import.model=" + model +
                    " --set import.version=1 --set import.world=runs/traffic/config.yaml"
                    " --set import.rewards.click=0.2 --set import.rewards.purchase=1.0");
    ASSERT_EQ(arm.exit_code, 0) << arm.output;
  }
  const std::string experiment = in_dir + shoprl() +
                                 " -q promote --candidate models/shop-canary --logs arm-shop.h5"
                                 " --repository models --name shop --baseline models/shop/1"
                                 " --set promote.sessions=300";
  const auto missing = run_command(experiment + " --set run.name=ab-x --canary-logs nope.h5 2>&1");
  EXPECT_EQ(missing.exit_code, 5) << missing.output;
  EXPECT_NE(missing.output.find("promote.canary_logs"), std::string::npos) << missing.output;
  EXPECT_FALSE(fs::exists(dir / "runs/ab-x"));
  const auto judged = run_command(experiment +
                                  " --set run.name=ab --canary-logs arm-shop-canary.h5"
                                  " --set promote.margin=100");
  ASSERT_EQ(judged.exit_code, 0) << judged.output;
  EXPECT_NE(judged.output.find("experiment per session"), std::string::npos) << judged.output;
  decision = nlohmann::json::parse(read_file_text(dir / "runs/ab/decision.json"));
  EXPECT_EQ(decision.at("evidence"), "canary");
  EXPECT_EQ(decision.at("decision"), "refused");
  // The canary arm is this experiment's alone; the served arm also holds the first 40 sessions.
  const auto& readout = decision.at("experiment");
  EXPECT_EQ(readout.at("candidate").at("sessions"), arms.at("arms")[1].at("sessions"));
  EXPECT_EQ(readout.at("served").at("sessions").get<std::int64_t>(),
            40 + arms.at("arms")[0].at("sessions").get<std::int64_t>());
  EXPECT_NEAR(readout.at("candidate").at("value").get<double>(),
              arms.at("arms")[1].at("mean_return").get<double>(), 1e-5);
  EXPECT_EQ(decision.at("true_lead").at("difference").get<double>(), 0.0) << decision.dump();
  EXPECT_FALSE(fs::exists(dir / "runs/ab/report"));  // no off-policy evaluation ran
  EXPECT_FALSE(fs::exists(dir / "models/shop/2"));

  const auto published = run_command(promote + " --set run.name=gate-2 --set promote.margin=-1");
  ASSERT_EQ(published.exit_code, 0) << published.output;
  decision = nlohmann::json::parse(read_file_text(dir / "runs/gate-2/decision.json"));
  EXPECT_EQ(decision.at("decision"), "published") << decision.dump();
  EXPECT_EQ(decision.at("published_version"), 2);
  EXPECT_EQ(decision.count("true_lead"), 0u);  // no --baseline: nothing to pair with
  EXPECT_EQ(read_file_text(dir / "models/shop/2/model.pt"),
            read_file_text(dir / "candidates/shop/1/model.pt"));
  const auto reloaded = run_command("curl -s -X POST " + url + "/v1/models/shop/load -d ''");
  EXPECT_NE(reloaded.output.find("\"serving\":2"), std::string::npos) << reloaded.output;

  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  pid = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file_text(dir / "serve.out");
}

}  // namespace
}  // namespace shoprl
