// Tests src/data/session_store_writer.cpp, session_store_reader.cpp and hdf5_file.cpp: round
// trips, atomic replacement, and one clear error for each way a store file can be wrong.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <hdf5.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>

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
using ::testing::HasSubstr;
using testing::overwrite_dataset;
using testing::TempDir;
using testing::tiny_store;

std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class SessionStoreFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ / "store.h5";
    write_session_store(tiny_store(true), path_);
  }
  std::string read_error() const {
    return error_of<DataError>([&] { read_session_store(path_); });
  }
  TempDir dir_;
  std::filesystem::path path_;
};

// --- Round trips ---------------------------------------------------------------------------

TEST(SessionStoreRoundTrip, KeepsEveryOptionalPart) {
  TempDir dir;
  const SessionStore store = tiny_store(true);
  write_session_store(store, dir / "store.h5");
  expect_stores_equal(read_session_store(dir / "store.h5"), store);
}

TEST(SessionStoreRoundTrip, WithoutOptionalPartsWritesNoOptionalDatasets) {
  TempDir dir;
  const SessionStore store = tiny_store(false);
  write_session_store(store, dir / "store.h5");
  expect_stores_equal(read_session_store(dir / "store.h5"), store);

  const Hdf5File file = Hdf5File::open_read_only(dir / "store.h5");
  for (const char* optional :
       {store_schema::kItemCategory, store_schema::kItemPrice, store_schema::kItemFeatures,
        store_schema::kSessionUser, store_schema::kUserRawId, store_schema::kImpressions}) {
    EXPECT_FALSE(file.exists(optional)) << optional;
  }
  EXPECT_TRUE(file.exists(store_schema::kEventItem));
}

TEST(SessionStoreRoundTrip, KeepsTheSimulatorColumns) {
  TempDir dir;
  const SessionStore store = tiny_store(true);
  write_session_store(store, dir / "store.h5");
  const SessionStore back = read_session_store(dir / "store.h5");
  EXPECT_EQ(back.impressions.click, (std::vector<std::int8_t>{1, 0, 0, 1}));
  EXPECT_EQ(back.impressions.purchase, (std::vector<std::int8_t>{1, 0, 0, 0}));
  ASSERT_EQ(back.impressions.slate_propensity.size(), 4u);
  EXPECT_EQ(back.impressions.slate_propensity[1], 0.125);
  EXPECT_TRUE(std::isnan(back.impressions.slate_propensity[2]));
  ASSERT_EQ(back.impressions.prefix_propensity.size(), 4u);
  EXPECT_EQ(back.impressions.prefix_propensity[2], 0.25);
  EXPECT_TRUE(std::isnan(back.impressions.prefix_propensity[3]));
}

TEST(SessionStoreRoundTrip, ImpressionsWithoutSimulatorColumnsWriteNoneOfThem) {
  TempDir dir;
  SessionStore store = tiny_store(true);
  store.impressions.click.clear();
  store.impressions.purchase.clear();
  store.impressions.slate_propensity.clear();
  store.impressions.prefix_propensity.clear();
  write_session_store(store, dir / "store.h5");
  expect_stores_equal(read_session_store(dir / "store.h5"), store);

  const Hdf5File file = Hdf5File::open_read_only(dir / "store.h5");
  for (const char* optional :
       {store_schema::kImpressionClick, store_schema::kImpressionPurchase,
        store_schema::kImpressionSlatePropensity, store_schema::kImpressionPrefixPropensity}) {
    EXPECT_FALSE(file.exists(optional)) << optional;
  }
  EXPECT_TRUE(file.exists(store_schema::kImpressionPropensity));
}

TEST(SessionStoreRoundTrip, PurchasesWithoutClicksRecordedAreAllowed) {
  // A log may record purchases alone; the purchase-implies-click rule needs both columns.
  TempDir dir;
  SessionStore store = tiny_store(true);
  store.impressions.click.clear();
  store.impressions.purchase = {0, 1, 1, 0};
  write_session_store(store, dir / "store.h5");
  expect_stores_equal(read_session_store(dir / "store.h5"), store);
}

TEST(SessionStoreRoundTrip, SameStoreGivesTheSameBytes) {
  TempDir dir;
  write_session_store(tiny_store(true), dir / "a.h5");
  write_session_store(tiny_store(true), dir / "b.h5");
  EXPECT_EQ(read_file_text(dir / "a.h5"), read_file_text(dir / "b.h5"));
}

