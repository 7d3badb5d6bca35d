// End-to-end tests of the shoprl program: exit codes, one-line errors, files left behind.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "data/session_store_io.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

using testing::shoprl;

TEST(Cli, VersionAndHelp) {
  const auto version = run_command(shoprl() + " --version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.output.find("shoprl 0."), std::string::npos) << version.output;
  const auto help = run_command(shoprl() + " --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"data", "quickstart", "config", "bench", "info"}) {
    EXPECT_NE(help.output.find(command), std::string::npos) << command;
  }
  const auto import_help = run_command(shoprl() + " data import --help");
  EXPECT_NE(import_help.output.find("retailrocket"), std::string::npos) << import_help.output;
}

TEST(Cli, UsageErrorsExitWithCode2) {
  EXPECT_EQ(run_command(shoprl() + " no-such-command").exit_code, 2);
  EXPECT_EQ(run_command(shoprl() + " data import --format retailrocket").exit_code, 2);
}

TEST(Cli, UnknownConfigKeyIsOneLineWithSuggestionAndExitCode3) {
  const auto result = run_command(shoprl() + " config show --set import.min_sesion_length=3");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output,
            "shoprl: error: --set import.min_sesion_length=3: unknown config key "
            "'import.min_sesion_length'; did you mean 'import.min_session_length'?\n");
}

TEST(Cli, ASetMistakeIsBlamedOnTheSetArgument) {
  const auto result = run_command(shoprl() + " config show --set synht.sessions=10");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output,
            "shoprl: error: --set synht.sessions=10: unknown config key 'synht'; did you mean "
            "'synth'?\n");
}

TEST(Cli, ParseErrorsAreOneLineWithTheDocumentedExitCodes) {
  testing::TempDir dir;
  const std::string absent = (dir / "absent.yaml").string();
  const auto config = run_command(shoprl() + " config show --config '" + absent + "'");
  EXPECT_EQ(config.exit_code, 5);
  EXPECT_EQ(config.output, "shoprl: error: " + absent + ": config file not found\n");

  const std::string no_run = (dir / "no-run").string();
  const auto resume = run_command(shoprl() + " train --resume '" + no_run + "'");
  EXPECT_EQ(resume.exit_code, 5);
  EXPECT_EQ(resume.output, "shoprl: error: --resume " + no_run + ": no such run folder\n");

  const auto typo = run_command(shoprl() + " data improt -i x.csv");
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_EQ(typo.output,
            "shoprl: error: unknown command 'improt' for 'shoprl data'; did you mean 'import'?\n");

  const auto flag = run_command(shoprl() + " data stats --bogus x.h5");
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_EQ(flag.output.rfind("shoprl: error: ", 0), 0u) << flag.output;
  EXPECT_EQ(std::count(flag.output.begin(), flag.output.end(), '\n'), 1) << flag.output;
}

TEST(Cli, QuietWorksAfterTheSubcommandToo) {
  testing::TempDir dir;
  const std::string store = (dir / "logs.h5").string();
  const auto before = run_command(shoprl() + " data synth -o '" + store +
                                  "' --set synth.sessions=20 --set synth.value_episodes=0");
  ASSERT_EQ(before.exit_code, 0) << before.output;
  EXPECT_NE(before.output.find("[info]"), std::string::npos) << before.output;
  const auto after = run_command(shoprl() + " data synth -q -o '" + store +
                                 "' --set synth.sessions=20 --set synth.value_episodes=0");
  ASSERT_EQ(after.exit_code, 0) << after.output;
  EXPECT_EQ(after.output.find("[info]"), std::string::npos) << after.output;
}

TEST(Cli, ConfigShowPrintsTheResolvedConfigWithOverrides) {
  const auto result =
      run_command(shoprl() + " config show --set run.seed=7 --set import.split.method=time");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("seed: 7"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("method: time"), std::string::npos);
}

TEST(Cli, EveryExampleConfigLoads) {
  for (const auto& entry : std::filesystem::directory_iterator(testing::source_dir() / "configs")) {
    if (entry.path().extension() != ".yaml") continue;
    const auto result =
        run_command(shoprl() + " config show --config '" + entry.path().string() + "'");
    EXPECT_EQ(result.exit_code, 0) << entry.path() << ": " << result.output;
  }
}

TEST(Cli, ConfigReferenceInDocsIsUpToDate) {
  const auto result = run_command(shoprl() + " config reference");
  ASSERT_EQ(result.exit_code, 0);
  const auto docs = testing::source_dir() / "docs" / "config-reference.md";
  EXPECT_EQ(result.output, read_file_text(docs))
      << "docs/config-reference.md is stale: regenerate it with "
         "`build/shoprl config reference -o docs/config-reference.md`";
}

class CliImport : public ::testing::Test {
 protected:
  testing::TempDir dir_;
};

