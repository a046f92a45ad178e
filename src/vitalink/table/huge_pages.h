// Ask the kernel to back a large buffer with transparent huge pages (2 MiB).
//
// Filling a buffer of hundreds of megabytes page by page costs one fault per
// 4 KiB (and random lookups into it a TLB miss each); with huge pages that is
// one per 2 MiB. Call it after reserving and before writing: the advice
// applies to pages not yet touched.
//
//   std::vector<uint32_t> ids;
//   ids.reserve(n);
//   AdviseHugePages(ids.data(), n * sizeof(uint32_t));
#pragma once

#include <cstddef>

namespace vitalink {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

/// Advise huge pages for the whole 2 MiB-aligned pages inside [data, data + bytes).
/// A hint: does nothing for small buffers or where the kernel declines. Thread-safe.
void AdviseHugePages(const void* data, size_t bytes);

}  // namespace vitalink
