#include "core/allocator_tuning.h"

#include <malloc.h>

namespace shoprl {

bool keep_freed_memory_for_reuse() {
  // 32 MB is glibc's largest mmap threshold on 64-bit systems; larger blocks are mapped anyway.
  constexpr int kMmapThreshold = 32 << 20;
  constexpr int kTrimThreshold = 512 << 20;
  constexpr int kTopPad = 64 << 20;
  bool ok = mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1;
  ok = mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1 && ok;
  ok = mallopt(M_TOP_PAD, kTopPad) == 1 && ok;
  return ok;
}

}  // namespace shoprl
