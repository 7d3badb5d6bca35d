// End-to-end tests of data-parallel `shoprl train` (docs/training.md, "More than one machine"):
// ranks started by the test on loopback with the torchrun variables. Two ranks end with
// bitwise-identical parameters; two ranks with half the batch each end where one process with
// the whole batch ends, for an offline agent (supervised) and an online one (reinforce), within
// float summation order; a killed rank makes the other exit naming it, and the job resumes from
// its checkpoint to the uninterrupted job's numbers; torchrun launches it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "testing/test_paths.h"
#include "testing/tiny_training_world.h"

namespace shoprl {
namespace {

using testing::run_command;
using testing::shoprl;
using testing::TempDir;

// A port nobody listens on now (the kernel's pick for an ephemeral bind).
int unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// The tiny training world, with the batch sizes per rank given.
std::string job_config(const TempDir& dir, const std::string& agent, int offline_batch, int users,
                       int iterations) {
  return "run: {seed: 3, device: cpu, output_dir: '" + (dir / "runs").string() + "'}\n" +
         testing::kTinyTrainingWorldYaml +
         "agent:\n"
         "  kind: " +
         agent + "\n  offline: {batch_size: " + std::to_string(offline_batch) +
         ", steps_per_iteration: 2}\n"
         "train:\n"
         "  store: '" +
         (dir / "logs.h5").string() + "'\n  iterations: " + std::to_string(iterations) +
         "\n  users: " + std::to_string(users) +
         "\n  checkpoint_every: 5\n  eval_every: 0\n  eval_sessions: 20\n"
         "  final_eval_sessions: 20\n"
         "distributed: {timeout_seconds: 30}\n";
}

void make_logs(const TempDir& dir) {
  testing::write_text(dir / "synth.yaml", job_config(dir, "supervised", 8, 24, 1));
  const auto synth =
      run_command(shoprl() + " -q data synth --config '" + (dir / "synth.yaml").string() +
                  "' -o '" + (dir / "logs.h5").string() + "'");
  ASSERT_EQ(synth.exit_code, 0) << synth.output;
}

// The environment that makes `shoprl train` rank `rank` of a job of `world` on loopback.
std::string rank_environment(int rank, int world, int port) {
  return "RANK=" + std::to_string(rank) + " WORLD_SIZE=" + std::to_string(world) +
         " LOCAL_RANK=" + std::to_string(rank) +
         " MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " ";
}

struct JobResult {
  std::vector<int> exit_codes;
  std::vector<std::string> logs;  // each rank's stdout and stderr
};

// Runs rank r of a job as `shoprl -q train <arguments[r]>`, all together, and waits for them.
JobResult run_job(const TempDir& dir, const std::vector<std::string>& arguments,
                  const std::string& tag) {
  const int world = static_cast<int>(arguments.size());
  const int port = unused_port();
  std::string script = "cd '" + dir.path().string() + "'; ";
  for (int r = 0; r < world; ++r)
    script += rank_environment(r, world, port) + shoprl() + " -q train " + arguments[r] + " > " +
              tag + ".rank" + std::to_string(r) + ".log 2>&1 & p" + std::to_string(r) + "=$!; ";
  for (int r = 0; r < world; ++r)
    script += "wait $p" + std::to_string(r) + "; echo \"exit " + std::to_string(r) + " $?\"; ";
  const auto ran = run_command(script);
  JobResult result;
  for (int r = 0; r < world; ++r) {
    const std::regex line("exit " + std::to_string(r) + " (\\d+)");
    std::smatch match;
    result.exit_codes.push_back(
        std::regex_search(ran.output, match, line) ? std::stoi(match[1].str()) : -1);
    result.logs.push_back(read_file_text(dir / (tag + ".rank" + std::to_string(r) + ".log")));
  }
  return result;
}

// `world` ranks with the same arguments.
JobResult run_job(const TempDir& dir, int world, const std::string& arguments,
                  const std::string& tag) {
  return run_job(dir, std::vector<std::string>(static_cast<std::size_t>(world), arguments), tag);
}

// Each rank's own digest of its parameters as rank 0 gathered them (distributed.json; rank 0
// fails the job instead of writing it when they differ).
std::vector<std::string> rank_digests(const std::filesystem::path& run) {
  const nlohmann::json job = nlohmann::json::parse(read_file_text(run / "distributed.json"));
  std::vector<std::string> out;
  for (const auto& rank : job.at("ranks")) out.push_back(rank.at("digest").get<std::string>());
  return out;
}

// Every tensor of a torch archive (a module's parameters and buffers, submodules by dotted
// name).
void read_archive(torch::serialize::InputArchive& archive, const std::string& prefix,
                  std::map<std::string, torch::Tensor>& out) {
  for (const std::string& key : archive.keys()) {
    torch::Tensor tensor;
    if (archive.try_read(key, tensor)) {
      out[prefix + key] = tensor;
      continue;
    }
    torch::serialize::InputArchive child;
    if (archive.try_read(key, child)) read_archive(child, prefix + key + ".", out);
  }
}

std::map<std::string, torch::Tensor> checkpoint_tensors(const std::filesystem::path& run,
                                                        const std::string& module) {
  torch::serialize::InputArchive archive;
  archive.load_from((run / "checkpoint" / (module + ".pt")).string());
  std::map<std::string, torch::Tensor> out;
  read_archive(archive, "", out);
  return out;
}

// The largest |a - b| over the tensors both runs hold (which must be the same names).
double largest_difference(const std::map<std::string, torch::Tensor>& a,
                          const std::map<std::string, torch::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  EXPECT_FALSE(a.empty());
  double largest = 0;
  for (const auto& [name, tensor] : a) {
    const auto other = b.find(name);
    if (other == b.end()) {
      ADD_FAILURE() << name << " is in one checkpoint only";
      continue;
    }
    largest = std::max(largest, (tensor.to(torch::kFloat64) - other->second.to(torch::kFloat64))
                                    .abs()
                                    .max()
                                    .item<double>());
  }
  return largest;
}

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// Float summation order: two ranks add their weighted gradients in another order than one
// process sums a batch, so the steps differ by rounding (about 1e-7 relative per step); over 8
// Adam steps of a network with weights of order 0.1 that stays far below 1e-4. A wrong weighting
// of the ranks (a plain mean of unequal shares, one rank's gradient alone) moves weights by
// the learning rate, 1e-3, per step.
constexpr double kSummationTolerance = 1e-4;

TEST(DistributedTrain, TwoRanksOfAnOfflineAgentStayIdenticalAndMatchOneWithTheWholeBatch) {
  TempDir dir;
  make_logs(dir);
  testing::write_text(dir / "whole.yaml", job_config(dir, "supervised", 8, 24, 4));
  testing::write_text(dir / "half.yaml", job_config(dir, "supervised", 4, 24, 4));
  const auto one = run_command(shoprl() + " -q train --config " + quoted(dir / "whole.yaml") +
                               " --set run.name=one");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const JobResult two =
      run_job(dir, 2, "--config " + quoted(dir / "half.yaml") + " --set run.name=two", "two");
  ASSERT_EQ(two.exit_codes, (std::vector<int>{0, 0})) << two.logs[0] << two.logs[1];

  // Bitwise-identical replicas: each rank's own digest of its parameters.
  const std::vector<std::string> digests = rank_digests(dir / "runs" / "two");
  ASSERT_EQ(digests.size(), 2U);
  EXPECT_EQ(digests[0].size(), 16U);
  EXPECT_EQ(digests[0], digests[1]);
  const nlohmann::json job =
      nlohmann::json::parse(read_file_text(dir / "runs" / "two" / "distributed.json"));
  EXPECT_EQ(job["world_size"], 2);
  EXPECT_EQ(job["replicas_identical"], true);
  EXPECT_EQ(job["ranks"][1]["all_reduce_steps"], 8);  // 4 iterations of 2 steps
  // Only rank 0 wrote the run; the checkpoint records the world size.
  const nlohmann::json state =
      nlohmann::json::parse(read_file_text(dir / "runs" / "two" / "checkpoint" / "state.json"));
  EXPECT_EQ(state["world_size"], 2);

  const double difference =
      largest_difference(checkpoint_tensors(dir / "runs" / "one", "offline_network0"),
                         checkpoint_tensors(dir / "runs" / "two", "offline_network0"));
  std::cout << "largest |one rank - two ranks| over the parameters: " << difference << "\n";
  EXPECT_LT(difference, kSummationTolerance);
  // ...and the comparison can fail: one process with the rank's half batch ends far away.
  const auto half = run_command(shoprl() + " -q train --config " + quoted(dir / "half.yaml") +
                                " --set run.name=half");
  ASSERT_EQ(half.exit_code, 0) << half.output;
  const double half_batch =
      largest_difference(checkpoint_tensors(dir / "runs" / "half", "offline_network0"),
                         checkpoint_tensors(dir / "runs" / "two", "offline_network0"));
  std::cout << "largest |one rank with the half batch - two ranks|: " << half_batch << "\n";
  EXPECT_GT(half_batch, 10 * kSummationTolerance);
}

TEST(DistributedTrain, TwoRanksOfAnOnlineAgentMatchOneRankWithAllTheUsers) {
  TempDir dir;
  make_logs(dir);
  testing::write_text(dir / "whole.yaml", job_config(dir, "reinforce", 8, 24, 4));
  testing::write_text(dir / "half.yaml", job_config(dir, "reinforce", 8, 12, 4));
  // A job of one rank: its users draw their exploration from their own streams, as in any job.
  const JobResult one =
      run_job(dir, 1, "--config " + quoted(dir / "whole.yaml") + " --set run.name=one", "one");
  ASSERT_EQ(one.exit_codes, (std::vector<int>{0})) << one.logs[0];
  const JobResult two =
      run_job(dir, 2, "--config " + quoted(dir / "half.yaml") + " --set run.name=two", "two");
  ASSERT_EQ(two.exit_codes, (std::vector<int>{0, 0})) << two.logs[0] << two.logs[1];
  const std::vector<std::string> digests = rank_digests(dir / "runs" / "two");
  ASSERT_EQ(digests.size(), 2U);
  EXPECT_EQ(digests[0], digests[1]);
  const double difference = largest_difference(checkpoint_tensors(dir / "runs" / "one", "network"),
                                               checkpoint_tensors(dir / "runs" / "two", "network"));
  std::cout << "largest |one rank - two ranks| over the parameters: " << difference << "\n";
  EXPECT_LT(difference, kSummationTolerance);
  // The job's metrics are the whole rollout's: summed steps, the mean return of equal shares.
  const auto last_line = [&](const std::string& run) {
    const std::string text = read_file_text(dir / "runs" / run / "metrics.jsonl");
    const std::size_t end = text.find_last_of('\n', text.size() - 2);
    return nlohmann::json::parse(text.substr(end + 1));
  };
  EXPECT_EQ(last_line("one")["steps"], last_line("two")["steps"]);
  EXPECT_NEAR(last_line("one")["return"].get<double>(), last_line("two")["return"].get<double>(),
              1e-9);
}

TEST(DistributedTrain, AKilledRankStopsTheOtherNamingItAndTheJobResumesToTheSameNumbers) {
  TempDir dir;
  make_logs(dir);
  testing::write_text(dir / "job.yaml", job_config(dir, "supervised", 4, 24, 150));
  const std::string config = "--config " + quoted(dir / "job.yaml");
  const JobResult whole = run_job(dir, 2, config + " --set run.name=whole", "whole");
  ASSERT_EQ(whole.exit_codes, (std::vector<int>{0, 0})) << whole.logs[0] << whole.logs[1];

  // Rank 1 is killed once rank 0 has written 6 iterations (so the checkpoint at 5 exists).
  const int port = unused_port();
  const std::string train = shoprl() + " -q train " + config + " --set run.name=killed";
  const std::string script =
      "cd " + quoted(dir.path()) + "; " + rank_environment(0, 2, port) + train +
      " > killed.rank0.log 2>&1 & p0=$!; " + rank_environment(1, 2, port) + train +
      " > killed.rank1.log 2>&1 & p1=$!; "
      "for i in $(seq 1 1200); do n=$(cat runs/killed/metrics.jsonl 2>/dev/null | wc -l); "
      "[ \"$n\" -ge 6 ] && break; sleep 0.025; done; "
      "kill -9 $p1; start=$(date +%s%N); wait $p0; code=$?; end=$(date +%s%N); wait $p1; "
      "echo \"rank0 $code $(( (end - start) / 1000000 ))\"";
  const auto killed = run_command(script);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(killed.output, match, std::regex("rank0 (\\d+) (\\d+)")))
      << killed.output;
  const std::string rank0_log = read_file_text(dir / "killed.rank0.log");
  EXPECT_EQ(std::stoi(match[1].str()), 6) << rank0_log;  // DistributedError
  std::cout << "rank 0 exited " << match[2].str() << " ms after rank 1 was killed\n";
  EXPECT_LT(std::stoi(match[2].str()), 30000) << "ms after the kill, past the timeout";
  EXPECT_NE(rank0_log.find("rank 1 stopped"), std::string::npos) << rank0_log;
  EXPECT_NE(rank0_log.find("--resume"), std::string::npos) << rank0_log;

