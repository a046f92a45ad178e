#include "vitalink/table/huge_pages.h"

#include <cstdint>

#include <sys/mman.h>

namespace vitalink {

void AdviseHugePages(const void* data, size_t bytes) {
  if (data == nullptr || bytes < kHugePageBytes) return;
  const auto begin = reinterpret_cast<uintptr_t>(data);
  const uintptr_t first = (begin + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  const uintptr_t last = (begin + bytes) & ~(kHugePageBytes - 1);
  if (last <= first) return;
  // Failure (no THP support, a file mapping) only loses the speed-up.
  (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

}  // namespace vitalink
