#include "vitalink/ingest/csv_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "vitalink/common/utf8.h"

namespace vitalink::ingest {
namespace {

const std::string kCsvDir = std::string(VL_TESTDATA_DIR) + "/ingest/csv/";

// An owning copy of a CsvRow, so rows outlive the reader's buffer views.
struct RowCopy {
  int64_t line = 0;
  std::vector<std::string> fields;
  std::string raw;
  CsvRowError error = CsvRowError::kNone;
  int error_field = -1;
  std::string error_message;
};

struct Parsed {
  std::vector<std::string> header;
  char delimiter = 0;
  Encoding encoding = Encoding::kAuto;
  int64_t header_line = 0;
  std::vector<RowCopy> rows;
};

// Read every row and check the invariants that hold for any input: lines
// strictly increase, views are well-formed UTF-8, the reader's own count
// matches. Callers then assert the number of rows (reconciliation).
Parsed ReadAll(CsvReader& reader) {
  Parsed out;
  out.header = reader.header();
  out.delimiter = reader.delimiter();
  out.encoding = reader.encoding();
  out.header_line = reader.header_line();
  int64_t last_line = reader.header_line();
  CsvRow row;
  while (reader.Next(row)) {
    EXPECT_GT(row.line, last_line);
    last_line = row.line;
    EXPECT_TRUE(IsValidUtf8(row.raw)) << "line " << row.line;
    EXPECT_EQ(row.error == CsvRowError::kNone, row.error_message.empty()) << row.error_message;
    RowCopy copy;
    copy.line = row.line;
    for (std::string_view f : row.fields) {
      EXPECT_TRUE(IsValidUtf8(f)) << "line " << row.line;
      copy.fields.emplace_back(f);
    }
    copy.raw = std::string(row.raw);
    copy.error = row.error;
    copy.error_field = row.error_field;
    copy.error_message = row.error_message;
    out.rows.push_back(std::move(copy));
  }
  EXPECT_FALSE(reader.Next(row)) << "Next() after the end must stay false";
  EXPECT_EQ(reader.records_read(), static_cast<int64_t>(out.rows.size()));
  return out;
}

Parsed ReadFile(const std::string& name, const CsvOptions& options = {}) {
  auto reader = CsvReader::Open(kCsvDir + name, options);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  EXPECT_EQ(reader->display_name(), kCsvDir + name);
  EXPECT_EQ(reader->bytes(), static_cast<int64_t>(std::filesystem::file_size(kCsvDir + name)));
  return ReadAll(*reader);
}

Parsed ReadText(std::string text, const CsvOptions& options = {}) {
  auto reader = CsvReader::FromBuffer(std::move(text), "test.csv", options);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  return ReadAll(*reader);
}

using Fields = std::vector<std::string>;
const Fields kHeader = {"id", "name", "birth_date"};

TEST(CsvReaderTest, ReadsPlainFile) {
  Parsed p = ReadFile("basic.csv");
  EXPECT_EQ(p.header, kHeader);
  EXPECT_EQ(p.delimiter, ',');
  EXPECT_EQ(p.encoding, Encoding::kUtf8);
  EXPECT_EQ(p.header_line, 1);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].line, 2);
  EXPECT_EQ(p.rows[0].fields, (Fields{"110101199001011234", "张伟", "1990-01-01"}));
  EXPECT_EQ(p.rows[0].raw, "110101199001011234,张伟,1990-01-01");
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].fields, (Fields{"110101198512125678", "李娜", "1985-12-12"}));
  for (const RowCopy& r : p.rows) EXPECT_EQ(r.error, CsvRowError::kNone);
}

TEST(CsvReaderTest, StripsBomAndReadsCrlf) {
  Parsed p = ReadFile("bom_crlf.csv");
  EXPECT_EQ(p.header, kHeader);
  EXPECT_EQ(p.header_line, 1);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].line, 2);
  EXPECT_EQ(p.rows[0].raw, "110101199001011234,张伟,1990-01-01");
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].fields, (Fields{"110101198512125678", "李娜", "1985-12-12"}));
}

