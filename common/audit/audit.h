#pragma once

// The audit trail: who (user, organisation, roles) did what (action) to which record
// (type, id), when, in <schema>.audit_log. Reads of personal data are audited too.
//
// Rows form hash chains: each row's hash covers its content and the hash of the
// row before it in the same chain, so an altered or deleted row breaks the chain.
// Every connection appends to a chain of its own, claimed with a session advisory
// lock, so writers in different transactions (and replicas) never wait for one
// another on a shared chain head.

#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/db/connection.h"
#include "common/metrics/metrics.h"

namespace fhv::audit {

struct Entry {
  absl::Time occurred_at;
  std::string actor_user;
  std::string actor_org;
  std::string actor_roles;  // Comma-separated.
  std::string action;       // e.g. "recruitment.GetInterest"
  std::string resource_type;
  std::string resource_id;
  std::string request_id;
  // Why the caller read the record, where the RPC asks for it (e.g. a register note).
  std::string purpose;
  // "" for an access that took place; "refused" for one that was denied.
  std::string outcome;
};

// Appends `entries` to this connection's chain within the current transaction.
// The in-memory chain head advances only when the transaction commits.
absl::Status Append(db::Connection& conn, absl::string_view schema,
                    absl::Span<const Entry> entries);

// Makes the audit rows of reads durable with shared commits: rows submitted while
// a commit is in flight go together into the next one. Thread-safe.
class GroupCommitter {
 public:
  // At most `max_pending` submissions wait at once; more are refused with UNAVAILABLE.
  GroupCommitter(std::string dsn, std::string schema, metrics::Metrics* metrics,
                 int max_batch = 512, int max_pending = 20000);
  ~GroupCommitter();  // Commits what is pending, then stops.

  // Calls `done` once the entries are durable (OK), or with the error if they could
  // not be written; a caller must not answer its client before `done` says OK.
  // `done` runs on the committer's thread and must not block.
  void Submit(std::vector<Entry> entries, absl::AnyInvocable<void(absl::Status) &&> done);

 private:
  struct Pending {
    std::vector<Entry> entries;
    absl::AnyInvocable<void(absl::Status) &&> done;
  };
  void Loop();

  const std::string dsn_;
  const std::string schema_;
  metrics::Metrics* const metrics_;
  const int max_batch_;
  const int max_pending_;
  absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

struct VerifyReport {
  int64_t rows = 0;
  int chains = 0;
  // One line per problem: "chain 3 position 17: hash does not match the row's content".
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// Recomputes every chain of <schema>.audit_log and reports altered rows (hash
// mismatch), deleted rows (a gap in positions or a broken link) and reordered rows.
// A removed tail of a chain is found only against an earlier report's counts.
absl::StatusOr<VerifyReport> Verify(db::Connection& conn, absl::string_view schema);

// The canonical hash of a row: SHA-256 over its chain, position, previous hash and
// every content field, each length-prefixed.
std::string RowHash(int chain, int64_t position, absl::string_view prev_hash, const Entry& e);

}  // namespace fhv::audit
