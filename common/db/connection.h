#pragma once

// One libpq connection with named prepared statements. Not thread-safe: one thread
// uses a connection at a time (the pool hands each to one worker).

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"

namespace fhv::db {

// A named SQL statement. The name is the prepared statement's name and the
// "statement" label of the query-duration metric; it is unique per connection.
struct Statement {
  std::string name;
  std::string sql;
};

// A statement parameter, sent in text format. NULL when constructed from nullopt.
class Param {
 public:
  Param(std::nullopt_t) {}  // NOLINT: implicit by design.
  Param(absl::string_view v) : value_(std::string(v)) {}
  Param(const std::string& v) : value_(v) {}
  Param(const char* v) : value_(std::string(v)) {}
  Param(int64_t v) : value_(std::to_string(v)) {}
  Param(int v) : value_(std::to_string(v)) {}
  Param(bool v) : value_(v ? "t" : "f") {}
  Param(absl::Time v);
  Param(absl::CivilDay v);
  // A bytea value from raw bytes.
  static Param Bytes(absl::string_view raw);
  // NULL if `v` is empty, else `v`.
  static Param NullIfEmpty(absl::string_view v);
  // A text[] value.
  static Param TextArray(const std::vector<std::string>& values);
  // A bigint[] value.
  static Param Int64Array(const std::vector<int64_t>& values);

  const std::optional<std::string>& value() const { return value_; }

 private:
  std::optional<std::string> value_;
};

// The rows of a statement. Columns are read by index; values are text format.
class Result {
 public:
  explicit Result(PGresult* res) : res_(res, &PQclear) {}
  int rows() const { return PQntuples(res_.get()); }
  int64_t affected() const;
  bool IsNull(int row, int col) const { return PQgetisnull(res_.get(), row, col); }
  absl::string_view Text(int row, int col) const;
  int64_t Int64(int row, int col) const;
  bool Bool(int row, int col) const;
  // A bytea column as raw bytes.
  std::string Bytes(int row, int col) const;
  // A timestamptz column (the session time zone is UTC).
  absl::Time Time(int row, int col) const;
  absl::CivilDay Date(int row, int col) const;
  // A text[] column.
  std::vector<std::string> TextArray(int row, int col) const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> res_;
};

class Connection {
 public:
  // Connects with `dsn` (key=value or URI). Unless the DSN says otherwise, the client
  // gives up on an unreachable server: connect_timeout 5 s, TCP keepalives and
  // tcp_user_timeout 15 s. The session uses UTC, ISO dates, `statement_timeout` and
  // `lock_timeout` (zero: none). Returns UNAVAILABLE if the database cannot be reached.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& dsn, metrics::Metrics* metrics,
      absl::Duration statement_timeout = absl::Seconds(10),
      absl::Duration lock_timeout = absl::Seconds(5));
  ~Connection();

  // Runs a named statement, preparing it on first use on this connection.
  absl::StatusOr<Result> Exec(const Statement& stmt, const std::vector<Param>& params = {});
  // Runs SQL text without parameters through the simple query protocol; may hold
  // several statements (migrations, BEGIN/COMMIT).
  absl::Status ExecScript(absl::string_view sql);

  // True while the connection is usable; false after it was lost.
  bool Healthy() const;

  // Transaction state, used by InTransaction(); callbacks registered with
  // OnCommit run after a successful COMMIT and are dropped on ROLLBACK.
  bool in_transaction() const { return in_transaction_; }
  void OnCommit(std::function<void()> fn) { on_commit_.push_back(std::move(fn)); }

  // Per-connection state of the audit hash chain this connection appends to.
  struct AuditChain {
    int chain = -1;  // -1: not claimed on this connection yet.
    int64_t position = 0;
    std::string last_hash;
  };
  AuditChain& audit_chain() { return audit_chain_; }

  PGconn* raw() { return conn_; }

 private:
  friend absl::Status InTransactionImpl(Connection&, const std::function<absl::Status()>&, int,
                                        absl::string_view);
  Connection(PGconn* conn, metrics::Metrics* metrics) : conn_(conn), metrics_(metrics) {}
  absl::Status StatusOf(PGresult* res, absl::string_view statement);

  PGconn* conn_;
  metrics::Metrics* metrics_;
  absl::flat_hash_set<std::string> prepared_;
  bool in_transaction_ = false;
  std::vector<std::function<void()>> on_commit_;
  AuditChain audit_chain_;
};

// Maps a failed result's SQLSTATE to the suite's status codes:
// 23505 ALREADY_EXISTS; 23503, 23514, 22xxx INVALID_ARGUMENT or FAILED_PRECONDITION;
// 40001, 40P01 ABORTED; 57014 DEADLINE_EXCEEDED; 08xxx (but 08P01), 57P0x, 53300,
// 25006 (a read-only standby), 40003 UNAVAILABLE; P0001 (a RAISE in SQL) and 23P01
// FAILED_PRECONDITION; anything else INTERNAL.
// The message never carries SQL text or values from the database.
absl::Status StatusFromSqlState(absl::string_view sqlstate, absl::string_view statement);

// True for the SQLSTATEs a transaction retry may fix (serialization failure, deadlock).
bool IsRetryable(const absl::Status& status);

}  // namespace fhv::db