TEST(CsvReaderTest, QuotedFieldsHoldDelimitersNewlinesAndDoubledQuotes) {
  Parsed p = ReadFile("quoted_newlines.csv");
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.rows[0].line, 2);
  EXPECT_EQ(p.rows[0].fields, (Fields{"1", "王, 芳", "2001-02-03"}));
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].fields, (Fields{"2", "多行\n地址\r\n第三行", "2002-03-04"}));
  EXPECT_EQ(p.rows[1].raw, "2,\"多行\n地址\r\n第三行\",2002-03-04");
  EXPECT_EQ(p.rows[2].line, 6);
  EXPECT_EQ(p.rows[2].fields, (Fields{"3", "他说\"好\"", "2003-04-05"}));
  EXPECT_EQ(p.rows[3].line, 7);
  EXPECT_EQ(p.rows[3].fields, (Fields{"4", "", "2004-05-06"}));
  for (const RowCopy& r : p.rows) EXPECT_EQ(r.error, CsvRowError::kNone) << r.error_message;
}

TEST(CsvReaderTest, UnclosedQuoteEndsRecordAtEndOfItsLine) {
  Parsed p = ReadFile("unbalanced_quote_eof.csv");
  ASSERT_EQ(p.rows.size(), 4u);  // the rest of the file is not swallowed
  EXPECT_EQ(p.rows[0].error, CsvRowError::kNone);
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].error, CsvRowError::kUnbalancedQuote);
  EXPECT_EQ(p.rows[1].error_field, 1);
  EXPECT_EQ(p.rows[1].fields, (Fields{"2", "李娜,1985-12-12"}));
  EXPECT_EQ(p.rows[1].raw, "2,\"李娜,1985-12-12");
  EXPECT_NE(p.rows[1].error_message.find("never closed"), std::string::npos);
  EXPECT_EQ(p.rows[2].line, 4);
  EXPECT_EQ(p.rows[2].fields, (Fields{"3", "王芳", "2001-02-03"}));
  EXPECT_EQ(p.rows[2].error, CsvRowError::kNone);
  EXPECT_EQ(p.rows[3].line, 5);
  EXPECT_EQ(p.rows[3].error, CsvRowError::kNone);
}

TEST(CsvReaderTest, StrayQuotePairedWithALaterRowIsUnbalanced) {
  Parsed p = ReadFile("unbalanced_quote_paired.csv");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[0].line, 2);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kUnbalancedQuote);
  EXPECT_EQ(p.rows[0].fields, (Fields{"1", "张伟,1990-01-01"}));
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].error, CsvRowError::kNone);
  EXPECT_EQ(p.rows[2].line, 4);
  EXPECT_EQ(p.rows[2].fields, (Fields{"3", "王芳", "2001-02-03"}));
  EXPECT_EQ(p.rows[2].error, CsvRowError::kNone);
}

TEST(CsvReaderTest, QuotedFieldSpanningLinesBeyondLimitIsUnbalanced) {
  CsvOptions options;
  options.max_field_bytes = 20;
  Parsed p = ReadText(
      "a,b\n"
      "1,\"stray quote here\n"
      "2,xxxxxxxxxxxxxxxxxxxxxxxx\n"
      "3,y\",z\n",
      options);
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kUnbalancedQuote);
  EXPECT_EQ(p.rows[0].fields, (Fields{"1", "stray quote here"}));
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].error, CsvRowError::kFieldTooLong);
  EXPECT_EQ(p.rows[2].line, 4);
  EXPECT_EQ(p.rows[2].fields, (Fields{"3", "y\"", "z"}));
  EXPECT_EQ(p.rows[2].error, CsvRowError::kWrongFieldCount);
}