TEST(SessionStoreRoundTrip, EmptyStoreHasZeroRowDatasets) {
  TempDir dir;
  SessionStore store;
  store.provenance.inputs.clear();  // an empty list attribute
  write_session_store(store, dir / "empty.h5");
  const SessionStore back = read_session_store(dir / "empty.h5");
  expect_stores_equal(back, store);
  EXPECT_EQ(back.session_offsets, std::vector<std::int64_t>{0});
}

TEST(SessionStoreRoundTrip, ZeroEventsWithUsersAndFeatureColumnsOfOneKindOnly) {
  TempDir dir;
  SessionStore store;
  store.item_raw_id = {"x"};
  store.item_features = testing::tiny_features(1, {}, {"colour"}, {{"red"}});
  store.session_raw_id = {"only"};
  store.session_offsets = {0, 0};
  store.session_split = {2};
  store.session_user = {-1};  // a user column whose every value is unknown: no user ids
  write_session_store(store, dir / "store.h5");
  expect_stores_equal(read_session_store(dir / "store.h5"), store);
}

TEST(SessionStoreRoundTrip, KeepsConfigLargerThanTheCompactAttributeLimit) {
  TempDir dir;
  SessionStore store = tiny_store(false);
  // HDF5's original object header format caps an attribute at 64 KiB.
  store.provenance.import_config_yaml = std::string(200000, 'y');
  store.provenance.inputs.assign(5000, "some/rather/long/path/to/an/input/file.csv.gz");
  write_session_store(store, dir / "store.h5");
  expect_stores_equal(read_session_store(dir / "store.h5"), store);
}

TEST(SessionStoreRoundTrip, LongIdsAndManyRowsSpanSeveralChunks) {
  TempDir dir;
  SessionStore store;
  const std::size_t events = 200000;  // > 1<<16 rows: several chunks per dataset
  std::mt19937 rng(7);
  store.item_raw_id = {std::string(300, 'x'), "y"};
  store.session_raw_id = {"s"};
  store.session_offsets = {0, static_cast<std::int64_t>(events)};
  store.session_split = {0};
  for (std::size_t e = 0; e < events; ++e) {
    store.event_item.push_back(static_cast<std::int32_t>(rng() % 2));
    store.event_type.push_back(static_cast<std::int8_t>(rng() % 3));
    store.event_time_ms.push_back(static_cast<std::int64_t>(e) * 17);
  }
  write_session_store(store, dir / "store.h5");
  expect_stores_equal(read_session_store(dir / "store.h5"), store);
}

// --- Writing -----------------------------------------------------------------------------

TEST(SessionStoreWriter, RejectsAnInconsistentStoreBeforeTouchingTheOldFile) {
  TempDir dir;
  const std::filesystem::path path = dir / "store.h5";
  testing::write_text(path, "the previous store");
  SessionStore store = tiny_store(true);
  store.event_type.pop_back();

  const std::string message = error_of<DataError>([&] { write_session_store(store, path); });
  EXPECT_THAT(message, HasSubstr(path.string()));
  EXPECT_THAT(message, HasSubstr("/events/type"));
  EXPECT_EQ(read_file_text(path), "the previous store");
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"store.h5"});
}

TEST(SessionStoreWriter, RejectsItemIndexOutOfRange) {
  TempDir dir;
  SessionStore store = tiny_store(false);
  store.event_item[3] = 3;
  const std::string message =
      error_of<DataError>([&] { write_session_store(store, dir / "store.h5"); });
  EXPECT_THAT(message, HasSubstr("/events/item: row 3: value 3 is outside [0, 3)"));
  EXPECT_TRUE(files_in(dir.path()).empty());
}

TEST(SessionStoreWriter, RejectsCategoricalNamesThatAreNotLinkNames) {
  TempDir dir;
  SessionStore store = tiny_store(true);
  store.item_features.categorical_names = {"a/b"};
  const std::string message =
      error_of<DataError>([&] { write_session_store(store, dir / "store.h5"); });
  EXPECT_THAT(message, HasSubstr("/items/features/categorical: column name \"a/b\""));
}

// One rule of the simulator's impression columns, broken: the message names the dataset.
struct BrokenImpressions {
  const char* name;
  std::function<void(StoreImpressions&)> breaks;
  const char* message;
};

class SessionStoreWriterRejects : public ::testing::TestWithParam<BrokenImpressions> {};

