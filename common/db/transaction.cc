#include "common/db/transaction.h"

#include "absl/random/random.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"

namespace fhv::db {
namespace {

absl::string_view BeginSql(Isolation isolation) {
  switch (isolation) {
    case Isolation::kReadCommitted:
      return "BEGIN ISOLATION LEVEL READ COMMITTED";
    case Isolation::kRepeatableRead:
      return "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case Isolation::kSerializable:
      return "BEGIN ISOLATION LEVEL SERIALIZABLE";
  }
  return "BEGIN";
}

}  // namespace

absl::Status InTransactionImpl(Connection& conn, const std::function<absl::Status()>& fn,
                               int max_attempts, absl::string_view begin) {
  absl::BitGen gen;
  absl::Status last;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    conn.on_commit_.clear();
    if (absl::Status st = conn.ExecScript(begin); !st.ok()) return st;
    conn.in_transaction_ = true;
    absl::Status st = fn();
    // A COMMIT of a transaction that an earlier, swallowed error aborted would roll back
    // and still report success.
    if (st.ok() && PQtransactionStatus(conn.raw()) != PQTRANS_INTRANS) {
      st = absl::InternalError("the transaction was aborted by an error that was not returned");
    }
    if (st.ok()) st = conn.ExecScript("COMMIT");
    conn.in_transaction_ = false;
    if (st.ok()) {
      auto hooks = std::move(conn.on_commit_);
      conn.on_commit_.clear();
      for (auto& hook : hooks) hook();
      return absl::OkStatus();
    }
    conn.on_commit_.clear();
    if (conn.Healthy()) (void)conn.ExecScript("ROLLBACK");
    if (!IsRetryable(st)) return st;
    last = st;
    absl::SleepFor(absl::Microseconds(absl::Uniform(gen, 100, 2000 * attempt)));
  }
  return last;
}

absl::Status InTransaction(Connection& conn, const std::function<absl::Status()>& fn,
                           TxOptions options) {
  return InTransactionImpl(conn, fn, options.max_attempts, BeginSql(options.isolation));
}

}  // namespace fhv::db
