// Tests of the declare-once config mechanism: binding, errors that name key and origin,
// extends, --set, and the dump that loads back to the same values.
#include "core/config_loader.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

struct InnerConfig {
  double rate = 0.5;
  std::vector<std::string> tags{"a"};
  void visit(ConfigVisitor& v) {
    v.field("rate", rate, "A rate", in_range(0, 1));
    v.field("tags", tags, "Some tags");
  }
};

struct ToyConfig {
  int steps = 10;
  std::uint64_t seed = 7;
  bool verbose = false;
  std::string mode = "fast";
  std::map<std::string, std::string> names;
  InnerConfig inner;
  void visit(ConfigVisitor& v) {
    v.field("steps", steps, "Number of steps", at_least(1));
    v.field("seed", seed, "Seed");
    v.field("verbose", verbose, "Talk more");
    v.field("mode", mode, "Mode", one_of({"fast", "slow"}));
    v.field("names", names, "Renames");
    v.section("inner", inner, "An inner section");
  }
};

struct ToyRoot {
  ToyConfig toy;
  void visit(ConfigVisitor& v) { v.section("toy", toy, "The toy section"); }
};

ToyRoot bind(const ConfigTree& tree) {
  ToyRoot root;
  ConfigBinder binder(tree);
  root.visit(binder);
  binder.finish();
  return root;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no ConfigError";
}

class ConfigLoaderTest : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    testing::write_text(path, text);
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(ConfigLoaderTest, AbsentKeysKeepTheirDefaults) {
  const ToyRoot root = bind(load_config_tree(write("c.yaml", "toy: {steps: 3}\n")));
  EXPECT_EQ(root.toy.steps, 3);
  EXPECT_EQ(root.toy.seed, 7u);
  EXPECT_EQ(root.toy.mode, "fast");
  EXPECT_DOUBLE_EQ(root.toy.inner.rate, 0.5);
}

TEST_F(ConfigLoaderTest, UnknownKeyNamesFileLineAndNearestKey) {
  const auto path = write("c.yaml", "toy:\n  steps: 3\n  stpes: 4\n");
  const std::string message = error_of([&] { bind(load_config_tree(path)); });
  EXPECT_NE(message.find(path.string() + ":3"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown config key 'toy.stpes'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'toy.steps'"), std::string::npos) << message;
}

TEST_F(ConfigLoaderTest, UnknownSectionIsAnError) {
  const std::string message =
      error_of([&] { bind(load_config_tree(write("c.yaml", "tyo: {}\n"))); });
  EXPECT_NE(message.find("unknown config key 'tyo'; did you mean 'toy'"), std::string::npos)
      << message;
}

TEST_F(ConfigLoaderTest, TypeErrorNamesKeyExpectedTypeAndValue) {
  const auto path = write("c.yaml", "toy:\n  steps: many\n");
  const std::string message = error_of([&] { bind(load_config_tree(path)); });
  EXPECT_NE(message.find(path.string() + ":2"), std::string::npos) << message;
  EXPECT_NE(message.find("'toy.steps' expects an integer, got 'many'"), std::string::npos)
      << message;
}

TEST_F(ConfigLoaderTest, RejectsNegativeForUnsignedAndOutOfRange) {
  EXPECT_NE(error_of([&] {
              bind(load_config_tree(write("a.yaml", "toy: {seed: -1}\n")));
            }).find("expects a non-negative integer"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              bind(load_config_tree(write("b.yaml", "toy: {inner: {rate: 2}}\n")));
            }).find("'toy.inner.rate' is 2 but must be in [0, 1]"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              bind(load_config_tree(write("c.yaml", "toy: {mode: fsat}\n")));
            }).find("did you mean 'fast'"),
            std::string::npos);
}

