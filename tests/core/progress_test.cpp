// Tests the progress line (core/progress.h): its ETA comes from the rate measured in this
// process, so a resumed run's earlier work does not make it look faster than it is.
#include "core/progress.h"

#include <gtest/gtest.h>

namespace shoprl {
namespace {

TEST(ProgressLine, EtaIsTheRemainingCountOverTheMeasuredRate) {
  // 30 of 120 done in 15 s: 2/s, 90 left: 45 s.
  EXPECT_EQ(progress_line("train dqn", "iterations", 30, 120, 0, 15.0),
            "train dqn 30/120 (25%) 2 iterations/s ETA 0:00:45");
}

TEST(ProgressLine, AResumedRunsEarlierWorkIsNotPartOfTheRate) {
  // Resumed at 80 of 100; 10 more in 10 s: 1/s, so 10 s left (not 1 s, as 90 in 10 s would say).
  EXPECT_EQ(progress_line("train dqn", "iterations", 90, 100, 80, 10.0),
            "train dqn 90/100 (90%) 1 iterations/s ETA 0:00:10");
}

TEST(ProgressLine, WithoutATotalItShowsTheElapsedTime) {
  EXPECT_EQ(progress_line("reading x.csv", "B", 2500, 0, 0, 2.0),
            "reading x.csv 2.5k 1.2k B/s 0:00:02");
}

}  // namespace
}  // namespace shoprl