TEST_P(SessionStoreWriterRejects, ABrokenSimulatorColumnNamingIt) {
  TempDir dir;
  SessionStore store = tiny_store(true);
  GetParam().breaks(store.impressions);
  const std::filesystem::path path = dir / "store.h5";
  const std::string message = error_of<DataError>([&] { write_session_store(store, path); });
  EXPECT_THAT(message, HasSubstr(path.string() + ": dataset " + GetParam().message));
  EXPECT_TRUE(files_in(dir.path()).empty());
}

const double kStoreNan = std::numeric_limits<double>::quiet_NaN();

INSTANTIATE_TEST_SUITE_P(
    Rules, SessionStoreWriterRejects,
    ::testing::Values(
        BrokenImpressions{"ClickTooShort", [](StoreImpressions& i) { i.click.pop_back(); },
                          "/impressions/click: has 3 rows, expected 4"},
        BrokenImpressions{"ClickNotZeroOrOne", [](StoreImpressions& i) { i.click[2] = 2; },
                          "/impressions/click: row 2: value 2 is outside [0, 2)"},
        BrokenImpressions{"PurchaseTooLong", [](StoreImpressions& i) { i.purchase.push_back(0); },
                          "/impressions/purchase: has 5 rows, expected 4"},
        BrokenImpressions{"PurchaseNegative", [](StoreImpressions& i) { i.purchase[0] = -1; },
                          "/impressions/purchase: row 0: value -1 is outside [0, 2)"},
        BrokenImpressions{"PurchaseWithoutClick", [](StoreImpressions& i) { i.purchase[1] = 1; },
                          "/impressions/purchase: row 1: a purchase without a click"},
        BrokenImpressions{"SlatePropensityTooShort",
                          [](StoreImpressions& i) { i.slate_propensity.pop_back(); },
                          "/impressions/slate_propensity: has 3 rows, expected 4"},
        BrokenImpressions{"SlatePropensityZero",
                          [](StoreImpressions& i) { i.slate_propensity[0] = 0.0; },
                          "/impressions/slate_propensity: row 0: value 0 is not NaN or in (0, 1]"},
        BrokenImpressions{"SlatePropensityInfinite",
                          [](StoreImpressions& i) {
                            i.slate_propensity[3] = std::numeric_limits<double>::infinity();
                          },
                          "/impressions/slate_propensity: row 3: value inf is not NaN"},
        BrokenImpressions{"PrefixPropensityAboveOne",
                          [](StoreImpressions& i) { i.prefix_propensity[1] = 1.5; },
                          "/impressions/prefix_propensity: row 1: value 1.5 is not NaN or in"},
        BrokenImpressions{"PrefixPropensityNegative",
                          [](StoreImpressions& i) { i.prefix_propensity[3] = -0.25; },
                          "/impressions/prefix_propensity: row 3: value -0.25"},
        BrokenImpressions{"PrefixPropensityTooLong",
                          [](StoreImpressions& i) { i.prefix_propensity.push_back(kStoreNan); },
                          "/impressions/prefix_propensity: has 5 rows, expected 4"}),
    [](const ::testing::TestParamInfo<BrokenImpressions>& info) { return info.param.name; });

TEST(SessionStoreWriter, UncreatableDirectoryIsAnIoErrorAndLeavesNothing) {
  TempDir dir;
  testing::write_text(dir / "not-a-dir", "a file where a folder should be");
  const std::string message = error_of<IoError>(
      [&] { write_session_store(tiny_store(true), dir / "not-a-dir" / "store.h5"); });
  EXPECT_THAT(message, HasSubstr("not-a-dir"));
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"not-a-dir"});
}

// Lowers the file-size limit so that writes fail part-way with EFBIG (SIGXFSZ ignored), as
// a full disk would make them; restores both on destruction.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved_);
    saved_handler_ = signal(SIGXFSZ, SIG_IGN);
    rlimit lowered = saved_;
    lowered.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &lowered);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, saved_handler_);
  }

 private:
  rlimit saved_{};
  sighandler_t saved_handler_;
};

