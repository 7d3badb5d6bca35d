// The suite's main: GoogleTest with shoprl's progress display silenced.
#include <gtest/gtest.h>

#include "core/progress.h"

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  shoprl::set_progress_quiet(true);
  return RUN_ALL_TESTS();
}
