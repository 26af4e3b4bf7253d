// Status and Result<T>: the error channel of every fallible Vigie call.
//
// Contract: a Status is either ok() or carries a stable machine-readable code (lower-kebab-case,
// documented per module) and a human message. Messages never contain event payloads or field
// values (personal data). Result<T> holds either a T or a non-ok Status. Both are [[nodiscard]]:
// ignoring one is a bug. No exceptions cross a module API; hot paths return these instead.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vigie {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok_status() { return Status(); }
  static Status error(std::string code, std::string message) {
    return Status(std::move(code), std::move(message));
  }

  bool ok() const { return code_.empty(); }
  explicit operator bool() const { return ok(); }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const { return ok() ? "ok" : code_ + ": " + message_; }

 private:
  Status(std::string code, std::string message)
      : code_(std::move(code)), message_(std::move(message)) {}
  std::string code_;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : value_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(value_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(value_); }
  explicit operator bool() const { return ok(); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(value_);
  }
  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace vigie

#define VIGIE_CONCAT_INNER(a, b) a##b
#define VIGIE_CONCAT(a, b) VIGIE_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` (a Status) is not ok.
#define VIGIE_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::vigie::Status vigie_status_ = (expr);        \
    if (!vigie_status_.ok()) return vigie_status_; \
  } while (0)

// `VIGIE_ASSIGN_OR_RETURN(auto x, f())`: binds the value of a Result or returns its Status.
#define VIGIE_ASSIGN_OR_RETURN(lhs, expr) \
  VIGIE_ASSIGN_OR_RETURN_IMPL(VIGIE_CONCAT(vigie_result_, __LINE__), lhs, expr)
// `tmp` is an identifier and `lhs` may be a declaration: neither can take parentheses.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define VIGIE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
