// Paths the tests need: a fresh temporary folder per test, the shared real data (tests skip
// with a message when it is absent), the shoprl binary, and running it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace shoprl::testing {

// A new empty folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::filesystem::path source_dir();
std::filesystem::path shared_data_dir();
std::filesystem::path shoprl_binary();
// The program quoted for a shell command line: shoprl() + " data stats x.h5".
std::string shoprl();

// Writes `text` to `path` (creating folders); gzip-compressed when the name ends in .gz.
void write_text(const std::filesystem::path& path, const std::string& text);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};
// Runs a shell command line, capturing its output.
CommandResult run_command(const std::string& command_line);

// Starts the shoprl program with `arguments` (no shell) and returns at once with its process
// id; its stdout and stderr go to `output` (truncated). std::runtime_error when it cannot start.
int start_shoprl(const std::vector<std::string>& arguments,
                 const std::filesystem::path& output = "/dev/null");

}  // namespace shoprl::testing

// Skips the current test unless ../shared/data/<folder> exists.
#define SHOPRL_REQUIRE_SHARED_DATA(folder)                                           \
  do {                                                                               \
    if (!std::filesystem::exists(::shoprl::testing::shared_data_dir() / (folder))) { \
      GTEST_SKIP() << "real data not found at "                                      \
                   << (::shoprl::testing::shared_data_dir() / (folder)).string()     \
                   << " (../shared/data is absent on this machine)";                 \
    }                                                                                \
  } while (0)
