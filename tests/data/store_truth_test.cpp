// Tests the ground truth of a simulated store (src/data/store_truth.h, written and read by
// session_store_writer.cpp and session_store_reader.cpp): round trips, that only
// read_store_truth sees it, byte-identical output, and one named error per broken rule.
#include "data/store_truth.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "data/hdf5_file.h"
#include "data/session_store_fixture.h"
#include "data/session_store_io.h"
#include "data/session_store_schema.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::edit_store;
using testing::error_of;
using testing::expect_stores_equal;
using testing::expect_truths_equal;
using ::testing::HasSubstr;
using testing::overwrite_dataset;
using testing::TempDir;
using testing::tiny_store;
using testing::tiny_truth;

// Replaces the dataset at `path` with one of another shape, as a tool writing its own truth
// could.
void replace_dataset(hid_t file, const char* path, hid_t stored_type, hid_t memory_type,
                     const std::vector<hsize_t>& dims, const void* values) {
  ASSERT_GE(H5Ldelete(file, path, H5P_DEFAULT), 0) << path;
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t dataset =
      H5Dcreate2(file, path, stored_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(dataset, 0) << path;
  EXPECT_GE(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), 0);
  H5Dclose(dataset);
  H5Sclose(space);
}

// --- Round trips -------------------------------------------------------------------------

TEST(StoreTruthRoundTrip, KeepsEveryField) {
  TempDir dir;
  const SessionStore store = tiny_store(true);
  const StoreTruth truth = tiny_truth();
  write_session_store(store, dir / "sim.h5", &truth);

  EXPECT_TRUE(store_has_truth(dir / "sim.h5"));
  expect_truths_equal(read_store_truth(dir / "sim.h5"), truth);
  expect_stores_equal(read_session_store(dir / "sim.h5"), store);
}

TEST(StoreTruthRoundTrip, PartialTruthWritesOnlyWhatWasRecorded) {
  TempDir dir;
  StoreTruth truth;
  truth.world_config_yaml = "world: {}\n";
  truth.factor_dim = 2;
  truth.user_factors = {1.0f, 2.0f, 3.0f, 4.0f};  // the factor width comes from users alone
  truth.policy_values = {{"uniform", -0.5, 0.125, 42}};
  write_session_store(tiny_store(true), dir / "sim.h5", &truth);

  expect_truths_equal(read_store_truth(dir / "sim.h5"), truth);
  const Hdf5File file = Hdf5File::open_read_only(dir / "sim.h5");
  for (const char* absent :
       {store_schema::kTruthClickProbability, store_schema::kTruthPurchaseProbability,
        store_schema::kTruthExpectedReward, store_schema::kTruthItemFactors}) {
    EXPECT_FALSE(file.exists(absent)) << absent;
  }
  EXPECT_TRUE(file.exists(store_schema::kTruthUserFactors));
}

TEST(StoreTruthRoundTrip, WorldConfigAloneMakesTheGroup) {
  TempDir dir;
  StoreTruth truth;
  truth.world_config_yaml = "world:\n  seed: 7\n";
  write_session_store(tiny_store(false), dir / "sim.h5", &truth);
  EXPECT_TRUE(store_has_truth(dir / "sim.h5"));
  expect_truths_equal(read_store_truth(dir / "sim.h5"), truth);
}

TEST(StoreTruthRoundTrip, EmptyTruthWritesTheStoreAlone) {
  TempDir dir;
  const StoreTruth empty;
  write_session_store(tiny_store(true), dir / "with_empty.h5", &empty);
  write_session_store(tiny_store(true), dir / "without.h5");
  EXPECT_FALSE(store_has_truth(dir / "with_empty.h5"));
  EXPECT_EQ(read_file_text(dir / "with_empty.h5"), read_file_text(dir / "without.h5"));
}

