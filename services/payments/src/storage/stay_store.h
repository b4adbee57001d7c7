#pragma once

// Storage of contact families' stays: the only place with their SQL.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "common/util/paging.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

// Stateless; every method runs on the connection it is given. A stay read carries the run that
// paid it.
class StayStore {
 public:
  static absl::Status Insert(db::Connection& conn, const v1::ContactFamilyStay& stay,
                             const std::string& paying_municipality_id, absl::Time now);
  // Whether a recorded stay of the agreement shares a day with [arrival, end).
  static absl::StatusOr<bool> Overlaps(db::Connection& conn, const std::string& agreement_id,
                                       absl::CivilDay arrival, absl::CivilDay end);
  // Earliest first, after (arrival, id); one more than `limit` means there are more.
  static absl::StatusOr<std::vector<v1::ContactFamilyStay>> List(
      db::Connection& conn, const std::string& agreement_id, std::optional<absl::CivilDay> from,
      std::optional<absl::CivilDay> to, int limit, const std::optional<DayKey>& after);
  // The unpaid stays of the municipality's own homes that ended by `last_day`, with their
  // agreements.
  static absl::StatusOr<std::vector<std::pair<v1::ContactFamilyStay, v1::Agreement>>> Payable(
      db::Connection& conn, const std::string& municipality_id, absl::CivilDay last_day);
  // Binds the unpaid stays `ids` to the run; returns how many were bound.
  static absl::StatusOr<int> Bind(db::Connection& conn, const std::vector<std::string>& ids,
                                  const std::string& run_id);
};

}  // namespace fhv::payments
