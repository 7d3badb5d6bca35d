// Ctrl-C leaves nothing half-written (core/interrupts.h): a SIGINT that arrives while a command
// writes its output removes the `.NAME.tmp-*` file, keeps what was there before, and ends the
// process by the signal, as a shell expects of an interrupted job.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "core/atomic_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;
using testing::shoprl;

// Starts the program with `arguments`, its output discarded.
pid_t start_quiet_shoprl(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "-q");
  return testing::start_shoprl(arguments);
}

// The temporary files in `dir` whose name starts with ".<name>.tmp-".
std::vector<std::string> temporaries(const std::filesystem::path& dir, const std::string& name) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("." + name + ".tmp-", 0) == 0) found.push_back(file);
  }
  return found;
}

// Waits (up to a minute) until `pid` has a temporary for `name` in `dir`, then stops it there
// (SIGSTOP), so that the signal is sure to come while the output is unfinished. False when the
// process ended, or renamed its output into place, before it could be stopped.
bool stop_while_writing(pid_t pid, const std::filesystem::path& dir, const std::string& name) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!temporaries(dir, name).empty()) {
      ::kill(pid, SIGSTOP);
      int status = 0;
      ::waitpid(pid, &status, WUNTRACED);
      if (WIFSTOPPED(status) && !temporaries(dir, name).empty()) return true;
      if (WIFSTOPPED(status)) ::kill(pid, SIGCONT);
      return false;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return false;
}

// Runs the command until it writes `name` in `dir`, interrupts it there (SIGINT), and expects
// death by SIGINT with no temporary left. A run that finished before it could be caught is
// repeated (the HDF5 store is written in one short burst at the end).
void interrupt_while_writing(const std::vector<std::string>& arguments,
                             const std::filesystem::path& dir, const std::string& name) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    const pid_t pid = start_quiet_shoprl(arguments);
    if (!stop_while_writing(pid, dir, name)) {
      int status = 0;
      ::waitpid(pid, &status, 0);
      std::filesystem::remove(dir / name);
      continue;
    }
    ASSERT_EQ(::kill(pid, SIGINT), 0);
    ASSERT_EQ(::kill(pid, SIGCONT), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT)
        << "exited normally with " << (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    const std::vector<std::string> left = temporaries(dir, name);
    EXPECT_TRUE(left.empty()) << left.front();
    return;
  }
  FAIL() << "five runs finished before their output " << name << " could be caught unfinished";
}

TEST(Interrupt, CtrlCWhileASampleLogIsStreamedLeavesNoTemporaryAndTheOldFile) {
  testing::TempDir dir;
  const auto log = dir / "events.csv.gz";
  write_file_atomic(log, "the previous file");
  // The rows are generated first, then compressed into the temporary for seconds: the signal
  // comes during that write.
  interrupt_while_writing({"data", "sample", "-o", log.string(), "--set", "sample.events=3000000"},
                          dir.path(), "events.csv.gz");
  EXPECT_EQ(read_file_text(log), "the previous file");
}

TEST(Interrupt, CtrlCWhileAnImportWritesItsStoreLeavesNoTemporary) {
  testing::TempDir dir;
  const auto log = dir / "events.csv";
  ASSERT_EQ(run_command(shoprl() + " -q data sample -o '" + log.string() +
                        "' --set sample.events=1500000")
                .exit_code,
            0);
  const auto store = dir / "store.h5";
  // The store is written after the whole log is read; the signal comes during that write.
  interrupt_while_writing(
      {"data", "import", "-f", "retailrocket", "-i", log.string(), "-o", store.string()},
      dir.path(), "store.h5");
  // The rename into place may win the race with the signal; then the store is whole.
  if (std::filesystem::exists(store)) {
    EXPECT_EQ(run_command(shoprl() + " data stats '" + store.string() + "'").exit_code, 0);
  }
}

}  // namespace
}  // namespace shoprl
