#pragma once

// Storage of the payer's settings and of payees: the only place with their SQL.

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "fhv/payments/v1/payments_service.pb.h"
#include "services/payments/src/domain/run.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

// Stateless; every method runs on the connection it is given. Records read come with their
// etag (the row's version).
class PayeeStore {
 public:
  static absl::StatusOr<std::optional<v1::MunicipalityPaymentSettings>> GetSettings(
      db::Connection& conn, const std::string& municipality_id);
  // Creates (empty etag) or replaces the settings; ABORTED (ETAG_MISMATCH) when stale.
  static absl::Status PutSettings(db::Connection& conn, v1::MunicipalityPaymentSettings& s,
                                  absl::Time now);
  static absl::StatusOr<std::optional<v1::Payee>> GetPayee(db::Connection& conn,
                                                           const std::string& municipality_id,
                                                           const std::string& home_id);
  // Creates (empty etag) or replaces the payee; ABORTED (ETAG_MISMATCH) when stale.
  static absl::Status PutPayee(db::Connection& conn, v1::Payee& p, absl::Time now);
  // The payees of the municipality for `home_ids`, by home id.
  static absl::StatusOr<std::map<std::string, v1::Payee>> PayeesOf(
      db::Connection& conn, const std::string& municipality_id,
      const std::vector<std::string>& home_ids);
  // What a run needs of the payees of the municipality for `home_ids`, by home id.
  static absl::StatusOr<std::map<std::string, PayeeFacts>> Facts(
      db::Connection& conn, const std::string& municipality_id,
      const std::vector<std::string>& home_ids);
};

}  // namespace fhv::payments