TEST(SessionStoreWriter, FailureMidWriteKeepsTheOldStoreAndLeavesNoTemporaryFile) {
  TempDir dir;
  const std::filesystem::path path = dir / "store.h5";
  write_session_store(tiny_store(true), path);
  const std::string old_bytes = read_file_text(path);

  SessionStore big = tiny_store(false);
  std::mt19937 rng(3);
  for (int e = 0; e < 200000; ++e) {  // random times: ~1 MB even compressed
    big.event_item.push_back(0);
    big.event_type.push_back(0);
    big.event_time_ms.push_back(static_cast<std::int64_t>(rng()));
  }
  big.session_offsets.back() = static_cast<std::int64_t>(big.num_events());

  std::string message;
  {
    const FileSizeLimit limit(64 * 1024);
    message = error_of<IoError>([&] { write_session_store(big, path); });
  }
  EXPECT_THAT(message, HasSubstr(path.string()));
  EXPECT_EQ(read_file_text(path), old_bytes);
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"store.h5"});
  expect_stores_equal(read_session_store(path), tiny_store(true));
}

// --- Reading -----------------------------------------------------------------------------

TEST(SessionStoreReader, MissingFileIsAnIoError) {
  TempDir dir;
  const std::string message = error_of<IoError>([&] { read_session_store(dir / "absent.h5"); });
  EXPECT_EQ(message, (dir / "absent.h5").string() + ": file not found");
}

TEST(SessionStoreReader, EmptyFileIsNotReadableHdf5) {
  TempDir dir;
  testing::write_text(dir / "empty.h5", "");
  const std::string message = error_of<DataError>([&] { read_session_store(dir / "empty.h5"); });
  EXPECT_THAT(message, HasSubstr((dir / "empty.h5").string() +
                                 ": not a readable HDF5 file (truncated or corrupt?)"));
}

TEST(SessionStoreReader, TextFileIsNotReadableHdf5) {
  TempDir dir;
  testing::write_text(dir / "store.h5", "session,item,time\n1,2,3\n");
  const std::string message = error_of<DataError>([&] { read_session_store(dir / "store.h5"); });
  EXPECT_THAT(message, HasSubstr((dir / "store.h5").string() + ": not a readable HDF5 file"));
}

TEST_F(SessionStoreFile, TruncatedCopyIsNotReadableHdf5) {
  const std::string bytes = read_file_text(path_);
  const std::filesystem::path truncated = dir_ / "truncated.h5";
  testing::write_text(truncated, bytes.substr(0, bytes.size() / 2));
  const std::string message = error_of<DataError>([&] { read_session_store(truncated); });
  EXPECT_THAT(message, HasSubstr(truncated.string() + ": not a readable HDF5 file"));
}

TEST_F(SessionStoreFile, MissingDatasetIsNamed) {
  edit_store(path_, [](hid_t file) { ASSERT_GE(H5Ldelete(file, "/events/type", H5P_DEFAULT), 0); });
  EXPECT_EQ(read_error(), path_.string() + ": dataset /events/type: missing");
}

TEST_F(SessionStoreFile, UsersWithoutUserIdsAreNamed) {
  edit_store(path_,
             [](hid_t file) { ASSERT_GE(H5Ldelete(file, "/users/raw_id", H5P_DEFAULT), 0); });
  EXPECT_THAT(read_error(), HasSubstr(path_.string() + ": dataset /users/raw_id: missing"));
}

TEST_F(SessionStoreFile, WrongMagicSaysItIsNotAStore) {
  edit_store(path_, [](hid_t file) {
    ASSERT_GE(H5Adelete(file, store_schema::kMagicAttribute), 0);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 5);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t attribute =
        H5Acreate2(file, store_schema::kMagicAttribute, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(attribute, type, "other");
    H5Aclose(attribute);
    H5Sclose(space);
    H5Tclose(type);
  });
  EXPECT_THAT(read_error(), HasSubstr(path_.string() + ": not a shoprl session store (root "
                                                       "attribute shoprl_format is \"other\""));
}

TEST_F(SessionStoreFile, NewerFormatVersionIsRefused) {
  edit_store(path_, [](hid_t file) {
    const hid_t attribute = H5Aopen(file, store_schema::kVersionAttribute, H5P_DEFAULT);
    const std::int64_t version = 2;
    H5Awrite(attribute, H5T_NATIVE_INT64, &version);
    H5Aclose(attribute);
  });
  EXPECT_THAT(read_error(), HasSubstr(path_.string() + ": store format version 2"));
}

TEST_F(SessionStoreFile, OffsetsInconsistentWithEventsAreNamed) {
  edit_store(path_, [](hid_t file) {
    overwrite_dataset<std::int64_t>(file, "/sessions/offsets", H5T_NATIVE_INT64, {0, 2, 2, 4});
  });
  EXPECT_EQ(read_error(), path_.string() +
                              ": dataset /sessions/offsets: ends at 4 but /events/item has 5 "
                              "events");
}

