// libFuzzer target for the CSV reader and the encoding layer.
//
// Every input is read twice: with default options (auto encoding, sniffed
// delimiter) and with options picked from its last byte (forced encoding,
// fixed delimiter, tiny field limit). Beyond "no crash, no hang, no sanitizer
// report" it checks the reader's promises: Open fails only with ParseError;
// rows come in strictly increasing line order, never more rows than lines;
// every view is well-formed UTF-8; a row is flagged iff it has a message.
//
//   cmake --preset fuzz && cmake --build build/fuzz --target csv_fuzz
//   build/fuzz/fuzz/csv_fuzz -max_total_time=60 /tmp/corpus testdata/ingest/csv
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vitalink/common/status.h"
#include "vitalink/common/utf8.h"
#include "vitalink/ingest/csv_reader.h"

namespace vitalink::ingest {
namespace {

void ReadEverything(std::string_view input, const CsvOptions& options) {
  auto reader = CsvReader::FromBuffer(std::string(input), "fuzz.csv", options);
  if (!reader.ok()) {
    VL_CHECK(reader.status().code() == StatusCode::kParseError);
    VL_CHECK(reader.status().message().rfind("fuzz.csv", 0) == 0);
    return;
  }
  VL_CHECK(reader->encoding() != Encoding::kAuto);
  VL_CHECK(!reader->header().empty());
  for (const std::string& name : reader->header()) VL_CHECK(IsValidUtf8(name));
  int64_t breaks = 0;
  for (char c : input) breaks += c == '\n' || c == '\r';
  int64_t rows = 0;
  int64_t last_line = reader->header_line();
  CsvRow row;
  while (reader->Next(row)) {
    ++rows;
    VL_CHECK(rows <= breaks + 1);
    VL_CHECK(row.line > last_line);
    last_line = row.line;
    VL_CHECK(!row.fields.empty());
    VL_CHECK(IsValidUtf8(row.raw));
    for (std::string_view field : row.fields) {
      VL_CHECK(IsValidUtf8(field));
      if (row.error == CsvRowError::kNone) {
        VL_CHECK(static_cast<int64_t>(field.size()) <= options.max_field_bytes);
      }
    }
    VL_CHECK((row.error == CsvRowError::kNone) == row.error_message.empty());
    VL_CHECK(row.error_field >= -1 && row.error_field < static_cast<int>(row.fields.size()));
    if (row.error == CsvRowError::kNone) VL_CHECK(row.fields.size() == reader->header().size());
  }
  VL_CHECK(!reader->Next(row));
  VL_CHECK(reader->records_read() == rows);
}

}  // namespace
}  // namespace vitalink::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using vitalink::ingest::CsvOptions;
  using vitalink::ingest::Encoding;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  vitalink::ingest::ReadEverything(input, CsvOptions{});
  const unsigned sel = size == 0 ? 0u : data[size - 1];
  static constexpr char kDelimiters[] = {0, ',', '\t', '|', ';', ' '};
  CsvOptions options;
  options.encoding = static_cast<Encoding>(sel % 3);
  options.delimiter = kDelimiters[(sel / 3) % 6];
  options.max_field_bytes = (sel & 0x80) != 0 ? 3 : 64;
  vitalink::ingest::ReadEverything(input, options);
  return 0;
}