TEST(CsvReaderTest, TextAfterClosingQuoteIsKeptAndFlagged) {
  Parsed p = ReadFile("text_after_quote.csv");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].fields, (Fields{"1", "张伟", "1990-01-01"}));
  EXPECT_EQ(p.rows[0].error, CsvRowError::kUnbalancedQuote);
  EXPECT_EQ(p.rows[0].error_field, 1);
  EXPECT_NE(p.rows[0].error_message.find("\"name\""), std::string::npos) << p.rows[0].error_message;
  EXPECT_EQ(p.rows[1].error, CsvRowError::kNone);
}

TEST(CsvReaderTest, QuoteInsideUnquotedFieldIsLiteral) {
  Parsed p = ReadFile("mid_field_quote.csv");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].fields, (Fields{"1", "张\"伟", "1990-01-01"}));
  EXPECT_EQ(p.rows[1].fields, (Fields{"2", "O\"Brien\"", "1985-12-12"}));
  for (const RowCopy& r : p.rows) EXPECT_EQ(r.error, CsvRowError::kNone);
}

TEST(CsvReaderTest, RaggedRowsAreFlaggedWithCounts) {
  Parsed p = ReadFile("ragged.csv");
  ASSERT_EQ(p.rows.size(), 3u);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kWrongFieldCount);
  EXPECT_EQ(p.rows[0].error_field, -1);
  EXPECT_EQ(p.rows[0].error_message, "expected 3 fields, found 2");
  EXPECT_EQ(p.rows[0].fields, (Fields{"1", "张伟"}));
  EXPECT_EQ(p.rows[1].error, CsvRowError::kNone);
  EXPECT_EQ(p.rows[2].error, CsvRowError::kWrongFieldCount);
  EXPECT_EQ(p.rows[2].error_message, "expected 3 fields, found 4");
}

TEST(CsvReaderTest, InvalidUtf8IsFlaggedOnItsRowAndField) {
  Parsed p = ReadFile("invalid_utf8.csv");
  EXPECT_EQ(p.encoding, Encoding::kUtf8);
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kNone);
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].error, CsvRowError::kInvalidEncoding);
  EXPECT_EQ(p.rows[1].error_field, 1);
  EXPECT_EQ(p.rows[1].fields[1], "Jos\uFFFD");
  EXPECT_NE(p.rows[1].error_message.find("utf-8"), std::string::npos);
  EXPECT_EQ(p.rows[2].error, CsvRowError::kInvalidEncoding);
  EXPECT_EQ(p.rows[2].error_field, 1);
  EXPECT_EQ(p.rows[2].fields, (Fields{"3", "\uFFFD\uFFFD", "2001-02-03"}));
  EXPECT_EQ(p.rows[3].error, CsvRowError::kNone);
  EXPECT_EQ(p.rows[3].fields[1], "王芳");
}

TEST(CsvReaderTest, GenuineReplacementCharacterIsNotFlagged) {
  Parsed p = ReadFile("utf8_replacement_char.csv");
  ASSERT_EQ(p.rows.size(), 1u);
  EXPECT_EQ(p.rows[0].fields[1], "张\uFFFD伟");
  EXPECT_EQ(p.rows[0].error, CsvRowError::kNone);

  Parsed gb = ReadFile("gb18030_replacement_char.csv", {.encoding = Encoding::kGb18030});
  ASSERT_EQ(gb.rows.size(), 1u);
  EXPECT_EQ(gb.rows[0].fields, (Fields{"1", "张\uFFFD伟"}));
  EXPECT_EQ(gb.rows[0].error, CsvRowError::kNone);
}

