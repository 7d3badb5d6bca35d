#include "core/atomic_file.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

std::size_t files_in(const std::filesystem::path& dir) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(dir),
                                                std::filesystem::directory_iterator()));
}

TEST(AtomicFile, CommitReplacesTheTargetAndLeavesNoTemporary) {
  testing::TempDir dir;
  write_file_atomic(dir / "out.txt", "old");
  write_file_atomic(dir / "out.txt", "new");
  EXPECT_EQ(read_file_text(dir / "out.txt"), "new");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicFile, AbandonedWriteKeepsTheOldFile) {
  testing::TempDir dir;
  write_file_atomic(dir / "out.txt", "old");
  {
    AtomicFile file(dir / "out.txt");
    testing::write_text(file.temp_path(), "half of the new cont");
    // No commit: as if the writer failed half-way.
  }
  EXPECT_EQ(read_file_text(dir / "out.txt"), "old");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicFile, CreatesParentFoldersAndReportsUnwritablePaths) {
  testing::TempDir dir;
  write_file_atomic(dir / "a" / "b" / "c.txt", "x");
  EXPECT_EQ(read_file_text(dir / "a" / "b" / "c.txt"), "x");
  testing::write_text(dir / "plain-file", "x");
  EXPECT_THROW(write_file_atomic(dir / "plain-file" / "below.txt", "x"), IoError);
  EXPECT_THROW(read_file_text(dir / "missing.txt"), IoError);
}

}  // namespace
}  // namespace shoprl
