// Asking the kernel for transparent huge pages on large arrays before they are filled.
#pragma once

#include <cstddef>
#include <vector>

namespace shoprl {

// madvise(MADV_HUGEPAGE) on the 2 MiB-aligned part of [data, data + bytes). On small VMs a
// 4 KiB page fault costs microseconds and an import of 2.7M events touches ~10^5 pages; with
// huge pages that cost mostly goes (bench/README.md). Ranges under 4 MiB are left alone. A
// no-op where the kernel lacks THP; never fails.
void advise_huge_pages(const void* data, std::size_t bytes);

// Reserves `count` elements and advises huge pages for them.
template <class T>
void reserve_huge(std::vector<T>& values, std::size_t count) {
  values.reserve(count);
  advise_huge_pages(values.data(), values.capacity() * sizeof(T));
}

}  // namespace shoprl
