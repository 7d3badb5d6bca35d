// The allocator settings must be ones glibc accepts: a threshold above its 32 MB ceiling is
// refused silently by mallopt, and the learned simulator would be six times slower again.
#include "core/allocator_tuning.h"

#include <gtest/gtest.h>

namespace shoprl {
namespace {

TEST(AllocatorTuning, TheCLibraryAcceptsEverySetting) {
  EXPECT_TRUE(keep_freed_memory_for_reuse());
}

}  // namespace
}  // namespace shoprl
