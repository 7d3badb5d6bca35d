// Tests the exported policy artifact (src/policy/policy_artifact.cpp): a version written into a
// model repository reads back on its own with its metadata and the network's scores; Debian's
// PyTorch loads the same model.pt and gives the same scores (tools/check_exported_policy.py,
// skipped where python3-torch is missing); versions number themselves, an existing one is kept
// unless forced, a failed write leaves no version folder, and a corrupt or mismatched model is
// one clear error.
#include "policy/policy_artifact.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "policy/torchscript_policy.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

constexpr std::int64_t kArtifactItems = 12;
constexpr int kSkipExitCode = 77;

struct Fixture {
  PolicyNetwork network{nullptr};
  ScoringNetwork scoring;
  PolicyMetadata metadata;
};

Fixture gru_policy() {
  torch::manual_seed(3);
  PolicyNetworkConfig config;
  config.encoder = "gru";
  config.embedding_dim = 6;
  config.hidden_dim = 6;
  config.history_length = 5;
  Fixture f;
  f.network = PolicyNetwork(config, kArtifactItems, PolicyHeads{});
  f.network->eval();
  f.scoring = {f.network, ScoreHead::kItem, 1.0};
  f.metadata.shoprl_version = "test";
  f.metadata.agent_kind = "dqn";
  f.metadata.encoder = "gru";
  f.metadata.score_head = "item";
  f.metadata.num_items = kArtifactItems;
  for (std::int64_t i = 0; i < kArtifactItems; ++i)
    f.metadata.item_ids.push_back("sku-" + std::to_string(100 + i));
  f.metadata.history_length = 5;
  f.metadata.slate_size = 3;
  f.metadata.slate_rule.rule = "boltzmann";
  f.metadata.slate_rule.temperature = 0.5;
  f.metadata.config_digest = "c0ffee";
  f.metadata.data_digest = "d00d";
  f.metadata.source = "runs/x/checkpoint";
  f.metadata.iterations = 7;
  return f;
}

SessionBatch some_histories() {
  const auto index = torch::dtype(torch::kInt64);
  return {
      torch::tensor(
          {{3, 5, 7, -1, -1, -1, -1}, {1, 2, 3, 4, 5, 6, 7}, {-1, -1, -1, -1, -1, -1, -1}}, index),
      torch::tensor(
          {{0, 0, 2, -1, -1, -1, -1}, {0, 1, 0, 1, 0, 1, 2}, {-1, -1, -1, -1, -1, -1, -1}}, index),
      torch::tensor({3, 7, 0}, index)};
}

TEST(PolicyArtifact, AVersionReadsBackOnItsOwnWithMetadataAndScores) {
  const testing::TempDir dir;
  Fixture f = gru_policy();
  torch::jit::Module module = script_policy(f.scoring);
  const auto folder = write_policy_version(dir / "repo", "rec", 0, module, f.metadata, false);
  EXPECT_EQ(folder, dir / "repo" / "rec" / "1");
  EXPECT_TRUE(std::filesystem::exists(dir / "repo" / "rec" / "config.pbtxt"));
  EXPECT_NE(read_file_text(dir / "repo" / "rec" / "config.pbtxt").find("pytorch_libtorch"),
            std::string::npos);

  // From the model folder (its newest version) or the version folder itself.
  for (const auto& path : {dir / "repo" / "rec", folder}) {
    const ExportedPolicy policy = ExportedPolicy::load(path);
    EXPECT_EQ(policy.folder(), folder);
    EXPECT_EQ(policy.metadata().item_ids, f.metadata.item_ids);
    EXPECT_EQ(policy.metadata().slate_rule.rule, "boltzmann");
    EXPECT_EQ(policy.metadata().slate_rule.temperature, 0.5);
    EXPECT_EQ(policy.metadata().iterations, 7);
    const SessionBatch batch = some_histories();
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(torch::equal(policy.scores(batch), network_scores(f.scoring, batch)));
  }
  // The metadata beside the model says the same as the one inside it.
  EXPECT_EQ(
      parse_policy_metadata(read_file_text(folder / "metadata.json"), "metadata.json").item_ids,
      f.metadata.item_ids);
}

