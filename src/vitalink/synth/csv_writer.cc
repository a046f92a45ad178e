#include "vitalink/synth/csv_writer.h"

#include "vitalink/common/csv_writer.h"

#include <unicode/ucnv.h>

#include <cerrno>
#include <cstring>

namespace vitalink::synth {
namespace {
constexpr size_t kFlushBytes = 1 << 20;
}  // namespace

Result<std::unique_ptr<CsvWriter>> CsvWriter::Open(std::string path, CsvOptions options) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return Status::IOError(tmp + ": cannot open for writing: " + std::strerror(errno));
  }
  std::unique_ptr<CsvWriter> w(new CsvWriter(std::move(path), options, f));
  w->buffer_.reserve(kFlushBytes + 4096);
  if (options.bom && !options.gb18030) w->buffer_ += "\xEF\xBB\xBF";
  return w;
}

CsvWriter::~CsvWriter() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove((path_ + ".tmp").c_str());
  }
}

void CsvWriter::Field(std::string_view value) {
  if (row_started_) buffer_.push_back(',');
  row_started_ = true;
  AppendCsvField(buffer_, value);
}

void CsvWriter::Field(int64_t value) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(value));
  Field(std::string_view(buf, static_cast<size_t>(n)));
}

void CsvWriter::EndRow() {
  buffer_ += options_.crlf ? "\r\n" : "\n";
  row_started_ = false;
  ++rows_;
  if (buffer_.size() >= kFlushBytes && error_.ok()) error_ = Flush();
}

Status CsvWriter::Flush() {
  if (buffer_.empty()) return Status::OK();
  std::string_view out = buffer_;
  if (options_.gb18030) {
    // GB18030 is stateless and buffers end on row boundaries, so chunks convert independently.
    encoded_.resize(buffer_.size() * 2 + 16);
    UErrorCode err = U_ZERO_ERROR;
    const int32_t n = ucnv_convert("GB18030", "UTF-8", encoded_.data(),
                                   static_cast<int32_t>(encoded_.size()), buffer_.data(),
                                   static_cast<int32_t>(buffer_.size()), &err);
    if (U_FAILURE(err)) {
      return Status::Internal(path_ + ": GB18030 conversion failed: " + u_errorName(err));
    }
    out = std::string_view(encoded_.data(), static_cast<size_t>(n));
  }
  if (std::fwrite(out.data(), 1, out.size(), file_) != out.size()) {
    return Status::IOError(path_ + ".tmp: write failed: " + std::strerror(errno));
  }
  buffer_.clear();
  return Status::OK();
}

Status CsvWriter::Close() {
  if (error_.ok()) error_ = Flush();
  std::FILE* f = file_;
  file_ = nullptr;
  const bool close_failed = std::fclose(f) != 0;
  const std::string tmp = path_ + ".tmp";
  if (error_.ok() && close_failed) {
    error_ = Status::IOError(tmp + ": close failed: " + std::strerror(errno));
  }
  if (error_.ok() && std::rename(tmp.c_str(), path_.c_str()) != 0) {
    error_ = Status::IOError(path_ + ": rename failed: " + std::strerror(errno));
  }
  if (!error_.ok()) std::remove(tmp.c_str());
  return error_;
}

}  // namespace vitalink::synth
