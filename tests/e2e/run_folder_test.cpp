// The output-folder rule (core/run_folder.h, docs/cli.md "Where commands write"), end to end:
// a refused command leaves its run folder byte for byte as it was; a typo or a missing input
// creates no folder; a job that fails leaves none behind; an existing folder is replaced only
// with --overwrite and continued only with train --resume; sim fit keeps everything under its
// run folder and sim report leaves the fit's files alone. Also the errors that name where a
// missing path was set, and the warning for sections another command reads.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "core/atomic_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;
using testing::shoprl;
namespace fs = std::filesystem;

// Every file under `dir` with its bytes: equal snapshots mean an untouched folder.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), dir).string()] = read_file_text(entry.path());
  }
  return files;
}

bool is_empty_folder(const fs::path& dir) {
  return !fs::exists(dir) || fs::directory_iterator(dir) == fs::directory_iterator();
}

// A world small enough that a training iteration takes milliseconds.
std::string tiny_train_config(const fs::path& runs) {
  return "run: {seed: 3, device: cpu, name: tiny, output_dir: '" + runs.string() +
         "'}\n"
         "world: {items: 30, users: 40, factor_dim: 4, topics: 3}\n"
         "env: {slate_size: 3, history_length: 5, max_steps: 5}\n"
         "policy: {encoder: mean, embedding_dim: 8, hidden_dim: 8, history_length: 5}\n"
         "agent:\n"
         "  kind: dqn\n"
         "  dqn: {batch_size: 8, updates_per_iteration: 1, learning_starts: 8}\n"
         "train: {iterations: 2, users: 16, checkpoint_every: 1, eval_every: 0, "
         "eval_sessions: 20, final_eval_sessions: 20}\n";
}

class RunFolder : public ::testing::Test {
 protected:
  // A small synthetic store at store_.
  void make_store() {
    const auto synth = run_command(shoprl() + " -q data synth -o '" + store_ + "' --config " +
                                   config("synth-bandit.yaml") +
                                   " --set synth.sessions=300 --set synth.value_episodes=0");
    ASSERT_EQ(synth.exit_code, 0) << synth.output;
  }
  static std::string config(const std::string& name) {
    return "'" + (testing::source_dir() / "configs" / name).string() + "'";
  }
  std::string evaluate(const std::string& extra) const {
    return shoprl() + " -q evaluate --config " + config("evaluate-bandit.yaml") +
           " --set evaluate.store='" + store_ + "' --set run.output_dir='" + runs_.string() + "' " +
           extra;
  }

  testing::TempDir dir_;
  fs::path runs_ = dir_ / "runs";
  std::string store_ = (dir_ / "logs.h5").string();
};