TEST_F(CliImport, SampleImportStatsRoundTrip) {
  const auto log = dir_ / "events.csv.gz";
  const auto store = dir_ / "store.h5";
  ASSERT_EQ(run_command(shoprl() + " -q data sample -o '" + log.string() +
                        "' --set sample.events=5000 --set run.seed=3")
                .exit_code,
            0);
  const auto imported = run_command(shoprl() + " -q data import --format retailrocket -i '" +
                                    log.string() + "' -o '" + store.string() + "'");
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  const auto stats = run_command(shoprl() + " data stats --json '" + store.string() + "'");
  ASSERT_EQ(stats.exit_code, 0) << stats.output;
  const auto json = nlohmann::json::parse(stats.output);
  // The generator writes no exact duplicates and the defaults filter nothing else, so every
  // row survives as one event.
  const int events = json["events"]["click"].get<int>() + json["events"]["cart"].get<int>() +
                     json["events"]["purchase"].get<int>();
  EXPECT_EQ(events, 5000);
  EXPECT_GT(json["sessions"].get<int>(), 100);
  EXPECT_GT(json["events"]["purchase"].get<int>(), 0);
}

TEST_F(CliImport, MalformedRowStopsWithFileLineAndKeepsTheOldStore) {
  const auto log = dir_ / "events.csv";
  const auto store = dir_ / "store.h5";
  testing::write_text(log,
                      "timestamp,visitorid,event,itemid,transactionid\n"
                      "1433221332117,1,view,10,\n"
                      "1433221332118,1,view,11,\n");
  ASSERT_EQ(run_command(shoprl() + " -q data import -f retailrocket -i '" + log.string() +
                        "' -o '" + store.string() + "'")
                .exit_code,
            0);
  const std::string good_store = read_file_text(store);

  testing::write_text(log,
                      "timestamp,visitorid,event,itemid,transactionid\n"
                      "1433221332117,1,view,10,\n"
                      "1433221332118,1,glance,11,\n");
  const auto result = run_command(shoprl() + " -q data import -f retailrocket -i '" + log.string() +
                                  "' -o '" + store.string() + "'");
  EXPECT_EQ(result.exit_code, 4) << result.output;
  EXPECT_NE(result.output.find(log.string() + ":3:"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("glance"), std::string::npos) << result.output;
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
  EXPECT_EQ(read_file_text(store), good_store);
  // Nothing else (no temporary file) is left in the folder.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir_.path()))
    ++files;
  EXPECT_EQ(files, 2u);

  const auto skipped = run_command(shoprl() + " data import -f retailrocket --skip-bad-rows -i '" +
                                   log.string() + "' -o '" + store.string() + "'");
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_NE(skipped.output.find("skipped 1 malformed rows"), std::string::npos) << skipped.output;
}

TEST_F(CliImport, SameSeedGivesTheSameStoreByteForByte) {
  const auto log = dir_ / "events.csv";
  ASSERT_EQ(
      run_command(shoprl() + " -q data sample -o '" + log.string() + "' --set sample.events=3000")
          .exit_code,
      0);
  const auto import_with_seed = [&](const std::string& name, int seed) {
    const auto result =
        run_command(shoprl() + " -q data import -f retailrocket -i '" + log.string() + "' -o '" +
                    (dir_ / name).string() + "' --set run.seed=" + std::to_string(seed));
    EXPECT_EQ(result.exit_code, 0) << result.output;
    return read_file_text(dir_ / name);
  };
  const std::string first = import_with_seed("a.h5", 1);
  EXPECT_EQ(import_with_seed("b.h5", 1), first);
  // Another seed draws another random split, so the file differs.
  EXPECT_NE(import_with_seed("c.h5", 2), first);
}

TEST_F(CliImport, MissingInputIsAnIoErrorWithExitCode5) {
  const auto result =
      run_command(shoprl() + " -q data import -f retailrocket -i '" +
                  (dir_ / "absent.csv").string() + "' -o '" + (dir_ / "s.h5").string() + "'");
  EXPECT_EQ(result.exit_code, 5) << result.output;
  EXPECT_NE(result.output.find("absent.csv: file not found"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "s.h5"));
}

TEST_F(CliImport, CorruptStoreIsADataErrorForStats) {
  testing::write_text(dir_ / "bad.h5", "this is not HDF5");
  const auto result = run_command(shoprl() + " data stats '" + (dir_ / "bad.h5").string() + "'");
  EXPECT_EQ(result.exit_code, 4) << result.output;
  EXPECT_NE(result.output.find("bad.h5"), std::string::npos) << result.output;
}

// Under a data-parallel launcher every process would run the whole quickstart into the same
// folder: it refuses before writing anything.
TEST(CliQuickstart, RefusesToRunAsOneRankOfADataParallelJob) {
  testing::TempDir dir;
  const auto result = run_command("cd '" + dir.path().string() + "' && RANK=0 WORLD_SIZE=2 " +
                                  shoprl() + " quickstart");
  EXPECT_EQ(result.exit_code, 6) << result.output;
  EXPECT_NE(result.output.find("quickstart runs in one process"), std::string::npos)
      << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "runs")) << result.output;
}