TEST(CsvReaderTest, Gb18030FileIsDetectedAndConverted) {
  Parsed p = ReadFile("gb18030.csv");
  EXPECT_EQ(p.encoding, Encoding::kGb18030);
  EXPECT_EQ(p.header, (Fields{"身份证号", "姓名", "出生日期"}));
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.rows[0].fields, (Fields{"110101199001011234", "张伟", "1990-01-01"}));
  EXPECT_EQ(p.rows[1].fields[1], "李娜");
  EXPECT_EQ(p.rows[2].fields[1], "欧阳€");
  EXPECT_EQ(p.rows[3].fields[1], "𠀀字");  // a four-byte GB18030 sequence
  EXPECT_EQ(p.rows[3].line, 5);
  for (const RowCopy& r : p.rows) EXPECT_EQ(r.error, CsvRowError::kNone) << r.error_message;
}

TEST(CsvReaderTest, GbkBadBytesAreFlaggedOnTheirRowsOnly) {
  Parsed p = ReadFile("gbk_bad_byte.csv");
  EXPECT_EQ(p.encoding, Encoding::kGb18030);
  ASSERT_EQ(p.rows.size(), 4u);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kNone);
  EXPECT_EQ(p.rows[0].fields[1], "张伟");
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].error, CsvRowError::kInvalidEncoding);
  EXPECT_EQ(p.rows[1].error_field, 1);
  EXPECT_EQ(p.rows[1].fields[1], "李\uFFFD娜");
  EXPECT_NE(p.rows[1].error_message.find("gb18030"), std::string::npos);
  // A lead byte cut short by the delimiter must not swallow it.
  EXPECT_EQ(p.rows[2].error, CsvRowError::kInvalidEncoding);
  EXPECT_EQ(p.rows[2].fields, (Fields{"110101200102030000", "欧阳\uFFFD", "2001-02-03"}));
  EXPECT_EQ(p.rows[3].error, CsvRowError::kNone);
  EXPECT_EQ(p.rows[3].fields[1], "𠀀字");
}

TEST(CsvReaderTest, ExplicitEncodingOverridesDetection) {
  auto reader = CsvReader::Open(kCsvDir + "gb18030.csv", {.encoding = Encoding::kUtf8});
  // The header itself is not UTF-8, so the file is refused with a clear message.
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kParseError);
  EXPECT_NE(reader.status().message().find("gb18030.csv:1: malformed header"), std::string::npos)
      << reader.status().message();
  EXPECT_NE(reader.status().message().find("utf-8"), std::string::npos);
}

TEST(CsvReaderTest, EmptyAndHeaderlessFilesAreErrors) {
  for (const char* name : {"empty.csv", "only_blank_lines.csv", "bom_only.csv"}) {
    auto reader = CsvReader::Open(kCsvDir + name, {});
    ASSERT_FALSE(reader.ok()) << name;
    EXPECT_EQ(reader.status().code(), StatusCode::kParseError) << name;
    EXPECT_NE(reader.status().message().find(name), std::string::npos) << reader.status().message();
  }
  EXPECT_NE(CsvReader::Open(kCsvDir + "empty.csv", {}).status().message().find("empty file"),
            std::string::npos);
  EXPECT_NE(CsvReader::Open(kCsvDir + "only_blank_lines.csv", {})
                .status()
                .message()
                .find("no header line"),
            std::string::npos);
}