TEST(StoreTruthRoundTrip, SameInputsGiveTheSameBytes) {
  TempDir dir;
  const StoreTruth truth = tiny_truth();
  write_session_store(tiny_store(true), dir / "a.h5", &truth);
  write_session_store(tiny_store(true), dir / "b.h5", &truth);
  write_session_store(tiny_store(true), dir / "no_truth.h5");
  const std::string bytes = read_file_text(dir / "a.h5");
  EXPECT_EQ(bytes, read_file_text(dir / "b.h5"));
  EXPECT_NE(bytes, read_file_text(dir / "no_truth.h5"));
}

// --- Reading -----------------------------------------------------------------------------

TEST(StoreTruthReader, ReadSessionStoreDoesNotExposeTheTruth) {
  // Whatever read_session_store returns for a store with truth, written out again it must be
  // byte for byte the same store as one written without: nothing of the truth came along.
  TempDir dir;
  const StoreTruth truth = tiny_truth();
  write_session_store(tiny_store(true), dir / "with.h5", &truth);
  write_session_store(tiny_store(true), dir / "without.h5");
  write_session_store(read_session_store(dir / "with.h5"), dir / "with_again.h5");
  write_session_store(read_session_store(dir / "without.h5"), dir / "without_again.h5");

  EXPECT_FALSE(store_has_truth(dir / "with_again.h5"));
  EXPECT_EQ(read_file_text(dir / "with_again.h5"), read_file_text(dir / "without_again.h5"));
}

TEST(StoreTruthReader, StoreWithoutTruthIsADataErrorNamingTheFile) {
  TempDir dir;
  const std::filesystem::path path = dir / "imported.h5";
  write_session_store(tiny_store(true), path);
  EXPECT_FALSE(store_has_truth(path));
  EXPECT_EQ(error_of<DataError>([&] { read_store_truth(path); }),
            path.string() + ": holds no ground truth (no group /truth; only simulated stores " +
                "have one)");
}

TEST(StoreTruthReader, MissingFileIsAnIoError) {
  TempDir dir;
  const std::filesystem::path path = dir / "absent.h5";
  EXPECT_EQ(error_of<IoError>([&] { read_store_truth(path); }), path.string() + ": file not found");
  EXPECT_EQ(error_of<IoError>([&] { store_has_truth(path); }), path.string() + ": file not found");
}

TEST(StoreTruthReader, FileThatIsNotAStoreIsADataError) {
  TempDir dir;
  const std::filesystem::path path = dir / "notes.h5";
  testing::write_text(path, "not hdf5\n");
  EXPECT_THAT(error_of<DataError>([&] { store_has_truth(path); }),
              HasSubstr(path.string() + ": not a readable HDF5 file"));
  EXPECT_THAT(error_of<DataError>([&] { read_store_truth(path); }),
              HasSubstr(path.string() + ": not a readable HDF5 file"));
}

class StoreTruthFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ / "sim.h5";
    const StoreTruth truth = tiny_truth();
    write_session_store(tiny_store(true), path_, &truth);
  }
  std::string read_error() const {
    return error_of<DataError>([&] { read_store_truth(path_); });
  }
  TempDir dir_;
  std::filesystem::path path_;
};

TEST_F(StoreTruthFile, ProbabilityOutsideTheUnitIntervalIsNamed) {
  edit_store(path_, [](hid_t file) {
    overwrite_dataset<double>(file, "/truth/impressions/click_probability", H5T_NATIVE_DOUBLE,
                              {0.9, 2.0, 0.0, 1.0});
  });
  EXPECT_EQ(read_error(), path_.string() +
                              ": dataset /truth/impressions/click_probability: row 1: value 2 is "
                              "not in [0, 1]");
}

TEST_F(StoreTruthFile, ImpressionColumnOfTheWrongLengthIsNamed) {
  edit_store(path_, [](hid_t file) {
    const double rewards[5] = {1, 2, 3, 4, 5};
    replace_dataset(file, "/truth/impressions/expected_reward", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                    {5}, rewards);
  });
  EXPECT_THAT(read_error(),
              HasSubstr(path_.string() + ": dataset /truth/impressions/expected_reward: has 5 "
                                         "rows, expected 4"));
}