// The whole loop, shrunk: logs, a simulator, an agent trained in it, and its evaluation.
// A bare `shoprl quickstart` runs its embedded default (configs/quickstart.yaml compiled in),
// shrunk here by --set in size only, so that the defaults' own consistency is what is tested.
TEST(CliQuickstart, RunsTheWholeLoopInTheRunDirectory) {
  testing::TempDir dir;
  const std::string quickstart =
      "cd '" + dir.path().string() + "' && " + shoprl() +
      " -q quickstart --set synth.sessions=60 --set synth.value_episodes=50"
      " --set world.items=300 --set sim.ensemble=1 --set sim.training.epochs=2"
      " --set train.iterations=2 --set train.users=32 --set train.eval_sessions=50"
      " --set train.final_eval_sessions=100";
  const auto result = run_command(quickstart);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto run = dir / "runs" / "quickstart";
  const std::string config = read_file_text(run / "config.yaml");
  EXPECT_NE(config.find("# from: configs/quickstart.yaml (embedded)"), std::string::npos);
  EXPECT_NE(config.find("seed: 42"), std::string::npos);
  EXPECT_NE(config.find("sessions: 60"), std::string::npos);
  EXPECT_NE(config.find("kind: plackett_luce"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(run / "sessions.h5"));
  EXPECT_TRUE(store_has_truth(run / "sessions.h5"));
  EXPECT_EQ(read_store_truth(run / "sessions.h5").policy_values.size(), 4u);
  EXPECT_TRUE(std::filesystem::exists(run / "shoprl.log"));
  const auto stats = nlohmann::json::parse(read_file_text(run / "stats.json"));
  EXPECT_EQ(stats["sessions"].get<int>(), 60);
  EXPECT_NE(result.output.find("true policy value"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("Run directory"), std::string::npos);
  EXPECT_NE(result.output.find("Stages: 1 logs"), std::string::npos) << result.output;
  EXPECT_TRUE(std::filesystem::exists(run / "simulator" / "simulator.json"));
  EXPECT_TRUE(std::filesystem::exists(run / "agent" / "checkpoint" / "state.json"));
  EXPECT_TRUE(std::filesystem::exists(run / "agent" / "report" / "index.html"));
  const auto evaluation = nlohmann::json::parse(read_file_text(run / "agent" / "evaluation.json"));
  EXPECT_TRUE(evaluation.contains("true_world"));
  EXPECT_TRUE(evaluation.contains("simulator"));
  // The simulator's value of the trained policy beside the true one, as a ratio.
  const double ratio = evaluation["simulator"]["value"].get<double>() /
                       evaluation["true_world"][0]["value"].get<double>();
  EXPECT_DOUBLE_EQ(evaluation["simulator_over_true"].get<double>(), ratio);
  EXPECT_NE(result.output.find("the simulator values this policy at"), std::string::npos)
      << result.output;
  EXPECT_TRUE(evaluation.contains("off_policy"));
  // Every estimator that ran is scored against a truth in its own unit: sessions by the Monte
  // Carlo value, slates and rounds by the value in the logged states.
  int scored_per_slot_or_slate = 0;
  for (const auto& estimate : evaluation["off_policy"]) {
    EXPECT_FALSE(estimate["true_value"].is_null()) << estimate.dump();
    scored_per_slot_or_slate += estimate["unit"] != "session";
  }
  EXPECT_GT(scored_per_slot_or_slate, 0);
  EXPECT_TRUE(evaluation.contains("ranking"));
  EXPECT_NE(result.output.find("Off-policy estimates"), std::string::npos) << result.output;

  // Again: the folder holds the first run, so the quickstart refuses and changes nothing ...
  write_file_atomic(run / "notes.txt", "mine");
  const std::string config_before = read_file_text(run / "config.yaml");
  const auto again = run_command(quickstart + " --set run.seed=7");
  EXPECT_EQ(again.exit_code, 5) << again.output;
  EXPECT_NE(again.output.find("--overwrite"), std::string::npos) << again.output;
  EXPECT_EQ(read_file_text(run / "config.yaml"), config_before);
  EXPECT_TRUE(std::filesystem::exists(run / "notes.txt"));
  // ... unless asked to replace it.
  const auto replaced = run_command(quickstart + " --set run.seed=7 --overwrite");
  EXPECT_EQ(replaced.exit_code, 0) << replaced.output;
  EXPECT_NE(read_file_text(run / "config.yaml").find("seed: 7"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(run / "notes.txt"));
}

}  // namespace
}  // namespace shoprl
