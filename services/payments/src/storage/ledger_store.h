#pragma once

// Storage of the ledger: appends transactions and lists entries. The only place with its SQL.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "fhv/payments/v1/payments_service.pb.h"
#include "services/payments/src/domain/ledger.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

struct LedgerFilter {
  std::optional<absl::CivilDay> from, to;
  std::string account, transaction_id, source_id;
};

// Appends one transaction's entries (one municipality, one posting date, one source) as they
// come, in batches. Finish checks that all of them balance: INTERNAL if not, and the caller's
// database transaction must then roll back, so nothing unbalanced is ever committed.
class LedgerWriter {
 public:
  LedgerWriter(db::Connection& conn, std::string transaction_id, absl::Time now)
      : conn_(conn), transaction_id_(std::move(transaction_id)), now_(now) {}
  absl::Status Add(const std::vector<v1::LedgerEntry>& entries);
  absl::Status Finish();

 private:
  absl::Status Flush();

  db::Connection& conn_;
  const std::string transaction_id_;
  const absl::Time now_;
  std::vector<v1::LedgerEntry> pending_;
  LedgerTally tally_;
};

class LedgerStore {
 public:
  // Appends `entries` (one municipality, one posting date, one source) as transaction
  // `transaction_id`: a LedgerWriter given them all at once.
  static absl::Status Append(db::Connection& conn, const std::string& transaction_id,
                             const std::vector<v1::LedgerEntry>& entries, absl::Time now);
  // In posting order after entry id `after`; one more than `limit` means there are more.
  static absl::StatusOr<std::vector<v1::LedgerEntry>> List(db::Connection& conn,
                                                           const std::string& municipality_id,
                                                           const LedgerFilter& filter, int limit,
                                                           std::optional<int64_t> after);
};

}  // namespace fhv::payments
