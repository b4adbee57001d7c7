#pragma once

// Storage of the ledger: appends transactions and lists entries. The only place with its SQL.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

struct LedgerFilter {
  std::optional<absl::CivilDay> from, to;
  std::string account, transaction_id, source_id;
};

class LedgerStore {
 public:
  // Appends `entries` (one municipality, one posting date, one source) as transaction
  // `transaction_id`. INTERNAL if they do not balance: nothing unbalanced is ever written.
  static absl::Status Append(db::Connection& conn, const std::string& transaction_id,
                             const std::vector<v1::LedgerEntry>& entries, absl::Time now);
  // In posting order after entry id `after`; one more than `limit` means there are more.
  static absl::StatusOr<std::vector<v1::LedgerEntry>> List(db::Connection& conn,
                                                           const std::string& municipality_id,
                                                           const LedgerFilter& filter, int limit,
                                                           std::optional<int64_t> after);
};

}  // namespace fhv::payments