TEST(CsvReaderTest, MissingFileIsNotFound) {
  auto reader = CsvReader::Open(kCsvDir + "no_such_file.csv", {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kNotFound);
  EXPECT_NE(reader.status().message().find("no_such_file.csv"), std::string::npos);
}

TEST(CsvReaderTest, DirectoryIsAnIoError) {
  auto reader = CsvReader::Open(kCsvDir, {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kIOError) << reader.status().ToString();
}

TEST(CsvReaderTest, HeaderOnlyFileHasNoRows) {
  for (const char* name : {"header_only.csv", "header_only_no_newline.csv"}) {
    Parsed p = ReadFile(name);
    EXPECT_EQ(p.header, kHeader) << name;
    EXPECT_TRUE(p.rows.empty()) << name;
  }
}

TEST(CsvReaderTest, NulBytesAreFlagged) {
  Parsed p = ReadFile("nul_bytes.csv");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kNulByte);
  EXPECT_EQ(p.rows[0].error_field, 1);
  EXPECT_EQ(p.rows[0].fields[1], std::string("张\0伟", 7));
  EXPECT_EQ(p.rows[1].error, CsvRowError::kNone);
}

TEST(CsvReaderTest, LongFieldIsFlagged) {
  Parsed p = ReadFile("long_field.csv", {.max_field_bytes = 64});
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kFieldTooLong);
  EXPECT_EQ(p.rows[0].error_field, 2);
  EXPECT_EQ(p.rows[0].fields[2].size(), 100u);
  EXPECT_NE(p.rows[0].error_message.find("100 bytes"), std::string::npos);
  EXPECT_EQ(p.rows[1].error, CsvRowError::kNone);

  Parsed defaults = ReadFile("long_field.csv");
  ASSERT_EQ(defaults.rows.size(), 2u);
  EXPECT_EQ(defaults.rows[0].error, CsvRowError::kNone);
}

TEST(CsvReaderTest, FieldOverDefaultLimitIsFlagged) {
  const std::string big(static_cast<size_t>((1 << 20) + 1), '7');
  Parsed p = ReadText("a,b\n1,\"" + big + "\"\n2,x\n");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kFieldTooLong);
  EXPECT_EQ(p.rows[0].error_field, 1);
  EXPECT_EQ(p.rows[1].error, CsvRowError::kNone);
}

TEST(CsvReaderTest, SniffsTabPipeAndSemicolon) {
  Parsed tab = ReadFile("tab.tsv");
  EXPECT_EQ(tab.delimiter, '\t');
  EXPECT_EQ(tab.header, kHeader);
  ASSERT_EQ(tab.rows.size(), 2u);
  EXPECT_EQ(tab.rows[0].fields, (Fields{"1", "张伟, Jr", "1990-01-01"}));

  Parsed pipe = ReadFile("pipe.csv");
  EXPECT_EQ(pipe.delimiter, '|');
  ASSERT_EQ(pipe.rows.size(), 2u);
  EXPECT_EQ(pipe.rows[1].fields, (Fields{"2", "李|娜", "1985-12-12"}));

  Parsed semi = ReadFile("semicolon.csv");
  EXPECT_EQ(semi.delimiter, ';');
  ASSERT_EQ(semi.rows.size(), 2u);
  EXPECT_EQ(semi.rows[1].fields, (Fields{"2", "李娜", "2,75"}));
  for (const Parsed* p : {&tab, &pipe, &semi}) {
    for (const RowCopy& r : p->rows) EXPECT_EQ(r.error, CsvRowError::kNone) << r.error_message;
  }
}

TEST(CsvReaderTest, ExplicitDelimiterOverridesSniffing) {
  Parsed p = ReadFile("semicolon.csv", {.delimiter = ','});
  EXPECT_EQ(p.delimiter, ',');
  EXPECT_EQ(p.header, (Fields{"id;name;amount"}));
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kWrongFieldCount);
}

TEST(CsvReaderTest, BlankLinesAreSkippedButCounted) {
  Parsed p = ReadFile("blank_lines.csv");
  EXPECT_EQ(p.header_line, 3);
  EXPECT_EQ(p.header, kHeader);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].line, 5);
  EXPECT_EQ(p.rows[1].line, 8);
  EXPECT_EQ(p.rows[1].fields, (Fields{"2", "李娜", "1985-12-12"}));
}

TEST(CsvReaderTest, LoneCarriageReturnEndsALine) {
  Parsed p = ReadFile("lone_cr.csv");
  EXPECT_EQ(p.header, kHeader);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].line, 2);
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].fields, (Fields{"2", "李娜", "1985-12-12"}));
}