TEST_F(StoreTruthFile, FactorWidthsThatDisagreeAreNamed) {
  edit_store(path_, [](hid_t file) {
    const float factors[6] = {1, 2, 3, 4, 5, 6};
    replace_dataset(file, "/truth/users/factors", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {2, 3},
                    factors);
  });
  EXPECT_EQ(read_error(), path_.string() +
                              ": dataset /truth/users/factors: has 3 columns but "
                              "/truth/items/factors has 2");
}

TEST_F(StoreTruthFile, FactorRowsThatDoNotMatchTheItemsAreNamed) {
  edit_store(path_, [](hid_t file) {
    const float factors[4] = {1, 2, 3, 4};
    replace_dataset(file, "/truth/items/factors", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {2, 2},
                    factors);
  });
  EXPECT_THAT(read_error(),
              HasSubstr(path_.string() + ": dataset /truth/items/factors: has 4 values, expected 6 "
                                         "(3 rows, one per item in /items/raw_id"));
}

TEST_F(StoreTruthFile, PolicyColumnsOfDifferentLengthsAreNamed) {
  edit_store(path_, [](hid_t file) {
    const double values[1] = {0.5};
    replace_dataset(file, "/truth/policy_values/value", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {1},
                    values);
  });
  EXPECT_THAT(read_error(), HasSubstr(path_.string() +
                                      ": dataset /truth/policy_values/value: has 1 rows, "
                                      "expected 2 (one per policy in /truth/policy_values/name)"));
}

TEST_F(StoreTruthFile, MissingPolicyColumnIsNamed) {
  edit_store(path_, [](hid_t file) {
    ASSERT_GE(H5Ldelete(file, "/truth/policy_values/episodes", H5P_DEFAULT), 0);
  });
  EXPECT_EQ(read_error(), path_.string() + ": dataset /truth/policy_values/episodes: missing");
}

TEST_F(StoreTruthFile, MissingWorldConfigIsNamed) {
  edit_store(path_, [](hid_t file) {
    ASSERT_GE(H5Adelete_by_name(file, "/truth", "world_config", H5P_DEFAULT), 0);
  });
  EXPECT_THAT(read_error(),
              HasSubstr(path_.string() + ": attribute 'world_config' of /truth: missing"));
}

// --- Writing: one broken rule each, named, and no file written ------------------------------

struct BrokenTruth {
  const char* name;
  std::function<void(SessionStore&, StoreTruth&)> breaks;
  const char* message;  // after "<file>: dataset "
};

class StoreTruthWriterRejects : public ::testing::TestWithParam<BrokenTruth> {};

