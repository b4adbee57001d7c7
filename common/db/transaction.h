#pragma once

#include <functional>

#include "absl/status/status.h"
#include "common/db/connection.h"

namespace fhv::db {

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

struct TxOptions {
  Isolation isolation = Isolation::kReadCommitted;
  // Attempts in all, for serialization failures and deadlocks only.
  int max_attempts = 4;
};

// Runs `fn` between BEGIN and COMMIT on `conn`. If `fn` or the COMMIT fails with a
// serialization failure or deadlock, rolls back and runs `fn` again, at most
// `max_attempts` times in all, after a short random back-off; `fn` must therefore
// have no effect outside the transaction. Any other error rolls back and is returned.
// Callbacks registered with conn.OnCommit() run only after a successful COMMIT.
absl::Status InTransaction(Connection& conn, const std::function<absl::Status()>& fn,
                           TxOptions options = {});

}  // namespace fhv::db
