#pragma once

// Storage of agency invoices and of the approved runs' cost figures: the only place with their
// SQL.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

// Stateless; every method runs on the connection it is given. A missing invoice is
// PERMISSION_DENIED (the answer for one the caller may not see).
class InvoiceStore {
 public:
  // The agency homes' agreements the municipality pays in force on some day of [from, to].
  static absl::StatusOr<std::vector<v1::Agreement>> AgencyAgreementsInForce(
      db::Connection& conn, const std::string& municipality_id, absl::CivilDay from,
      absl::CivilDay to);
  // False, writing nothing, if the agency already has an invoice to the municipality for the
  // month.
  static absl::StatusOr<bool> Insert(db::Connection& conn, const v1::AgencyInvoice& invoice,
                                     absl::Time now);
  static absl::StatusOr<v1::AgencyInvoice> Get(db::Connection& conn, const std::string& id);
  static absl::StatusOr<std::optional<v1::AgencyInvoice>> OfMonth(
      db::Connection& conn, const std::string& agency_id, const std::string& municipality_id,
      absl::CivilMonth month);
  // Newest month first, after (month, id); empty ids for any; one more than `limit` means more.
  static absl::StatusOr<std::vector<v1::AgencyInvoice>> List(
      db::Connection& conn, const std::string& agency_id, const std::string& municipality_id,
      std::optional<absl::CivilMonth> from, std::optional<absl::CivilMonth> to, int limit,
      const std::optional<std::pair<absl::CivilMonth, std::string>>& after);
  // Every invoice to the municipality for months in [from, to].
  static absl::StatusOr<std::vector<v1::AgencyInvoice>> OfPeriod(db::Connection& conn,
                                                                 const std::string& municipality_id,
                                                                 absl::CivilMonth from,
                                                                 absl::CivilMonth to);

  static absl::Status PutRunCost(db::Connection& conn, const v1::PaymentRun& run,
                                 const v1::CostFigures& figures);
  // The approved runs' figures of the municipality for months in [from, to].
  static absl::StatusOr<std::map<absl::CivilMonth, v1::CostFigures>> RunCosts(
      db::Connection& conn, const std::string& municipality_id, absl::CivilMonth from,
      absl::CivilMonth to);
};

}  // namespace fhv::payments