TEST_F(RunFolder, ARefusedTrainLeavesTheRunByteForByteAsItWas) {
  testing::write_text(dir_ / "train.yaml", tiny_train_config(runs_));
  const std::string train =
      shoprl() + " -q train --config '" + (dir_ / "train.yaml").string() + "'";
  ASSERT_EQ(run_command(train).exit_code, 0);
  const fs::path run = runs_ / "tiny";
  const auto before = snapshot(run);
  ASSERT_TRUE(before.count("checkpoint/state.json"));

  // The newcomer's mistake: the same config again with another length, without --resume.
  const auto refused = run_command(train + " --set train.iterations=3");
  EXPECT_EQ(refused.exit_code, 5) << refused.output;
  EXPECT_NE(refused.output.find("--resume"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("--overwrite"), std::string::npos) << refused.output;
  EXPECT_EQ(snapshot(run), before);

  // The two ways on: continue it, or replace it.
  const auto resumed =
      run_command(shoprl() + " -q train --resume '" + run.string() + "' --set train.iterations=3");
  EXPECT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(read_file_text(run / "config.yaml").find("iterations: 3"), std::string::npos);
  const auto replaced = run_command(train + " --overwrite");
  EXPECT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_NE(read_file_text(run / "config.yaml").find("iterations: 2"), std::string::npos);
}

TEST_F(RunFolder, ATypoOrAMissingInputCreatesNoFolder) {
  const auto typo = run_command(shoprl() + " -q evaluate --set run.output_dir='" + runs_.string() +
                                "' --set evaluate.stroe=x.h5");
  EXPECT_EQ(typo.exit_code, 3) << typo.output;
  EXPECT_NE(typo.output.find("did you mean 'evaluate.store'?"), std::string::npos) << typo.output;
  const auto missing = run_command(shoprl() + " -q evaluate --set run.output_dir='" +
                                   runs_.string() + "' --set evaluate.store=absent.h5");
  EXPECT_EQ(missing.exit_code, 5) << missing.output;
  EXPECT_TRUE(is_empty_folder(runs_)) << "a refused command created " << runs_;
}

TEST_F(RunFolder, AJobThatFailsLeavesNoNewFolder) {
  make_store();
  // Rewards reach 1.2 (click 0.2 + purchase 1.0): a range of [0, 1] is a data error found
  // after the run folder was opened.
  const auto failed = run_command(evaluate("--set ope.reward_max=1"));
  EXPECT_EQ(failed.exit_code, 4) << failed.output;
  EXPECT_TRUE(is_empty_folder(runs_)) << "the failed job left " << runs_;
}

TEST_F(RunFolder, AnEarlierEvaluationIsReplacedOnlyWithOverwrite) {
  make_store();
  ASSERT_EQ(run_command(evaluate("")).exit_code, 0);
  const fs::path run = runs_ / "evaluate-bandit";
  const auto before = snapshot(run);
  const auto refused = run_command(evaluate("--set ope.confidence=0.9"));
  EXPECT_EQ(refused.exit_code, 5) << refused.output;
  EXPECT_NE(refused.output.find(run.string() + ": the output folder already holds"),
            std::string::npos)
      << refused.output;
  EXPECT_EQ(snapshot(run), before);
  const auto replaced = run_command(evaluate("--set ope.confidence=0.9 --overwrite"));
  EXPECT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_NE(read_file_text(run / "config.yaml").find("confidence: 0.9"), std::string::npos);
}

TEST_F(RunFolder, SimFitWritesUnderItsRunAndSimReportLeavesTheFitAlone) {
  make_store();
  const std::string sets = " --set run.name=fit --set run.output_dir='" + runs_.string() +
                           "' --set sim.store='" + store_ +
                           "' --set sim.ensemble=1 --set sim.training.epochs=1"
                           " --set sim.model.embedding_dim=8 --set sim.model.hidden_dim=8";
  const auto fit = run_command(shoprl() + " -q sim fit" + sets);
  ASSERT_EQ(fit.exit_code, 0) << fit.output;
  const fs::path run = runs_ / "fit";
  EXPECT_TRUE(fs::exists(run / "simulator" / "simulator.json"));
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "runs" || name == "logs.h5") << "sim fit wrote " << name;
  }
  const auto fit_files = snapshot(run);
  const auto report = run_command(shoprl() + " -q sim report" + sets);
  ASSERT_EQ(report.exit_code, 0) << report.output;
  EXPECT_TRUE(fs::exists(run / "simulator" / "report" / "index.html"));
  EXPECT_TRUE(fs::exists(run / "simulator" / "report" / "config.yaml"));
  for (const auto& [file, bytes] : fit_files) {
    const auto now = snapshot(run);
    ASSERT_TRUE(now.count(file)) << file;
    EXPECT_EQ(now.at(file), bytes) << "sim report changed " << file;
  }
}

TEST_F(RunFolder, AMissingPathNamesItsKeyLineFolderAndMaker) {
  testing::write_text(dir_ / "eval.yaml", "run:\n  name: x\nevaluate:\n  store: data/absent.h5\n");
  const auto result = run_command("cd '" + dir_.path().string() + "' && " + shoprl() +
                                  " -q evaluate --config eval.yaml");
  EXPECT_EQ(result.exit_code, 5) << result.output;
  EXPECT_EQ(result.output.rfind("shoprl: error: evaluate.store (eval.yaml:4): data/absent.h5 not "
                                "found, resolved against " +
                                    fs::canonical(dir_.path()).string() +
                                    "; make it with `shoprl data synth",
                                0),
            0u)
      << result.output;
}

TEST_F(RunFolder, SectionsForAnotherCommandAreNamed) {
  const auto result =
      run_command(shoprl() + " data synth --config " + config("import-diginetica.yaml") + " -o '" +
                  store_ + "' --set synth.sessions=20 --set synth.value_episodes=0");
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("data synth reads none of the section import given in"),
            std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace shoprl
