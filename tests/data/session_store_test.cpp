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

using ::testing::HasSubstr;
using testing::TempDir;
using testing::tiny_store;

// The message of the `ErrorType` that `action` throws; a failure when it throws nothing.
template <typename ErrorType>
std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const ErrorType& error) {
    return error.what();
  }
  ADD_FAILURE() << "nothing was thrown";
  return "";
}

void expect_features_equal(const FeatureTable& actual, const FeatureTable& expected) {
  EXPECT_EQ(actual.numeric_names, expected.numeric_names);
  EXPECT_EQ(actual.numeric, expected.numeric);
  EXPECT_EQ(actual.categorical_names, expected.categorical_names);
  EXPECT_EQ(actual.categorical, expected.categorical);
  ASSERT_EQ(actual.vocabularies.size(), expected.vocabularies.size());
  for (std::size_t c = 0; c < actual.vocabularies.size(); ++c) {
    EXPECT_EQ(actual.vocabularies[c].keys(), expected.vocabularies[c].keys()) << c;
  }
}

void expect_stores_equal(const SessionStore& actual, const SessionStore& expected) {
  EXPECT_EQ(actual.item_raw_id, expected.item_raw_id);
  EXPECT_EQ(actual.item_category, expected.item_category);
  ASSERT_EQ(actual.item_price.size(), expected.item_price.size());
  for (std::size_t i = 0; i < actual.item_price.size(); ++i) {
    if (std::isnan(expected.item_price[i])) {
      EXPECT_TRUE(std::isnan(actual.item_price[i])) << i;
    } else {
      EXPECT_EQ(actual.item_price[i], expected.item_price[i]) << i;
    }
  }
  expect_features_equal(actual.item_features, expected.item_features);
  EXPECT_EQ(actual.session_offsets, expected.session_offsets);
  EXPECT_EQ(actual.session_raw_id, expected.session_raw_id);
  EXPECT_EQ(actual.session_user, expected.session_user);
  EXPECT_EQ(actual.user_raw_id, expected.user_raw_id);
  EXPECT_EQ(actual.session_split, expected.session_split);
  EXPECT_EQ(actual.event_item, expected.event_item);
  EXPECT_EQ(actual.event_type, expected.event_type);
  EXPECT_EQ(actual.event_time_ms, expected.event_time_ms);
  const StoreImpressions& a = actual.impressions;
  const StoreImpressions& e = expected.impressions;
  EXPECT_EQ(a.session, e.session);
  EXPECT_EQ(a.slate, e.slate);
  EXPECT_EQ(a.item, e.item);
  EXPECT_EQ(a.position, e.position);
  EXPECT_EQ(a.reward, e.reward);
  EXPECT_EQ(a.propensity, e.propensity);
  EXPECT_EQ(a.time_ms, e.time_ms);
  expect_features_equal(a.context, e.context);
  const StoreProvenance& p = actual.provenance;
  const StoreProvenance& q = expected.provenance;
  EXPECT_EQ(p.source_format, q.source_format);
  EXPECT_EQ(p.inputs, q.inputs);
  EXPECT_EQ(p.import_config_yaml, q.import_config_yaml);
  EXPECT_EQ(p.seed, q.seed);
  EXPECT_EQ(p.created_by, q.created_by);
  EXPECT_EQ(p.rows_read, q.rows_read);
  EXPECT_EQ(p.rows_skipped, q.rows_skipped);
  EXPECT_EQ(p.events_dropped, q.events_dropped);
}

std::vector<std::string> files_in(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Opens a written store read-write with the bare C API, to damage it the way a buggy writer
// or another tool could.
void edit_store(const std::filesystem::path& path, const std::function<void(hid_t)>& edit) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  edit(file);
  ASSERT_GE(H5Fclose(file), 0);
}

template <typename T>
void overwrite_dataset(hid_t file, const char* path, hid_t memory_type,
                       const std::vector<T>& values) {
  const hid_t dataset = H5Dopen2(file, path, H5P_DEFAULT);
  ASSERT_GE(dataset, 0) << path;
  EXPECT_GE(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  H5Dclose(dataset);
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