TEST(PolicyArtifact, VersionsCountUpAndAnExistingOneIsKeptUnlessForced) {
  const testing::TempDir dir;
  Fixture f = gru_policy();
  torch::jit::Module module = script_policy(f.scoring);
  write_policy_version(dir.path(), "rec", 0, module, f.metadata, false);
  EXPECT_EQ(write_policy_version(dir.path(), "rec", 0, module, f.metadata, false),
            dir / "rec" / "2");
  EXPECT_EQ(write_policy_version(dir.path(), "rec", 7, module, f.metadata, false),
            dir / "rec" / "7");
  EXPECT_EQ(model_versions(dir / "rec"), (std::vector<std::int64_t>{1, 2, 7}));
  const std::string before = read_file_text(dir / "rec" / "2" / "metadata.json");
  f.metadata.iterations = 99;
  EXPECT_THROW(write_policy_version(dir.path(), "rec", 2, module, f.metadata, false), IoError);
  EXPECT_EQ(read_file_text(dir / "rec" / "2" / "metadata.json"), before);
  write_policy_version(dir.path(), "rec", 2, module, f.metadata, true);
  EXPECT_EQ(ExportedPolicy::load(dir / "rec" / "2").metadata().iterations, 99);
}

TEST(PolicyArtifact, AnUnwritableRepositoryIsAnIoErrorAndLeavesNoVersion) {
  const testing::TempDir dir;
  Fixture f = gru_policy();
  torch::jit::Module module = script_policy(f.scoring);
  // A repository whose model folder cannot be made (a file stands in its way; unlike a
  // read-only folder, this holds for root too).
  write_file_atomic(dir / "repo", "a file");
  EXPECT_THROW(write_policy_version(dir / "repo", "rec", 0, module, f.metadata, false), IoError);
  // A model folder that cannot take a version folder (again a file in the way).
  std::filesystem::create_directories(dir / "repo2");
  write_file_atomic(dir / "repo2" / "rec", "a file");
  EXPECT_THROW(write_policy_version(dir / "repo2", "rec", 0, module, f.metadata, false), IoError);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "repo2"),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(PolicyArtifact, CorruptOrMismatchedModelsAreOneClearError) {
  const testing::TempDir dir;
  EXPECT_THROW(ExportedPolicy::load(dir / "absent"), IoError);
  write_file_atomic(dir / "junk" / "1" / "model.pt", "not a zip archive");
  EXPECT_THROW(ExportedPolicy::load(dir / "junk"), DataError);

  // A model whose metadata names another catalogue size.
  Fixture f = gru_policy();
  torch::jit::Module module = script_policy(f.scoring);
  f.metadata.num_items = kArtifactItems + 1;
  f.metadata.item_ids.push_back("extra");
  write_policy_version(dir.path(), "mismatch", 1, module, f.metadata, false);
  try {
    ExportedPolicy::load(dir / "mismatch");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("scores 12 items, its metadata says 13"),
              std::string::npos)
        << e.what();
  }
}

TEST(PolicyArtifact, PythonsTorchLoadsTheModelAndGivesTheSameScores) {
  const testing::TempDir dir;
  Fixture f = gru_policy();
  torch::jit::Module module = script_policy(f.scoring);
  const auto folder = write_policy_version(dir.path(), "rec", 0, module, f.metadata, false);
  const SessionBatch batch = some_histories();
  nlohmann::json histories;
  for (const auto& [name, tensor] : {std::pair{"items", batch.items}, {"types", batch.types}}) {
    nlohmann::json rows = nlohmann::json::array();
    for (std::int64_t r = 0; r < tensor.size(0); ++r) {
      std::vector<std::int64_t> row(tensor.size(1));
      for (std::int64_t c = 0; c < tensor.size(1); ++c) row[c] = tensor[r][c].item<std::int64_t>();
      rows.push_back(row);
    }
    histories[name] = rows;
  }
  histories["lengths"] = std::vector<std::int64_t>{3, 7, 0};
  write_file_atomic(dir / "histories.json", histories.dump());
  const auto result = testing::run_command(
      "/usr/bin/python3 '" +
      (testing::source_dir() / "tools" / "check_exported_policy.py").string() + "' '" +
      (folder / "model.pt").string() + "' '" + (dir / "histories.json").string() + "' 2>&1");
  if (result.exit_code == kSkipExitCode)
    GTEST_SKIP() << "/usr/bin/python3 cannot import torch (install python3-torch): "
                 << result.output;
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json out = nlohmann::json::parse(result.output);
  EXPECT_EQ(out.at("num_items"), kArtifactItems);
  EXPECT_EQ(out.at("agent_kind"), "dqn");
  torch::Tensor expected;
  {
    torch::NoGradGuard no_grad;
    expected = network_scores(f.scoring, batch);
  }
  const auto& scores = out.at("scores");
  ASSERT_EQ(scores.size(), 3u);
  for (std::int64_t r = 0; r < 3; ++r) {
    ASSERT_EQ(scores[r].size(), static_cast<std::size_t>(kArtifactItems));
    for (std::int64_t i = 0; i < kArtifactItems; ++i) {
      // Python prints each float32 as the double it converts to: exact.
      EXPECT_EQ(static_cast<float>(scores[r][i].get<double>()), expected[r][i].item<float>())
          << "row " << r << ", item " << i;
    }
  }
}

}  // namespace
}  // namespace shoprl