TEST(CsvReaderTest, FinalLineWithoutNewline) {
  Parsed p = ReadFile("no_final_newline.csv");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[1].line, 3);
  EXPECT_EQ(p.rows[1].raw, "2,李娜,1985-12-12");
  EXPECT_EQ(p.rows[1].fields, (Fields{"2", "李娜", "1985-12-12"}));
}

TEST(CsvReaderTest, HeaderNamesAreTrimmed) {
  Parsed p = ReadFile("header_padded.csv");
  EXPECT_EQ(p.header, kHeader);
  ASSERT_EQ(p.rows.size(), 1u);
}

TEST(CsvReaderTest, MalformedHeaderIsAParseErrorWithLine) {
  auto reader = CsvReader::FromBuffer("\n\"id,name\n1,2\n", "h.csv", {});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kParseError);
  EXPECT_NE(reader.status().message().find("h.csv:2: malformed header"), std::string::npos)
      << reader.status().message();
}

TEST(CsvReaderTest, BadOptionsAreInvalidArguments) {
  for (char d : {'"', '\n', '\r', static_cast<char>(0xE5)}) {
    auto reader = CsvReader::FromBuffer("a,b\n", "o.csv", {.delimiter = d});
    ASSERT_FALSE(reader.ok());
    EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
  }
  auto reader = CsvReader::FromBuffer("a,b\n", "o.csv", {.max_field_bytes = 0});
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), StatusCode::kInvalidArgument);
}

TEST(CsvReaderTest, MostSevereErrorWins) {
  Parsed p = ReadText(std::string("a,b,c\n1,x\0y\n2,\"q\"z,3\n", 21));
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].error, CsvRowError::kNulByte);  // also short
  EXPECT_EQ(p.rows[0].error_field, 1);
  EXPECT_EQ(p.rows[1].error, CsvRowError::kUnbalancedQuote);  // also short
}

TEST(CsvReaderTest, RowStorageIsReused) {
  auto reader = CsvReader::FromBuffer("a,b\n\"x\"\"y\",2\n3,4\n", "r.csv", {});
  ASSERT_TRUE(reader.ok());
  CsvRow row;
  ASSERT_TRUE(reader->Next(row));
  EXPECT_EQ(row.fields, (std::vector<std::string_view>{"x\"y", "2"}));
  ASSERT_TRUE(reader->Next(row));
  EXPECT_EQ(row.fields, (std::vector<std::string_view>{"3", "4"}));
  EXPECT_EQ(row.error, CsvRowError::kNone);
  EXPECT_FALSE(reader->Next(row));
}

TEST(CsvReaderTest, ErrorNamesAreStable) {
  EXPECT_EQ(CsvRowErrorName(CsvRowError::kNone), "none");
  EXPECT_EQ(CsvRowErrorName(CsvRowError::kUnbalancedQuote), "unbalanced_quote");
  EXPECT_EQ(CsvRowErrorName(CsvRowError::kWrongFieldCount), "wrong_field_count");
  EXPECT_EQ(CsvRowErrorName(CsvRowError::kInvalidEncoding), "invalid_encoding");
  EXPECT_EQ(CsvRowErrorName(CsvRowError::kNulByte), "nul_byte");
  EXPECT_EQ(CsvRowErrorName(CsvRowError::kFieldTooLong), "field_too_long");
}

TEST(CsvSniffTest, PicksTheConsistentCandidate) {
  EXPECT_EQ(SniffDelimiter(""), ',');
  EXPECT_EQ(SniffDelimiter("single_column\nx\n"), ',');
  EXPECT_EQ(SniffDelimiter("a\tb\tc\n1\t\"x,y,z\"\t3\n"), '\t');  // commas inside quotes ignored
  EXPECT_EQ(SniffDelimiter("a;b\n1,5;2\n3,5;4\n"), ';');
  EXPECT_EQ(SniffDelimiter("\n\na|b\n1|2\n"), '|');
  EXPECT_EQ(SniffDelimiter("a,b;c\n1,2;3\n"), ',');  // tie: earlier candidate
}