  // Another world size is refused, naming both; the run is left as it was.
  const std::filesystem::path run = dir / "runs" / "killed";
  const auto alone = run_command(shoprl() + " -q train --resume " + quoted(run));
  EXPECT_EQ(alone.exit_code, 3) << alone.output;
  EXPECT_NE(alone.output.find("2 rank(s), this one has 1"), std::string::npos) << alone.output;

  const JobResult resumed = run_job(dir, 2, "--resume " + quoted(run), "resumed");
  ASSERT_EQ(resumed.exit_codes, (std::vector<int>{0, 0})) << resumed.logs[0] << resumed.logs[1];
  EXPECT_EQ(read_file_text(run / "metrics.jsonl"),
            read_file_text(dir / "runs" / "whole" / "metrics.jsonl"));
  EXPECT_EQ(rank_digests(run), rank_digests(dir / "runs" / "whole"));
}

TEST(DistributedTrain, ARankThatLagsPastTheTimeoutIsNamed) {
  // Rank 0 evaluates alone during training (600,000 sessions: seconds) while rank 1 waits in
  // the next collective for 1 s: rank 1 names rank 0 as the one that never came, and rank 0
  // then hears why rank 1 stopped.
  TempDir dir;
  make_logs(dir);
  testing::write_text(dir / "job.yaml", job_config(dir, "reinforce", 8, 12, 2));
  const JobResult job = run_job(dir, 2,
                                "--config " + quoted(dir / "job.yaml") +
                                    " --set run.name=lag --set distributed.timeout_seconds=1"
                                    " --set train.eval_every=1 --set train.eval_sessions=600000",
                                "lag");
  EXPECT_EQ(job.exit_codes, (std::vector<int>{6, 6})) << job.logs[0] << job.logs[1];
  EXPECT_NE(job.logs[1].find("rank 1: rank 0 never reached this collective"), std::string::npos)
      << job.logs[1];
  EXPECT_NE(job.logs[0].find("rank 1 failed: rank 0 never reached this collective"),
            std::string::npos)
      << job.logs[0];
}

TEST(DistributedTrain, DqnResumesEachRanksReplayBufferWithoutASharedRunFolder) {
  TempDir dir;
  make_logs(dir);
  testing::write_text(dir / "dqn.yaml",
                      job_config(dir,
                                 "dqn\n  dqn: {batch_size: 16, updates_per_iteration: 2, "
                                 "learning_starts: 16, epsilon_decay_iterations: 3, n_step: 2}",
                                 8, 12, 6));
  const std::string config = "--config " + quoted(dir / "dqn.yaml");
  const JobResult whole = run_job(dir, 2, config + " --set run.name=whole", "whole");
  ASSERT_EQ(whole.exit_codes, (std::vector<int>{0, 0})) << whole.logs[0] << whole.logs[1];
  const JobResult first =
      run_job(dir, 2, config + " --set run.name=split --set train.iterations=3", "first");
  ASSERT_EQ(first.exit_codes, (std::vector<int>{0, 0})) << first.logs[0] << first.logs[1];
  const std::filesystem::path split = dir / "runs" / "split";
  // Each rank's own replay buffer is in rank 0's checkpoint.
  EXPECT_TRUE(std::filesystem::exists(split / "checkpoint" / "rank_state.rank0.pt"));
  EXPECT_TRUE(std::filesystem::exists(split / "checkpoint" / "rank_state.rank1.pt"));
  EXPECT_FALSE(std::filesystem::exists(split / "checkpoint" / "replay.pt"));
  // Rank 1 resumes from a folder it does not have (another machine): rank 0 sends it the
  // checkpoint, and it reads the run's config from a copy.
  std::filesystem::copy_file(split / "config.yaml", dir / "copied-config.yaml");
  const JobResult rest =
      run_job(dir,
              {"--resume " + quoted(split) + " --set train.iterations=6",
               "--resume " + quoted(dir / "elsewhere" / "split") + " --config " +
                   quoted(dir / "copied-config.yaml") + " --set train.iterations=6"},
              "rest");
  ASSERT_EQ(rest.exit_codes, (std::vector<int>{0, 0})) << rest.logs[0] << rest.logs[1];
  EXPECT_FALSE(std::filesystem::exists(dir / "elsewhere"));
  EXPECT_EQ(rank_digests(split), rank_digests(dir / "runs" / "whole"))
      << "the resumed job ends where the uninterrupted one did";
  const std::string metrics = read_file_text(split / "metrics.jsonl");
  EXPECT_EQ(metrics, read_file_text(dir / "runs" / "whole" / "metrics.jsonl"));
  EXPECT_NE(metrics.find("\"gradient_steps\":12.0"), std::string::npos)
      << "the replay buffers were sampled: " << metrics;
}

TEST(DistributedTrain, RanksWithDifferentConfigsAreRefusedBeforeAnythingIsWritten) {
  TempDir dir;
  make_logs(dir);
  testing::write_text(dir / "job.yaml", job_config(dir, "supervised", 4, 24, 4));
  const int port = unused_port();
  const std::string train =
      shoprl() + " -q train --config " + quoted(dir / "job.yaml") + " --set run.name=mixed";
  const auto ran = run_command(
      "cd " + quoted(dir.path()) + "; " + rank_environment(0, 2, port) + train +
      " > r0.log 2>&1 & p0=$!; " + rank_environment(1, 2, port) + train +
      " --set agent.learning_rate=0.5 > r1.log 2>&1 & p1=$!; wait $p0; echo \"rank0 $?\"; "
      "wait $p1; echo \"rank1 $?\"");
  EXPECT_NE(ran.output.find("rank0 6"), std::string::npos) << ran.output;
  EXPECT_NE(ran.output.find("rank1 6"), std::string::npos) << ran.output;
  EXPECT_NE(read_file_text(dir / "r0.log").find("rank 1 has other training data or another config"),
            std::string::npos)
      << read_file_text(dir / "r0.log");
  EXPECT_NE(read_file_text(dir / "r1.log").find("rank 0 refused to start the job"),
            std::string::npos)
      << read_file_text(dir / "r1.log");
  EXPECT_FALSE(std::filesystem::exists(dir / "runs" / "mixed"));
}

TEST(DistributedTrain, TorchrunLaunchesTheRanks) {
  if (!std::filesystem::exists("/usr/bin/torchrun"))
    GTEST_SKIP() << "/usr/bin/torchrun not found (Debian's python3-torch provides it)";
  TempDir dir;
  make_logs(dir);
  testing::write_text(dir / "job.yaml", job_config(dir, "supervised", 4, 24, 4));
  // --redirects 1 --tee 1: Debian 12's torchrun (torch 1.13 on Python 3.11) fails to parse its
  // default of 0 for both (docs/training.md).
  const auto ran =
      run_command("cd " + quoted(dir.path()) +
                  "; /usr/bin/torchrun --nnodes 1 --nproc_per_node 2 --master_addr 127.0.0.1 "
                  "--master_port " +
                  std::to_string(unused_port()) + " --redirects 1 --tee 1 --no_python " +
                  testing::shoprl_binary().string() + " -q train --config " +
                  quoted(dir / "job.yaml") + " --set run.name=torchrun 2>&1");
  ASSERT_EQ(ran.exit_code, 0) << ran.output;
  const nlohmann::json job =
      nlohmann::json::parse(read_file_text(dir / "runs" / "torchrun" / "distributed.json"));
  EXPECT_EQ(job["world_size"], 2);
  EXPECT_EQ(job["replicas_identical"], true);
}

}  // namespace
}  // namespace shoprl
