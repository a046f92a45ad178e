#include "vitalink/common/file_io.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <unistd.h>

namespace vitalink {

Result<std::string> ReadFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    if (err == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::IOError(path + ": " + std::strerror(err));
  }
  std::string out;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) return Status::IOError(path + ": read error");
  return out;
}

Status EnsureDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError(dir + ": cannot create directory: " + ec.message());
  return Status::OK();
}

Status WriteFileAtomic(const std::string& path, std::string_view content) {
  AtomicFile f;
  VL_RETURN_IF_ERROR(f.Open(path));
  f.Write(content);
  return f.Commit();
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      tmp_path_(std::move(other.tmp_path_)),
      file_(std::exchange(other.file_, nullptr)),
      failed_(other.failed_) {}

AtomicFile& AtomicFile::operator=(AtomicFile&& other) noexcept {
  if (this != &other) {
    Abandon();
    path_ = std::move(other.path_);
    tmp_path_ = std::move(other.tmp_path_);
    file_ = std::exchange(other.file_, nullptr);
    failed_ = other.failed_;
  }
  return *this;
}

AtomicFile::~AtomicFile() { Abandon(); }

void AtomicFile::Abandon() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
    std::remove(tmp_path_.c_str());
  }
}

Status AtomicFile::Open(const std::string& path) {
  Abandon();
  path_ = path;
  tmp_path_ = path + ".tmp." + std::to_string(::getpid());
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) VL_RETURN_IF_ERROR(EnsureDirectory(parent.string()));
  file_ = std::fopen(tmp_path_.c_str(), "wb");
  if (file_ == nullptr) return Status::IOError(tmp_path_ + ": " + std::strerror(errno));
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  failed_ = false;
  return Status::OK();
}

void AtomicFile::Write(std::string_view bytes) {
  if (file_ == nullptr || bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) failed_ = true;
}

Status AtomicFile::Commit() {
  if (file_ == nullptr) return Status::FailedPrecondition(path_ + ": not open");
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed_ || close_failed) {
    std::remove(tmp_path_.c_str());
    return Status::IOError(path_ + ": write failed");
  }
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp_path_.c_str());
    return Status::IOError(path_ + ": rename failed: " + std::strerror(err));
  }
  return Status::OK();
}

}  // namespace vitalink
