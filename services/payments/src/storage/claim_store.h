#pragma once

// Storage of a home's claims: receipts, purchase pre-approvals and reimbursements. The only
// place with their SQL.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "common/util/paging.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

struct StoredReceipt {
  v1::Receipt receipt;  // with its reimbursement id, if attached
  std::string uploader_kind, uploader_org;
  std::string content;  // only when asked for
};

// Whose claims a listing shows: exactly one of the three is set.
struct ClaimParty {
  std::string paying_municipality_id, home_id, agency_id;
};

struct ClaimFilter {
  std::string home_id, agreement_id;
  std::vector<std::string> states, kinds;
};

// Stateless; every method runs on the connection it is given. Records read come with their
// etag; a missing one is PERMISSION_DENIED (the answer for one the caller may not see).
class ClaimStore {
 public:
  static absl::Status InsertReceipt(db::Connection& conn, const v1::Receipt& r,
                                    const std::string& uploader_kind,
                                    const std::string& uploader_org, const std::string& content,
                                    absl::Time now);
  static absl::StatusOr<StoredReceipt> GetReceipt(db::Connection& conn, const std::string& id,
                                                  bool with_content);
  // Attaches the receipts `ids` of `home_id` that no claim has yet; returns those attached.
  static absl::StatusOr<std::vector<v1::Receipt>> AttachReceipts(
      db::Connection& conn, const std::vector<std::string>& ids, const std::string& home_id,
      const std::string& reimbursement_id);

  static absl::Status InsertPurchase(db::Connection& conn, v1::PurchaseApproval& a,
                                     const std::string& agency_id, absl::Time now);
  static absl::StatusOr<v1::PurchaseApproval> GetPurchase(db::Connection& conn,
                                                          const std::string& id);
  static absl::StatusOr<v1::PurchaseApproval> LockPurchase(db::Connection& conn,
                                                           const std::string& id);
  // ABORTED (ETAG_MISMATCH) if changed since read.
  static absl::Status UpdatePurchase(db::Connection& conn, v1::PurchaseApproval& a, absl::Time now);
  // By id after `after`; one more than `limit` means there are more.
  static absl::StatusOr<std::vector<v1::PurchaseApproval>> ListPurchases(
      db::Connection& conn, const ClaimParty& party, const ClaimFilter& filter, int limit,
      const std::optional<std::string>& after);

  static absl::Status InsertClaim(db::Connection& conn, v1::Reimbursement& r,
                                  const std::string& agency_id, absl::Time now);
  static absl::StatusOr<v1::Reimbursement> GetClaim(db::Connection& conn, const std::string& id);
  static absl::StatusOr<v1::Reimbursement> LockClaim(db::Connection& conn, const std::string& id);
  static absl::Status UpdateClaim(db::Connection& conn, v1::Reimbursement& r, absl::Time now);
  // Newest first, after (create time, id); one more than `limit` means there are more.
  static absl::StatusOr<std::vector<v1::Reimbursement>> ListClaims(
      db::Connection& conn, const ClaimParty& party, const ClaimFilter& filter, int limit,
      const std::optional<TimeKey>& after);
  // The approved claims of the municipality's own homes that no run pays yet.
  static absl::StatusOr<std::vector<v1::Reimbursement>> Payable(db::Connection& conn,
                                                                const std::string& municipality_id);
  // The approved claims of the agency's homes paid by the municipality not yet invoiced, locked.
  static absl::StatusOr<std::vector<v1::Reimbursement>> Invoiceable(
      db::Connection& conn, const std::string& municipality_id, const std::string& agency_id);
  // The claims bound to a run, locked.
  static absl::StatusOr<std::vector<v1::Reimbursement>> OfRun(db::Connection& conn,
                                                              const std::string& run_id);
};

}  // namespace fhv::payments
