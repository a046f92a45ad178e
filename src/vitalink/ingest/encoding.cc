#include "vitalink/ingest/encoding.h"

#include <unicode/ucnv.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "vitalink/common/utf8.h"

namespace vitalink::ingest {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

bool AsciiWord(const unsigned char* p) {
  uint64_t word;
  std::memcpy(&word, p, 8);
  return (word & 0x8080808080808080ULL) == 0;
}

// Count ill-formed bytes and well-formed multibyte sequences, with the same
// well-formedness rules as FindInvalidUtf8 (no overlongs, no surrogates).
void CountUtf8(std::string_view s, int64_t& invalid, int64_t& multibyte) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && AsciiWord(p + i)) {
      i += 8;
      continue;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t len = WellFormedUtf8Length(p + i, n - i);
    const bool ok = len != 0;
    if (ok) {
      ++multibyte;
      i += len;
    } else {
      ++invalid;
      ++i;
    }
  }
}

// Count bytes that start no well-formed GB18030 sequence, and the well-formed
// 2- and 4-byte sequences (GB 18030-2005 byte structure: lead 81-FE, then
// 40-7E/80-FE, or 30-39 81-FE 30-39).
void CountGb18030(std::string_view s, int64_t& invalid, int64_t& multibyte) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && AsciiWord(p + i)) {
      i += 8;
      continue;
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c != 0x80 && c != 0xFF && i + 1 < n) {
      const unsigned char c2 = p[i + 1];
      if ((c2 >= 0x40 && c2 <= 0x7E) || (c2 >= 0x80 && c2 <= 0xFE)) {
        ++multibyte;
        i += 2;
        continue;
      }
      if (c2 >= 0x30 && c2 <= 0x39 && i + 3 < n && p[i + 2] >= 0x81 && p[i + 2] <= 0xFE &&
          p[i + 3] >= 0x30 && p[i + 3] <= 0x39) {
        ++multibyte;
        i += 4;
        continue;
      }
    }
    ++invalid;
    ++i;
  }
}

// Replace each ill-formed byte of `in` by U+FFFD, recording output offsets.
DecodedText RepairUtf8(std::string_view in, size_t first_bad) {
  DecodedText out;
  out.utf8.reserve(in.size() + in.size() / 8 + 16);
  size_t pos = 0;
  size_t bad = first_bad;
  while (bad != std::string_view::npos) {
    out.utf8.append(in.substr(pos, bad - pos));
    out.invalid_offsets.push_back(static_cast<int64_t>(out.utf8.size()));
    out.utf8.append(kReplacement, 3);
    pos = bad + 1;
    const size_t next = FindInvalidUtf8(in.substr(pos));
    bad = next == std::string_view::npos ? next : pos + next;
  }
  out.utf8.append(in.substr(pos));
  return out;
}

struct ConverterCloser {
  void operator()(UConverter* cnv) const { ucnv_close(cnv); }
};

void AppendCodePoint(uint32_t cp, std::string& out) {
  char buf[4];
  size_t len;
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    len = 1;
  } else if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    len = 2;
  } else if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    len = 3;
  } else {
    buf[0] = static_cast<char>(0xF0 | (cp >> 18));
    buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
    len = 4;
  }
  out.append(buf, len);
}

// GB18030's two-byte plane (GBK, and GB2312 inside it) as BMP code points,
// read once from ICU; 0 where ICU has no plain one-character mapping.
constexpr int kTrailCount = 0xFE - 0x40 + 1;

struct TwoByteTable {
  std::vector<char16_t> units = std::vector<char16_t>(126 * kTrailCount, 0);
  Status status;
};