// Round trip: random tables written with RFC 4180 quoting read back exactly,
// with the right line numbers. Exercises the 8-byte scanner at every offset.
TEST(CsvRoundTripTest, RandomTablesReadBackExactly) {
  std::mt19937 rng(20240601);
  const std::vector<std::string> pieces = {"a",  "张",   "伟", "0",  "1234567890", " ", ",", "\"",
                                           "\n", "\r\n", "|",  "\t", "x\"y",       "",  "€"};
  for (int trial = 0; trial < 40; ++trial) {
    const int columns = 1 + static_cast<int>(rng() % 6);
    const int rows = 1 + static_cast<int>(rng() % 40);
    std::vector<std::vector<std::string>> table;
    std::string text;
    std::vector<int64_t> lines;
    int64_t line = 1;
    for (int row_idx = 0; row_idx <= rows; ++row_idx) {
      std::vector<std::string> values;
      lines.push_back(line);
      for (int col_idx = 0; col_idx < columns; ++col_idx) {
        std::string v;
        if (row_idx == 0) {
          v = "c" + std::to_string(col_idx);
        } else {
          const int len = static_cast<int>(rng() % 6);
          for (int k = 0; k < len; ++k) v += pieces[rng() % pieces.size()];
        }
        const bool must_quote =
            v.find_first_of(",\"\r\n") != std::string::npos || (columns == 1 && v.empty());
        if (col_idx > 0) text += ',';
        if (must_quote || rng() % 4 == 0) {
          text += '"';
          for (char c : v) {
            text += c;
            if (c == '"') text += '"';
            if (c == '\n') ++line;
          }
          text += '"';
        } else {
          text += v;
        }
        values.push_back(v);
      }
      text += (rng() % 2 == 0) ? "\n" : "\r\n";
      ++line;
      if (row_idx > 0) table.push_back(values);
    }
    Parsed p = ReadText(text, {.delimiter = ','});
    ASSERT_EQ(p.rows.size(), table.size()) << "trial " << trial;
    for (size_t row_idx = 0; row_idx < table.size(); ++row_idx) {
      EXPECT_EQ(p.rows[row_idx].fields, table[row_idx]) << "trial " << trial << " row " << row_idx;
      EXPECT_EQ(p.rows[row_idx].line, lines[row_idx + 1]) << "trial " << trial;
      EXPECT_EQ(p.rows[row_idx].error, CsvRowError::kNone) << p.rows[row_idx].error_message;
    }
  }
}

// Every file of the corpus (also the fuzz seeds) opens or fails with a
// ParseError, never crashes, and yields rows that satisfy ReadAll's checks
// under every encoding and a tiny field limit.
TEST(CsvCorpusTest, EveryFileReadsOrFailsCleanly) {
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kCsvDir)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    for (Encoding e : {Encoding::kAuto, Encoding::kUtf8, Encoding::kGb18030}) {
      for (int64_t limit : {int64_t{4}, int64_t{1} << 20}) {
        auto reader = CsvReader::FromBuffer(buffer.str(), entry.path().string(),
                                            {.encoding = e, .max_field_bytes = limit});
        if (!reader.ok()) {
          EXPECT_EQ(reader.status().code(), StatusCode::kParseError) << reader.status().ToString();
          continue;
        }
        Parsed p = ReadAll(*reader);
        // Each record starts on its own line, so there are never more rows than lines.
        int64_t breaks = 0;
        for (char c : buffer.str()) breaks += c == '\n' || c == '\r';
        EXPECT_LE(static_cast<int64_t>(p.rows.size()), breaks + 1) << entry.path();
      }
    }
  }
  EXPECT_GE(files, 25);
}

}  // namespace
}  // namespace vitalink::ingest