TEST_F(SessionStoreFile, DecreasingOffsetsAreNamed) {
  edit_store(path_, [](hid_t file) {
    overwrite_dataset<std::int64_t>(file, "/sessions/offsets", H5T_NATIVE_INT64, {0, 3, 2, 5});
  });
  EXPECT_THAT(read_error(), HasSubstr(": dataset /sessions/offsets: row 2: 2 is less than"));
}

TEST_F(SessionStoreFile, ItemIndexOutOfRangeIsNamed) {
  edit_store(path_, [](hid_t file) {
    overwrite_dataset<std::int32_t>(file, "/events/item", H5T_NATIVE_INT32, {0, 1, 2, 7, 0});
  });
  EXPECT_EQ(read_error(),
            path_.string() + ": dataset /events/item: row 3: value 7 is outside [0, 3)");
}

TEST_F(SessionStoreFile, EventTypeOutOfRangeIsNamed) {
  edit_store(path_, [](hid_t file) {
    overwrite_dataset<std::int8_t>(file, "/events/type", H5T_NATIVE_INT8, {0, 1, 2, 3, 0});
  });
  EXPECT_THAT(read_error(), HasSubstr(": dataset /events/type: row 3: value 3 is outside [0, 3)"));
}

TEST_F(SessionStoreFile, ImpressionSessionsOutOfOrderAreNamed) {
  edit_store(path_, [](hid_t file) {
    overwrite_dataset<std::int64_t>(file, "/impressions/session", H5T_NATIVE_INT64, {0, 2, 0, 2});
  });
  EXPECT_THAT(read_error(), HasSubstr(": dataset /impressions/session: row 2:"));
}

TEST_F(SessionStoreFile, ClickOutsideZeroOrOneIsNamed) {
  edit_store(path_, [](hid_t file) {
    overwrite_dataset<std::int8_t>(file, "/impressions/click", H5T_NATIVE_INT8, {1, 0, 3, 1});
  });
  EXPECT_EQ(read_error(),
            path_.string() + ": dataset /impressions/click: row 2: value 3 is outside [0, 2)");
}

TEST_F(SessionStoreFile, PropensityOutsideTheUnitIntervalIsNamed) {
  edit_store(path_, [](hid_t file) {
    overwrite_dataset<double>(file, "/impressions/prefix_propensity", H5T_NATIVE_DOUBLE,
                              {0.5, 0.0, 0.25, 0.5});
  });
  EXPECT_EQ(read_error(), path_.string() +
                              ": dataset /impressions/prefix_propensity: row 1: value 0 is not "
                              "NaN or in (0, 1]");
}

TEST_F(SessionStoreFile, WrongRankIsNamed) {
  edit_store(path_, [](hid_t file) {
    ASSERT_GE(H5Ldelete(file, "/events/timestamp_ms", H5P_DEFAULT), 0);
    const hsize_t dims[2] = {5, 1};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t dataset = H5Dcreate2(file, "/events/timestamp_ms", H5T_STD_I64LE, space,
                                     H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(dataset);
    H5Sclose(space);
  });
  EXPECT_EQ(read_error(),
            path_.string() + ": dataset /events/timestamp_ms: has rank 2, expected 1");
}

TEST_F(SessionStoreFile, ValuesTooWideForTheColumnAreNotClipped) {
  // Another tool may store event types as int32; a value that does not fit int8 must not be
  // silently clipped into a valid-looking one.
  edit_store(path_, [](hid_t file) {
    ASSERT_GE(H5Ldelete(file, "/events/type", H5P_DEFAULT), 0);
    const hsize_t dims[1] = {5};
    const hid_t space = H5Screate_simple(1, dims, nullptr);
    const hid_t dataset = H5Dcreate2(file, "/events/type", H5T_STD_I32LE, space, H5P_DEFAULT,
                                     H5P_DEFAULT, H5P_DEFAULT);
    const std::int32_t types[5] = {0, 1, 258, 0, 0};
    H5Dwrite(dataset, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, types);
    H5Dclose(dataset);
    H5Sclose(space);
  });
  EXPECT_THAT(read_error(), HasSubstr(": dataset /events/type: values do not fit int8"));
}

}  // namespace
}  // namespace shoprl
