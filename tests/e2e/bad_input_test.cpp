// Every kind of bad import input, through the program: one line naming the file, a non-zero
// exit code of the right class, the store that was already there untouched, no temporary file.
#include <gtest/gtest.h>

#include <fstream>

#include "core/atomic_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

struct BadInput {
  const char* name;
  const char* format;
  const char* file_name;
  std::string contents;  // written as given; ".gz" names are gzip-compressed
  int exit_code;
  const char* message_part;
};

constexpr const char* kHeader = "timestamp,visitorid,event,itemid,transactionid\n";

std::vector<BadInput> bad_inputs() {
  return {
      {"MalformedRow", "retailrocket", "events.csv",
       std::string(kHeader) + "1433221332117,1,view,10,\n1433221332118,1,view\n", 4,
       "events.csv:3: expected 5 fields"},
      {"MissingColumn", "retailrocket", "events.csv",
       "timestamp,visitorid,event,transactionid\n1433221332117,1,view,\n", 4,
       "missing column 'itemid'"},
      {"UnknownEventName", "retailrocket", "events.csv",
       std::string(kHeader) + "1433221332117,1,glance,10,\n", 4,
       "events.csv:2: unknown event 'glance'"},
      {"BadNumber", "retailrocket", "events.csv",
       std::string(kHeader) + "14332x1332117,1,view,10,\n", 4, "events.csv:2:"},
      {"EmptyFile", "retailrocket", "events.csv", "", 4, "events.csv: empty file"},
      {"TruncatedGzip", "retailrocket", "events.csv.gz", "", 4, "truncated or corrupt gzip"},
      {"MissingFile", "retailrocket", "absent.csv", "", 5, "absent.csv: file not found"},
      {"UnknownFormat", "retailrockt", "events.csv", std::string(kHeader), 3,
       "did you mean 'retailrocket'"},
  };
}

class BadImportInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadImportInput, FailsWithOneLineAndKeepsTheExistingStore) {
  const BadInput& bad = GetParam();
  testing::TempDir dir;
  const std::string shoprl = "'" + testing::shoprl_binary().string() + "'";
  // A good store already at the output path.
  testing::write_text(dir / "good.csv", std::string(kHeader) + "1433221332117,1,view,10,\n");
  const auto store = dir / "store.h5";
  ASSERT_EQ(testing::run_command(shoprl + " -q data import -f retailrocket -i '" +
                                 (dir / "good.csv").string() + "' -o '" + store.string() + "'")
                .exit_code,
            0);
  const std::string before = read_file_text(store);

  const auto input = dir / bad.file_name;
  if (std::string(bad.name) == "TruncatedGzip") {
    std::string text = kHeader;
    for (int i = 0; i < 30000; ++i)
      text += "14332213" + std::to_string(10000 + i) + ",1,view,10,\n";
    testing::write_text(dir / "full.csv.gz", text);
    const std::string bytes = read_file_text(dir / "full.csv.gz");
    std::ofstream(input, std::ios::binary) << bytes.substr(0, bytes.size() * 2 / 3);
    std::filesystem::remove(dir / "full.csv.gz");
  } else if (std::string(bad.name) != "MissingFile") {
    testing::write_text(input, bad.contents);
  }

  const auto result = testing::run_command(shoprl + " -q data import -f " + bad.format + " -i '" +
                                           input.string() + "' -o '" + store.string() + "'");
  EXPECT_EQ(result.exit_code, bad.exit_code) << result.output;
  EXPECT_NE(result.output.find(bad.message_part), std::string::npos) << result.output;
  EXPECT_EQ(result.output.rfind("shoprl: error: ", 0), 0u) << result.output;
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
  EXPECT_EQ(read_file_text(store), before);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
        << "temporary file left: " << entry.path();
  }
}

INSTANTIATE_TEST_SUITE_P(EveryKind, BadImportInput, ::testing::ValuesIn(bad_inputs()),
                         [](const ::testing::TestParamInfo<BadInput>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace shoprl