TEST_F(ConfigLoaderTest, ExtendsMergesMapsAndLaterFileWins) {
  write("base.yaml", "toy:\n  steps: 5\n  inner: {rate: 0.2, tags: [x, y]}\n");
  const auto child = write("child.yaml", "extends: base.yaml\ntoy:\n  inner: {rate: 0.9}\n");
  const ConfigTree tree = load_config_tree(child);
  const ToyRoot root = bind(tree);
  EXPECT_EQ(root.toy.steps, 5);
  EXPECT_DOUBLE_EQ(root.toy.inner.rate, 0.9);
  EXPECT_EQ(root.toy.inner.tags, (std::vector<std::string>{"x", "y"}));
  ASSERT_EQ(tree.files.size(), 2u);
  EXPECT_NE(tree.origin_of("toy.steps").find("base.yaml:2"), std::string::npos);
  EXPECT_NE(tree.origin_of("toy.inner.rate").find("child.yaml:3"), std::string::npos);
}

TEST_F(ConfigLoaderTest, ExtendsCycleIsAnError) {
  write("a.yaml", "extends: b.yaml\n");
  const auto b = write("b.yaml", "extends: a.yaml\n");
  EXPECT_NE(error_of([&] { load_config_tree(b); }).find("cycle"), std::string::npos);
}

TEST_F(ConfigLoaderTest, SetOverridesFileValuesAndIsNamedInErrors) {
  ConfigTree tree = load_config_tree(write("c.yaml", "toy: {steps: 3}\n"));
  apply_config_override(tree, "toy.steps=8");
  apply_config_override(tree, "toy.inner.tags=[p, q]");
  apply_config_override(tree, "toy.names={view: click}");
  const ToyRoot root = bind(tree);
  EXPECT_EQ(root.toy.steps, 8);
  EXPECT_EQ(root.toy.inner.tags, (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(root.toy.names.at("view"), "click");

  apply_config_override(tree, "toy.verbos=true");
  const std::string message = error_of([&] { bind(tree); });
  EXPECT_NE(message.find("--set toy.verbos=true"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'toy.verbose'"), std::string::npos) << message;
}

TEST_F(ConfigLoaderTest, MalformedSetAndInvalidYamlAreErrors) {
  ConfigTree tree;
  EXPECT_NE(
      error_of([&] { apply_config_override(tree, "no-equals-sign"); }).find("section.key=value"),
      std::string::npos);
  apply_config_override(tree, "toy.steps=2");
  EXPECT_NE(
      error_of([&] { apply_config_override(tree, "toy.steps.deeper=1"); }).find("not a section"),
      std::string::npos);
  const auto bad = write("bad.yaml", "toy: [unclosed\n");
  EXPECT_NE(error_of([&] { load_config_tree(bad); }).find("invalid YAML"), std::string::npos);
  // A missing file is an I/O error (exit 5), like every file that cannot be read.
  EXPECT_THROW(load_config_tree(dir_ / "missing.yaml"), IoError);
}

TEST_F(ConfigLoaderTest, DumpLoadsBackToTheSameValues) {
  ToyRoot original;
  original.toy.steps = 99;
  original.toy.inner.rate = 0.123456789012345;
  original.toy.inner.tags = {"one", "two words"};
  original.toy.names = {{"a", "b"}};
  ConfigDumper dumper;
  original.visit(dumper);
  const std::string yaml = dumper.yaml();
  EXPECT_NE(yaml.find("# Number of steps"), std::string::npos) << yaml;
  const ToyRoot reloaded = bind(load_config_tree(write("dump.yaml", yaml)));
  EXPECT_EQ(reloaded.toy.steps, 99);
  EXPECT_DOUBLE_EQ(reloaded.toy.inner.rate, 0.123456789012345);
  EXPECT_EQ(reloaded.toy.inner.tags, original.toy.inner.tags);
  EXPECT_EQ(reloaded.toy.names, original.toy.names);
}

TEST_F(ConfigLoaderTest, ReferenceListsEveryKeyWithDefaultAndRule) {
  ToyRoot root;
  ConfigReferenceWriter writer;
  root.visit(writer);
  const std::string md = writer.markdown();
  EXPECT_NE(md.find("| `toy.steps` | integer | `10` | Number of steps (>= 1) |"), std::string::npos)
      << md;
  EXPECT_NE(md.find("`toy.inner.rate`"), std::string::npos);
  EXPECT_NE(md.find("one of: fast, slow"), std::string::npos);
}

}  // namespace
}  // namespace shoprl
