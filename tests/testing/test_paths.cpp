#include "testing/test_paths.h"

#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace shoprl::testing {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("shoprl-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;  // a leftover temp folder is not worth failing a test over
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path source_dir() { return SHOPRL_SOURCE_DIR; }
std::filesystem::path shared_data_dir() { return SHOPRL_SHARED_DATA_DIR; }
std::filesystem::path shoprl_binary() { return SHOPRL_BINARY; }
std::string shoprl() { return "'" + shoprl_binary().string() + "'"; }

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  if (path.extension() == ".gz") {
    gzFile gz = gzopen(path.c_str(), "wb");
    if (gz == nullptr) throw std::runtime_error("cannot write " + path.string());
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    return;
  }
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

CommandResult run_command(const std::string& command_line) {
  CommandResult result;
  FILE* pipe = ::popen((command_line + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command_line);
  std::array<char, 4096> buffer{};
  std::size_t got = 0;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), got);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace shoprl::testing
