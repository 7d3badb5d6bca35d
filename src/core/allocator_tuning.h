// Keeps large freed blocks in the process for reuse. The learned simulator and the networks
// allocate and free tensors of [N, items] floats (megabytes) every step; with glibc's defaults
// each is mmapped and unmapped again, so every step faults its pages back in. Measured on
// `bench env --learned` (N = 1,024, 2,000 items): 149 ms per step before, 23 ms after.
#pragma once

namespace shoprl {

// Raises glibc's mmap and trim thresholds (blocks up to 32 MB come from the heap, and up to
// 512 MB of freed heap stays mapped). Process-wide: the program calls it once at start.
// Returns false where the C library refused (the program runs on, only slower).
bool keep_freed_memory_for_reuse();

}  // namespace shoprl