const TwoByteTable& GetTwoByteTable() {
  static const TwoByteTable* const table = [] {
    auto* t = new TwoByteTable;
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UConverter, ConverterCloser> cnv(ucnv_open("GB18030", &status));
    if (U_FAILURE(status)) {
      t->status = Status::Internal(std::string("cannot open the ICU GB18030 converter: ") +
                                   u_errorName(status));
      return t;
    }
    for (int lead = 0x81; lead <= 0xFE; ++lead) {
      for (int trail = 0x40; trail <= 0xFE; ++trail) {
        if (trail == 0x7F) continue;
        const char src[2] = {static_cast<char>(lead), static_cast<char>(trail)};
        UChar dest[4];
        status = U_ZERO_ERROR;
        const int32_t len = ucnv_toUChars(cnv.get(), dest, 4, src, 2, &status);
        if (U_FAILURE(status) || len != 1 || dest[0] == 0xFFFD || dest[0] == 0x1A ||
            (dest[0] >= 0xD800 && dest[0] <= 0xDFFF)) {
          continue;
        }
        t->units[static_cast<size_t>((lead - 0x81) * kTrailCount + (trail - 0x40))] = dest[0];
      }
    }
    return t;
  }();
  return *table;
}

// Decode one complete GB18030 sequence of 2 or 4 bytes with ICU (the rare
// four-byte ones and unmapped two-byte ones); return false if undecodable.
bool DecodeSequenceWithIcu(UConverter* cnv, const unsigned char* seq, size_t len,
                           std::string& out) {
  UChar dest[8];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t n = ucnv_toUChars(cnv, dest, 8, reinterpret_cast<const char*>(seq),
                                  static_cast<int32_t>(len), &status);
  if (U_FAILURE(status) || n < 1 || n > 2) return false;
  uint32_t cp = dest[0];
  if (n == 2) {
    if (cp < 0xD800 || cp > 0xDBFF || dest[1] < 0xDC00 || dest[1] > 0xDFFF) return false;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (dest[1] - 0xDC00u);
  } else if (cp >= 0xD800 && cp <= 0xDFFF) {
    return false;
  } else if (cp == 0x1A) {
    return false;  // ICU's substitute: a real SUB is the single byte 1A
  } else if (cp == 0xFFFD) {
    // GB18030 encodes U+FFFD itself as 84 31 A4 37.
    if (!(len == 4 && seq[0] == 0x84 && seq[1] == 0x31 && seq[2] == 0xA4 && seq[3] == 0x37)) {
      return false;
    }
  }
  AppendCodePoint(cp, out);
  return true;
}

// Convert GB18030 to UTF-8: ASCII runs are copied, two-byte characters looked
// up in the table, everything else goes through ICU one sequence at a time. A
// byte that starts no well-formed sequence becomes one U+FFFD, so a broken
// lead byte never swallows the delimiter or line end after it.
Result<DecodedText> DecodeGb18030(std::string_view in) {
  const TwoByteTable& table = GetTwoByteTable();
  if (!table.status.ok()) return table.status;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> cnv(ucnv_open("GB18030", &status));
  if (U_FAILURE(status)) {
    return Status::Internal(std::string("cannot open the ICU GB18030 converter: ") +
                            u_errorName(status));
  }
  DecodedText out;
  out.encoding = Encoding::kGb18030;
  // Chinese text grows from 2 bytes to 3 per character.
  out.utf8.reserve(in.size() + in.size() / 2 + 16);
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  size_t i = 0;
  while (i < n) {
    size_t run = i;
    while (run + 8 <= n && AsciiWord(p + run)) run += 8;
    while (run < n && p[run] < 0x80) ++run;
    if (run > i) {
      out.utf8.append(in.data() + i, run - i);
      i = run;
      if (i == n) break;
    }
    const unsigned char c = p[i];
    if (c >= 0x81 && c <= 0xFE && i + 1 < n) {
      const unsigned char c2 = p[i + 1];
      if (c2 >= 0x40 && c2 <= 0xFE && c2 != 0x7F) {
        const char16_t u = table.units[static_cast<size_t>((c - 0x81) * kTrailCount + (c2 - 0x40))];
        if (u != 0) {
          AppendCodePoint(u, out.utf8);
          i += 2;
          continue;
        }
        if (DecodeSequenceWithIcu(cnv.get(), p + i, 2, out.utf8)) {
          i += 2;
          continue;
        }
      } else if (c2 >= 0x30 && c2 <= 0x39 && i + 3 < n && p[i + 2] >= 0x81 && p[i + 2] <= 0xFE &&
                 p[i + 3] >= 0x30 && p[i + 3] <= 0x39) {
        // The GB18030 byte order mark decodes to U+FEFF.
        if (i == 0 && c == 0x84 && c2 == 0x31 && p[2] == 0x95 && p[3] == 0x33) {
          out.had_bom = true;
          i += 4;
          continue;
        }
        if (DecodeSequenceWithIcu(cnv.get(), p + i, 4, out.utf8)) {
          i += 4;
          continue;
        }
      }
    }
    out.invalid_offsets.push_back(static_cast<int64_t>(out.utf8.size()));
    out.utf8.append(kReplacement, 3);
    ++i;
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kAuto: return "auto";
    case Encoding::kUtf8: return "utf-8";
    case Encoding::kGb18030: return "gb18030";
  }
  return "unknown";
}

