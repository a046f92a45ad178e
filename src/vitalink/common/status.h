// Status and Result<T>: how vitalink reports operational failures.
//
// Bad *data* is never a Status: it becomes a reject row or a finding. A Status
// is for a file that cannot be opened, a config that does not parse, a query
// that fails. Parse errors carry the file, line and column in their message.
//
//   Result<Table> ReadSource(const SourceConfig& cfg);
//   VL_ASSIGN_OR_RETURN(auto table, ReadSource(cfg));
//   VL_RETURN_IF_ERROR(WriteCsv(path, table));
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vitalink {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kFailedPrecondition,
  kOutOfRange,
  kIOError,
  kParseError,
  kCancelled,
  kInternal,
};

/// Return the stable lower-case name of a status code ("parse_error").
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return {}; }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status OutOfRange(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status ParseError(std::string m) { return {StatusCode::kParseError, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  /// Return "parse_error: message" (or "ok").
  std::string ToString() const;

  /// Return a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

/// Either a value or a non-OK Status. Constructing a Result from an OK status is a bug.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(v_).ok()) {
      std::fprintf(stderr, "vitalink: Result constructed from OK status\n");
      std::abort();
    }
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T ValueOr(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace vitalink

#define VL_CONCAT_INNER_(a, b) a##b
#define VL_CONCAT_(a, b) VL_CONCAT_INNER_(a, b)

#define VL_RETURN_IF_ERROR(expr)                     \
  do {                                               \
    ::vitalink::Status vl_status_ = (expr);          \
    if (!vl_status_.ok()) return vl_status_;         \
  } while (false)

#define VL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#define VL_ASSIGN_OR_RETURN(lhs, expr) \
  VL_ASSIGN_OR_RETURN_IMPL_(VL_CONCAT_(vl_result_, __LINE__), lhs, expr)

/// Always-on invariant check: a failure is a bug in vitalink, never bad input.
#define VL_CHECK(cond)                                                                  \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "vitalink: check failed at %s:%d: %s\n", __FILE__, __LINE__, \
                   #cond);                                                              \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)

#ifndef NDEBUG
#define VL_DCHECK(cond) VL_CHECK(cond)
#else
#define VL_DCHECK(cond) \
  do {                  \
  } while (false && (cond))
#endif
