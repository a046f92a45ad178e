#include "vitalink/store/checksum.h"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>
#include <vector>

#include <xxhash.h>

namespace vitalink::store {
namespace {

constexpr size_t kChunkBytes = size_t{1} << 20;

std::string Hex(XXH128_hash_t hash) {
  // The canonical form is big-endian, whatever the machine: the text `xxhsum -H2` prints.
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, hash);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof(canonical.digest));
  for (const unsigned char byte : canonical.digest) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0f]);
  }
  return out;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
struct StateFreer {
  void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};

struct Digest {
  std::string checksum;
  int64_t bytes = 0;
};

Result<Digest> HashFile(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    const int err = errno;
    std::string msg =
        path + ": cannot open for its checksum: " + std::generic_category().message(err);
    return err == ENOENT ? Status::NotFound(std::move(msg)) : Status::IOError(std::move(msg));
  }
  std::unique_ptr<XXH3_state_t, StateFreer> state(XXH3_createState());
  VL_CHECK(state != nullptr);  // allocation failure
  VL_CHECK(XXH3_128bits_reset(state.get()) == XXH_OK);
  std::vector<char> buffer(kChunkBytes);
  Digest digest;
  for (;;) {
    const size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n > 0) {
      VL_CHECK(XXH3_128bits_update(state.get(), buffer.data(), n) == XXH_OK);
      digest.bytes += static_cast<int64_t>(n);
    }
    if (n < buffer.size()) break;
  }
  if (std::ferror(file.get()) != 0) {
    return Status::IOError(path + ": read error while computing its checksum");
  }
  digest.checksum = Hex(XXH3_128bits_digest(state.get()));
  return digest;
}

}  // namespace

Result<std::string> FileChecksum(const std::string& path) {
  VL_ASSIGN_OR_RETURN(Digest digest, HashFile(path));
  return std::move(digest.checksum);
}

std::string TextChecksum(std::string_view text) {
  return Hex(XXH3_128bits(text.data(), text.size()));
}

namespace {

// Append each field, prefixed by its length, to `buffer`.
template <typename Fields>
void AppendFields(const Fields& fields, std::string& buffer) {
  buffer.clear();
  for (std::string_view v : fields) {
    const uint64_t n = v.size();
    buffer.append(reinterpret_cast<const char*>(&n), sizeof n);
    buffer.append(v);
  }
}

}  // namespace

RowsDigest::RowsDigest(std::span<const std::string> header) {
  AppendFields(header, buffer_);
  const XXH128_hash_t h = XXH3_128bits(buffer_.data(), buffer_.size());
  Add(h.low64, h.high64);
}

void RowsDigest::AddRow(std::span<const std::string_view> fields) {
  AppendFields(fields, buffer_);
  for (std::string_view v : fields) bytes_ += static_cast<int64_t>(v.size());
  const XXH128_hash_t h = XXH3_128bits(buffer_.data(), buffer_.size());
  Add(h.low64, h.high64);
}

void RowsDigest::Add(uint64_t low, uint64_t high) {
  const uint64_t sum = low_ + low;
  high_ += high + (sum < low_ ? 1 : 0);
  low_ = sum;
}

std::string RowsDigest::Hex() const { return store::Hex(XXH128_hash_t{low_, high_}); }

Result<RunInput> DescribeInput(std::string_view name, const std::string& path) {
  VL_ASSIGN_OR_RETURN(Digest digest, HashFile(path));
  return RunInput{std::string(name), path, std::move(digest.checksum), digest.bytes};
}

}  // namespace vitalink::store
