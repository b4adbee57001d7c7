#pragma once

// Pure rules of a home's claims: receipts (kvitton), purchase pre-approvals and reimbursements
// (utlägg). Who may act on them, what a valid one is, and their state changes. No I/O.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

inline constexpr int64_t kMaxClaimOre = 50'000'000;
inline constexpr int64_t kMaxReceiptBytes = 5 * 1024 * 1024;
inline constexpr int kMaxDistanceKm = 10'000;

// The home itself, or a consultant of the agency that holds it under `a`.
bool ActsForHome(const auth::Principal& p, const v1::Agreement& a);
// A finance officer or case worker of the municipality that pays under `a`.
bool DecidesFor(const auth::Principal& p, const std::string& paying_municipality_id);
// May read a claim (or pre-approval) of the home under `a`: who acts for it or decides on it.
bool MayReadClaim(const auth::Principal& p, const v1::Agreement& a);

// INVALID_ARGUMENT listing every problem of an upload (empty or too large content, a type not
// allowed, a sha256 that does not match, a missing home or file name).
absl::Status ValidateReceipt(const v1::UploadReceiptRequest& r);

// INVALID_ARGUMENT listing every problem of a claim, as the contract says; reason
// RECEIPT_REQUIRED when a receipt is missing where one is required.
absl::Status ValidateClaim(const v1::SubmitReimbursementRequest& r, absl::CivilDay today);

// The amount of a MILEAGE claim: km × the rate, exact in öre.
int64_t MileageAmount(int distance_km, int64_t rate_per_km_ore);

// INVALID_ARGUMENT listing every problem of a purchase request.
absl::Status ValidatePurchaseRequest(const v1::RequestPurchaseApprovalRequest& r);

// The verbs. Each checks the state (FAILED_PRECONDITION INVALID_STATE) and its input
// (INVALID_ARGUMENT), and records the change with its actor, time and reason.
absl::Status ApproveClaim(v1::Reimbursement& r, int64_t amount_ore, const std::string& note,
                          const std::string& user, absl::Time now);
absl::Status RejectClaim(v1::Reimbursement& r, const std::string& reason, const std::string& user,
                         absl::Time now);
// APPROVED → PAID, when the run it is bound to is marked paid by `user`.
void MarkClaimPaid(v1::Reimbursement& r, const std::string& user, absl::Time now);
absl::Status ApprovePurchase(v1::PurchaseApproval& a, int64_t max_ore, const std::string& note,
                             const std::string& user, absl::Time now);
absl::Status RejectPurchase(v1::PurchaseApproval& a, const std::string& reason,
                            const std::string& user, absl::Time now);
// A LARGER_PURCHASE claim may use `a` for `amount_ore`: FAILED_PRECONDITION (not approved, already
// used) or INVALID_ARGUMENT (above the approved maximum, another agreement).
absl::Status CheckPurchaseUse(const v1::PurchaseApproval& a, const std::string& agreement_id,
                              int64_t amount_ore);

}  // namespace fhv::payments