Result<Encoding> ParseEncodingName(std::string_view name) {
  for (std::string_view n : {"utf-8", "utf8"}) {
    if (EqualsIgnoreCase(name, n)) return Encoding::kUtf8;
  }
  for (std::string_view n : {"gb18030", "gbk", "gb2312"}) {
    if (EqualsIgnoreCase(name, n)) return Encoding::kGb18030;
  }
  if (EqualsIgnoreCase(name, "auto")) return Encoding::kAuto;
  return Status::InvalidArgument("unknown encoding '" + std::string(name) +
                                 "' (expected auto, utf-8, gb18030, gbk or gb2312)");
}

EncodingGuess GuessEncoding(std::string_view bytes) {
  EncodingGuess guess;
  if (FindInvalidUtf8(bytes) == std::string_view::npos) return guess;
  CountUtf8(bytes, guess.utf8_invalid, guess.utf8_multibyte);
  CountGb18030(bytes, guess.gb18030_invalid, guess.gb18030_multibyte);
  // A few stray bytes in otherwise good UTF-8 are data errors, not an encoding:
  // GBK text read as UTF-8 fails on most of its sequences (about 90% for a
  // register of Chinese names), so up to 20% bad still means UTF-8.
  const int64_t utf8_total = guess.utf8_invalid + guess.utf8_multibyte;
  if (guess.utf8_invalid * 5 <= utf8_total) return guess;
  const int64_t gb_total = guess.gb18030_invalid + guess.gb18030_multibyte;
  if (guess.gb18030_invalid * 50 <= gb_total || guess.gb18030_invalid * 4 < guess.utf8_invalid) {
    guess.encoding = Encoding::kGb18030;
  }
  return guess;
}

Result<DecodedText> DecodeToUtf8(std::string bytes, Encoding encoding) {
  bool had_bom = false;
  if (encoding != Encoding::kGb18030 && bytes.size() >= 3 &&
      bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    bytes.erase(0, 3);
    had_bom = true;
    encoding = Encoding::kUtf8;
  }
  // Valid UTF-8 is settled by this one pass; only other input pays for a guess.
  const size_t first_bad =
      encoding == Encoding::kGb18030 ? std::string_view::npos : FindInvalidUtf8(bytes);
  if (encoding == Encoding::kAuto && first_bad != std::string_view::npos) {
    encoding = GuessEncoding(bytes).encoding;
  }
  if (encoding == Encoding::kGb18030) return DecodeGb18030(bytes);

  DecodedText out;
  if (first_bad == std::string_view::npos) {
    out.utf8 = std::move(bytes);
  } else {
    out = RepairUtf8(bytes, first_bad);
  }
  out.encoding = Encoding::kUtf8;
  out.had_bom = had_bom;
  return out;
}

