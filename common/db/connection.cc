#include "common/db/connection.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/util/log.h"
#include "common/util/status.h"

namespace fhv::db {
namespace {

constexpr char kRetryableReason[] = "DB_RETRYABLE";

std::string HexBytea(absl::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + raw.size() * 2);
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// Quotes one element of an array literal.
void AppendArrayElement(std::string& out, absl::string_view v) {
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

Param::Param(absl::Time v)
    : value_(absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", v, absl::UTCTimeZone())) {}

Param::Param(absl::CivilDay v) : value_(absl::FormatCivilTime(v)) {}

Param Param::Bytes(absl::string_view raw) { return Param(HexBytea(raw)); }

Param Param::NullIfEmpty(absl::string_view v) {
  if (v.empty()) return Param(std::nullopt);
  return Param(v);
}

Param Param::TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    AppendArrayElement(out, values[i]);
  }
  out += '}';
  return Param(out);
}

Param Param::Int64Array(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return Param(out);
}

int64_t Result::affected() const {
  int64_t n = 0;
  (void)absl::SimpleAtoi(PQcmdTuples(res_.get()), &n);
  return n;
}

absl::string_view Result::Text(int row, int col) const {
  return absl::string_view(PQgetvalue(res_.get(), row, col), PQgetlength(res_.get(), row, col));
}

int64_t Result::Int64(int row, int col) const {
  int64_t v = 0;
  (void)absl::SimpleAtoi(Text(row, col), &v);
  return v;
}

bool Result::Bool(int row, int col) const { return Text(row, col) == "t"; }

std::string Result::Bytes(int row, int col) const {
  size_t len = 0;
  unsigned char* raw = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(res_.get(), row, col)), &len);
  if (raw == nullptr) return "";
  std::string out(reinterpret_cast<char*>(raw), len);
  PQfreemem(raw);
  return out;
}

absl::Time Result::Time(int row, int col) const {
  // PostgreSQL's ISO output in UTC: "2026-11-23 09:34:12.123456+00".
  std::string text(Text(row, col));
  if (text.size() >= 3 && (text.substr(text.size() - 3) == "+00")) {
    text.resize(text.size() - 3);
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, absl::UTCTimeZone(), &t, &err)) {
    return absl::InfinitePast();
  }
  return t;
}

absl::CivilDay Result::Date(int row, int col) const {
  absl::CivilDay day;
  (void)absl::ParseCivilTime(Text(row, col), &day);
  return day;
}

std::vector<std::string> Result::TextArray(int row, int col) const {
  // Array output: {a,"b c","d\"e"}; elements are quoted when they need it.
  std::vector<std::string> out;
  absl::string_view s = Text(row, col);
  if (s.size() < 2) return out;
  s = s.substr(1, s.size() - 2);
  size_t i = 0;
  while (i < s.size()) {
    std::string element;
    if (s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        element += s[i++];
      }
      ++i;  // closing quote
    } else {
      while (i < s.size() && s[i] != ',') element += s[i++];
    }
    out.push_back(std::move(element));
    if (i < s.size() && s[i] == ',') ++i;
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& dsn,
                                                             metrics::Metrics* metrics,
                                                             absl::Duration statement_timeout,
                                                             absl::Duration lock_timeout) {
  // Defaults first; the expanded DSN that follows overrides any of them.
  const char* keys[] = {
      "connect_timeout",  "keepalives",       "keepalives_idle", "keepalives_interval",
      "keepalives_count", "tcp_user_timeout", "dbname",          nullptr};
  const char* values[] = {"5", "1", "10", "5", "2", "15000", dsn.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    if (conn != nullptr) PQfinish(conn);
    return Unavailable("DATABASE_UNAVAILABLE", "the database cannot be reached");
  }
  // Server notices become one JSON line without their text (it may hold values).
  PQsetNoticeProcessor(
      conn, [](void*, const char*) { log::Write(log::Level::kDebug, "database notice"); }, nullptr);
  std::unique_ptr<Connection> c(new Connection(conn, metrics));
  // JIT compiles a query on every run once its estimated cost passes a threshold: costly
  // for short OLTP statements, and a generic plan's estimate can pass it. Off.
  absl::Status st = c->ExecScript(
      absl::StrCat("SET TIME ZONE 'UTC'; SET DateStyle = ISO; SET jit = off; "
                   "SET statement_timeout = ",
                   absl::ToInt64Milliseconds(statement_timeout),
                   "; SET lock_timeout = ", absl::ToInt64Milliseconds(lock_timeout), ";"));
  if (!st.ok()) return st;
  return c;
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::Healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

absl::Status Connection::StatusOf(PGresult* res, absl::string_view statement) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) {
    // No SQLSTATE: the connection itself failed.
    log::Warn("database connection lost", {{"statement", statement}});
    return Unavailable("DATABASE_UNAVAILABLE", "the database connection was lost");
  }
  const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
  absl::Status status = StatusFromSqlState(state, statement);
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnavailable) {
    log::Error("database error", {{"statement", statement},
                                  {"sqlstate", state},
                                  {"constraint", constraint ? constraint : ""}});
  }
  return status;
}

