#pragma once

// Storage of agreements: the only place with their SQL.

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

struct AgreementFilter {
  std::string home_id, placement_id, child_id, assignment_kind;
  std::vector<std::string> states;
  std::optional<absl::CivilDay> active_on;
};

// Stateless; every method runs on the connection it is given. Agreements read come with their
// etag; a missing one is PERMISSION_DENIED (the answer for one the caller may not see).
class AgreementStore {
 public:
  // False if the placement already has an agreement (nothing is written then).
  static absl::StatusOr<bool> Insert(db::Connection& conn, v1::Agreement& a, absl::Time now);
  static absl::StatusOr<v1::Agreement> Lock(db::Connection& conn, const std::string& id);
  static absl::StatusOr<v1::Agreement> Get(db::Connection& conn, const std::string& id);
  static absl::StatusOr<std::optional<v1::Agreement>> LockOfPlacement(
      db::Connection& conn, const std::string& placement_id);
  // `changed_from`: the first day the change concerns, when it changes what is paid; runs
  // correct the months an approved run already paid from that day.
  static absl::Status Update(db::Connection& conn, v1::Agreement& a, absl::Time now,
                             std::optional<absl::CivilDay> changed_from = std::nullopt);
  // Every agreement of a home, of any payer.
  static absl::StatusOr<std::vector<v1::Agreement>> OfHome(db::Connection& conn,
                                                           const std::string& home_id);
  // By id after `after` (an empty `municipality_id`: any payer); one more than `limit` means
  // there are more.
  static absl::StatusOr<std::vector<v1::Agreement>> List(db::Connection& conn,
                                                         const std::string& municipality_id,
                                                         const AgreementFilter& filter, int limit,
                                                         const std::optional<std::string>& after);
};

}  // namespace fhv::payments