// Convert GB18030 to UTF-8 with ICU. The input is fed in chunks that end just
// after a byte below 0x30: such a byte is never part of a multibyte sequence,
// so no sequence straddles chunks and ICU's offsets always point into the
// current chunk. A U+FFFD (or ICU's U+001A substitute) whose source bytes are
// not the character itself marks undecodable input.
Result<DecodedText> DecodeGb18030WithIcu(std::string_view in) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> cnv(ucnv_open("GB18030", &status));
  if (U_FAILURE(status)) {
    return Status::Internal(std::string("cannot open the ICU GB18030 converter: ") +
                            u_errorName(status));
  }
  ucnv_setToUCallBack(cnv.get(), UCNV_TO_U_CALLBACK_SUBSTITUTE, nullptr, nullptr, nullptr, &status);
  DecodedText out;
  out.encoding = Encoding::kGb18030;
  // Chinese text grows from 2 bytes to 3 per character.
  out.utf8.reserve(in.size() + in.size() / 2 + 16);
  constexpr size_t kChunk = 1 << 16;
  std::vector<UChar> units;
  std::vector<int32_t> offsets;
  size_t chunk_begin = 0;
  while (chunk_begin < in.size()) {
    size_t chunk_end = std::min(in.size(), chunk_begin + kChunk);
    while (chunk_end < in.size() && static_cast<unsigned char>(in[chunk_end - 1]) >= 0x30) {
      ++chunk_end;
    }
    // Each output unit consumes at least one input byte, except a 4-byte
    // sequence that yields a surrogate pair; loop anyway should ICU overflow.
    units.resize(chunk_end - chunk_begin + 8);
    offsets.resize(units.size());
    const char* src = in.data() + chunk_begin;
    const char* src_limit = in.data() + chunk_end;
    bool more = true;
    while (more) {
      const auto* base = reinterpret_cast<const unsigned char*>(src);
      const size_t base_len = static_cast<size_t>(src_limit - src);
      UChar* target = units.data();
      status = U_ZERO_ERROR;
      ucnv_toUnicode(cnv.get(), &target, units.data() + units.size(), &src, src_limit,
                     offsets.data(), /*flush=*/true, &status);
      more = status == U_BUFFER_OVERFLOW_ERROR;
      if (U_FAILURE(status) && !more) {
        return Status::Internal(std::string("GB18030 conversion failed: ") + u_errorName(status));
      }
      const size_t produced = static_cast<size_t>(target - units.data());
      for (size_t u = 0; u < produced; ++u) {
        uint32_t cp = units[u];
        const int32_t off = offsets[u];
        const bool known = off >= 0 && static_cast<size_t>(off) < base_len;
        bool bad = false;
        if (cp >= 0xD800 && cp <= 0xDBFF && u + 1 < produced && units[u + 1] >= 0xDC00 &&
            units[u + 1] <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (units[u + 1] - 0xDC00u);
          ++u;
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
          bad = true;
        } else if (cp == 0xFFFD) {
          // GB18030 encodes U+FFFD itself as 84 31 A4 37.
          bad = !(known && static_cast<size_t>(off) + 4 <= base_len && base[off] == 0x84 &&
                  base[off + 1] == 0x31 && base[off + 2] == 0xA4 && base[off + 3] == 0x37);
        } else if (cp == 0x1A) {
          bad = !(known && base[off] == 0x1A);
        } else if (cp == 0xFEFF && out.utf8.empty() && chunk_begin == 0 && off == 0) {
          out.had_bom = true;
          continue;
        }
        if (bad) {
          out.invalid_offsets.push_back(static_cast<int64_t>(out.utf8.size()));
          out.utf8.append(kReplacement, 3);
        } else {
          AppendCodePoint(cp, out.utf8);
        }
      }
    }
    chunk_begin = chunk_end;
  }
  return out;
}

}  // namespace vitalink::ingest