absl::StatusOr<Result> Connection::Exec(const Statement& stmt, const std::vector<Param>& params) {
  const absl::Time start = absl::Now();
  if (!prepared_.contains(stmt.name)) {
    PGresult* prep = PQprepare(conn_, stmt.name.c_str(), stmt.sql.c_str(), 0, nullptr);
    if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
      absl::Status st = StatusOf(prep, stmt.name);
      PQclear(prep);
      return st;
    }
    PQclear(prep);
    prepared_.insert(stmt.name);
  }
  std::vector<const char*> values(params.size());
  for (size_t i = 0; i < params.size(); ++i) {
    values[i] = params[i].value() ? params[i].value()->c_str() : nullptr;
  }
  PGresult* res = PQexecPrepared(conn_, stmt.name.c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0);
  if (metrics_ != nullptr) {
    metrics_->QueryDuration(stmt.name).Observe(absl::ToDoubleSeconds(absl::Now() - start));
  }
  const ExecStatusType status = PQresultStatus(res);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    absl::Status st = StatusOf(res, stmt.name);
    PQclear(res);
    return st;
  }
  return Result(res);
}

absl::Status Connection::ExecScript(absl::string_view sql) {
  PGresult* res = PQexec(conn_, std::string(sql).c_str());
  const ExecStatusType status = PQresultStatus(res);
  absl::Status st = absl::OkStatus();
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY) {
    st = StatusOf(res, "script");
  }
  PQclear(res);
  return st;
}

absl::Status StatusFromSqlState(absl::string_view s, absl::string_view statement) {
  using absl::StatusCode;
  if (s == "23505") {
    return Error(StatusCode::kAlreadyExists, "ALREADY_EXISTS", "the record already exists");
  }
  if (s == "40001" || s == "40P01") {
    return Error(StatusCode::kAborted, kRetryableReason,
                 "the transaction conflicted with another; retry");
  }
  if (s == "55P03") {
    return Error(StatusCode::kAborted, "LOCK_TIMEOUT", "the record is busy; retry");
  }
  if (s == "23503") {
    return Error(StatusCode::kFailedPrecondition, "REFERENCE_MISSING",
                 "a referenced record does not exist");
  }
  if (s == "23514" || s == "23502" || s.substr(0, 2) == "22") {
    return Error(StatusCode::kInvalidArgument, "INVALID_VALUE",
                 "a value was not accepted by the database");
  }
  if (s == "P0001") {
    return Error(StatusCode::kFailedPrecondition, "REFUSED_BY_DATABASE",
                 "the change was refused by a database rule");
  }
  if (s == "57014") {
    return Error(StatusCode::kDeadlineExceeded, "STATEMENT_TIMEOUT",
                 "the database did not answer in time");
  }
  if (s == "23P01") {
    return Error(StatusCode::kFailedPrecondition, "CONFLICT",
                 "the change conflicts with an existing record");
  }
  if (s == "08P01") {  // a protocol violation is our bug, not a reason to retry
    return Error(StatusCode::kInternal, "DATABASE_ERROR",
                 absl::StrCat("database error in ", statement));
  }
  if (s.substr(0, 2) == "08" || s.substr(0, 4) == "57P0" || s == "53300" || s == "25006" ||
      s == "40003") {
    return Unavailable("DATABASE_UNAVAILABLE", "the database is unavailable");
  }
  return Error(StatusCode::kInternal, "DATABASE_ERROR",
               absl::StrCat("database error in ", statement));
}

bool IsRetryable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted && GetReason(status) == kRetryableReason;
}

}  // namespace fhv::db