TEST_P(StoreTruthWriterRejects, TruthBreakingARuleNamingTheDataset) {
  TempDir dir;
  SessionStore store = tiny_store(true);
  StoreTruth truth = tiny_truth();
  GetParam().breaks(store, truth);
  const std::filesystem::path path = dir / "sim.h5";
  const std::string message =
      error_of<DataError>([&] { write_session_store(store, path, &truth); });
  EXPECT_THAT(message, HasSubstr(path.string() + ": dataset " + GetParam().message));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

constexpr double kTruthNan = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

INSTANTIATE_TEST_SUITE_P(
    Rules, StoreTruthWriterRejects,
    ::testing::Values(
        BrokenTruth{"ClickProbabilityTooShort",
                    [](SessionStore&, StoreTruth& t) { t.click_probability.pop_back(); },
                    "/truth/impressions/click_probability: has 3 rows, expected 4 (one per "
                    "impression in /impressions/item)"},
        BrokenTruth{"ProbabilitiesForAStoreWithoutImpressions",
                    [](SessionStore& s, StoreTruth&) { s.impressions = StoreImpressions(); },
                    "/truth/impressions/click_probability: has 4 rows, expected 0"},
        BrokenTruth{"ClickProbabilityAboveOne",
                    [](SessionStore&, StoreTruth& t) { t.click_probability[1] = 1.5; },
                    "/truth/impressions/click_probability: row 1: value 1.5 is not in [0, 1]"},
        BrokenTruth{"PurchaseProbabilityNaN",
                    [](SessionStore&, StoreTruth& t) { t.purchase_probability[0] = kTruthNan; },
                    "/truth/impressions/purchase_probability: row 0: value nan is not in [0, 1]"},
        BrokenTruth{"PurchaseProbabilityTooLong",
                    [](SessionStore&, StoreTruth& t) { t.purchase_probability.push_back(0.5); },
                    "/truth/impressions/purchase_probability: has 5 rows, expected 4"},
        BrokenTruth{"ExpectedRewardInfinite",
                    [](SessionStore&, StoreTruth& t) { t.expected_reward[2] = -kInf; },
                    "/truth/impressions/expected_reward: row 2: value -inf is not finite"},
        BrokenTruth{"ExpectedRewardTooShort",
                    [](SessionStore&, StoreTruth& t) { t.expected_reward.pop_back(); },
                    "/truth/impressions/expected_reward: has 3 rows, expected 4"},
        BrokenTruth{"ItemFactorsOneValueShort",
                    [](SessionStore&, StoreTruth& t) { t.item_factors.pop_back(); },
                    "/truth/items/factors: has 5 values, expected 6 (3 rows, one per item in "
                    "/items/raw_id, × factor_dim 2)"},
        BrokenTruth{"ItemFactorsNotFinite",
                    [](SessionStore&, StoreTruth& t) { t.item_factors[3] = kTruthNan; },
                    "/truth/items/factors: row 1, column 1: value nan is not finite"},
        BrokenTruth{"UserFactorsForAStoreWithoutUsers",
                    [](SessionStore& s, StoreTruth&) {
                      s.session_user.clear();
                      s.user_raw_id.clear();
                    },
                    "/truth/users/factors: has 4 values, expected 0 (0 rows, one per user in "
                    "/users/raw_id"},
        BrokenTruth{"FactorsWithoutAWidth",
                    [](SessionStore&, StoreTruth& t) {
                      t.factor_dim = 0;
                      t.item_factors.clear();
                    },
                    "/truth/users/factors: has values but factor_dim is 0"},
        BrokenTruth{"WidthWithoutFactors",
                    [](SessionStore&, StoreTruth& t) {
                      t.item_factors.clear();
                      t.user_factors.clear();
                    },
                    "/truth/items/factors: missing, and so is /truth/users/factors, while "
                    "factor_dim is 2"},
        BrokenTruth{"NegativeWidth", [](SessionStore&, StoreTruth& t) { t.factor_dim = -2; },
                    "/truth/items/factors: factor_dim -2 is negative"},
        BrokenTruth{"PolicyWithoutAName",
                    [](SessionStore&, StoreTruth& t) { t.policy_values[1].name.clear(); },
                    "/truth/policy_values/name: row 1 is empty"},
        BrokenTruth{"PolicyNamedTwice",
                    [](SessionStore&, StoreTruth& t) { t.policy_values[1].name = "logging"; },
                    "/truth/policy_values/name: \"logging\" appears twice"},
        BrokenTruth{"PolicyValueNaN",
                    [](SessionStore&, StoreTruth& t) { t.policy_values[0].value = kTruthNan; },
                    "/truth/policy_values/value: row 0 (\"logging\"): value nan is not finite"},
        BrokenTruth{"NegativeStdError",
                    [](SessionStore&, StoreTruth& t) { t.policy_values[1].std_error = -0.5; },
                    "/truth/policy_values/std_error: row 1 (\"greedy\"): value -0.5 is not "
                    "finite and >= 0"},
        BrokenTruth{"NegativeEpisodes",
                    [](SessionStore&, StoreTruth& t) { t.policy_values[0].episodes = -1; },
                    "/truth/policy_values/episodes: row 0 (\"logging\"): value -1 is negative"}),
    [](const ::testing::TestParamInfo<BrokenTruth>& info) { return info.param.name; });

}  // namespace
}  // namespace shoprl
