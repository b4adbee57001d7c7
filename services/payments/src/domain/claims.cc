#include "services/payments/src/domain/claims.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/hash.h"
#include "common/util/ids.h"
#include "common/util/status.h"
#include "common/validation/request.h"
#include "services/payments/src/domain/transitions.h"

namespace fhv::payments {
namespace {

constexpr const char* kContentTypes[] = {"application/pdf", "image/jpeg", "image/png",
                                         "image/heic"};

absl::Status InvalidState(const std::string& state_name, absl::string_view why) {
  return Error(absl::StatusCode::kFailedPrecondition, "INVALID_STATE", why,
               {{"state", state_name}});
}

void CheckAmount(Violations& v, const std::string& field, int64_t amount) {
  if (amount <= 0 || amount > kMaxClaimOre) {
    v.Add(field, absl::StrCat("must be positive and at most ", kMaxClaimOre, " öre"));
  }
}

}  // namespace

bool ActsForHome(const auth::Principal& p, const v1::Agreement& a) {
  if (p.org_kind == auth::OrgKind::kHome) {
    return p.HasRole("foster_home") && p.org_id == a.home_id();
  }
  return p.org_kind == auth::OrgKind::kAgency && p.HasRole("consultant") && a.agency_home() &&
         a.agency().id() == p.org_id;
}

bool DecidesFor(const auth::Principal& p, const std::string& paying_municipality_id) {
  return p.org_kind == auth::OrgKind::kMunicipality && p.org_id == paying_municipality_id &&
         (p.HasRole("finance_officer") || p.HasRole("case_worker"));
}

bool MayReadClaim(const auth::Principal& p, const v1::Agreement& a) {
  return ActsForHome(p, a) || DecidesFor(p, a.paying_municipality_id());
}

absl::Status ValidateReceipt(const v1::UploadReceiptRequest& r) {
  Violations v;
  if (r.home_id().empty() || !auth::ValidateOrgId(auth::OrgKind::kHome, r.home_id()).ok()) {
    v.Add("home_id", "must be a home id");
  }
  validation::CheckText(v, "file_name", r.file_name(), 255, true);
  if (std::find(std::begin(kContentTypes), std::end(kContentTypes), r.content_type()) ==
      std::end(kContentTypes)) {
    v.Add("content_type", "must be application/pdf, image/jpeg, image/png or image/heic");
  }
  if (r.content().empty()) {
    v.Add("content", "is empty");
  } else if (static_cast<int64_t>(r.content().size()) > kMaxReceiptBytes) {
    v.Add("content", "is larger than 5 MiB");
  }
  if (!r.sha256().empty() && r.sha256() != Sha256Hex(r.content())) {
    v.Add("sha256", "does not match the content");
  }
  return v.ToStatus();
}

absl::Status ValidateClaim(const v1::SubmitReimbursementRequest& r, absl::CivilDay today) {
  Violations v;
  if (!IsUuid(r.agreement_id())) v.Add("agreement_id", "must be an agreement id");
  if (r.kind() == v1::REIMBURSEMENT_KIND_UNSPECIFIED || !v1::ReimbursementKind_IsValid(r.kind())) {
    v.Add("kind", "is required");
  }
  validation::CheckText(v, "description", r.description(), 2000, true);
  auto day = FromDate(r.expense_date(), "expense_date");
  if (!day.ok()) {
    v.Check("expense_date", day.status());
  } else if (*day > today) {
    v.Add("expense_date", "is in the future");
  }
  const bool mileage = r.kind() == v1::REIMBURSEMENT_KIND_MILEAGE;
  if (mileage) {
    if (r.claimed_amount_ore() != 0) {
      v.Add("claimed_amount_ore", "must be 0 for MILEAGE: the service prices the distance");
    }
    if (r.distance_km() < 1 || r.distance_km() > kMaxDistanceKm) {
      v.Add("distance_km", absl::StrCat("must be 1 to ", kMaxDistanceKm, " km for MILEAGE"));
    }
  } else {
    CheckAmount(v, "claimed_amount_ore", r.claimed_amount_ore());
    if (r.distance_km() != 0) v.Add("distance_km", "is only for MILEAGE");
  }
  const bool purchase = r.kind() == v1::REIMBURSEMENT_KIND_LARGER_PURCHASE;
  if (purchase && !IsUuid(r.purchase_approval_id())) {
    v.Add("purchase_approval_id", "is required for LARGER_PURCHASE: the approved pre-approval");
  } else if (!purchase && !r.purchase_approval_id().empty()) {
    v.Add("purchase_approval_id", "is only for LARGER_PURCHASE");
  }
  std::set<std::string> seen;
  for (int i = 0; i < r.receipt_ids_size(); ++i) {
    if (!IsUuid(r.receipt_ids(i)) || !seen.insert(r.receipt_ids(i)).second) {
      v.Add(absl::StrCat("receipt_ids[", i, "]"), "must be a distinct receipt id");
    }
  }
  if (r.receipt_ids_size() > 20) v.Add("receipt_ids", "may name at most 20 receipts");
  const bool receipt_missing = !mileage && r.receipt_ids_size() == 0;
  if (receipt_missing) v.Add("receipt_ids", "at least one receipt is required for this kind");
  // A claim whose only fault is a missing receipt says so in its reason.
  return v.ToStatus(receipt_missing && v.list().size() == 1 ? "RECEIPT_REQUIRED"
                                                            : "INVALID_ARGUMENT");
}

int64_t MileageAmount(int distance_km, int64_t rate_per_km_ore) {
  return static_cast<int64_t>(distance_km) * rate_per_km_ore;
}

absl::Status ValidatePurchaseRequest(const v1::RequestPurchaseApprovalRequest& r) {
  Violations v;
  if (!IsUuid(r.agreement_id())) v.Add("agreement_id", "must be an agreement id");
  validation::CheckText(v, "description", r.description(), 2000, true);
  CheckAmount(v, "estimated_amount_ore", r.estimated_amount_ore());
  return v.ToStatus();
}

absl::Status ApproveClaim(v1::Reimbursement& r, int64_t amount_ore, const std::string& note,
                          const std::string& user, absl::Time now) {
  Violations v;
  if (amount_ore <= 0 || amount_ore > r.claimed_amount_ore()) {
    v.Add("approved_amount_ore", "must be positive and at most the claimed amount");
  }
  validation::CheckText(v, "note", note, 2000, false);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (r.state() != v1::REIMBURSEMENT_STATE_SUBMITTED) {
    return InvalidState(v1::ReimbursementState_Name(r.state()),
                        "only a submitted claim is decided");
  }
  r.set_approved_amount_ore(amount_ore);
  EnterState(r, v1::REIMBURSEMENT_STATE_APPROVED, user, now, note);
  *r.mutable_update_time() = ToTimestamp(now);
  return absl::OkStatus();
}

absl::Status RejectClaim(v1::Reimbursement& r, const std::string& reason, const std::string& user,
                         absl::Time now) {
  Violations v;
  validation::CheckText(v, "reason", reason, 2000, true);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (r.state() != v1::REIMBURSEMENT_STATE_SUBMITTED) {
    return InvalidState(v1::ReimbursementState_Name(r.state()),
                        "only a submitted claim is decided");
  }
  EnterState(r, v1::REIMBURSEMENT_STATE_REJECTED, user, now, reason);
  *r.mutable_update_time() = ToTimestamp(now);
  return absl::OkStatus();
}

void MarkClaimPaid(v1::Reimbursement& r, const std::string& user, absl::Time now) {
  EnterState(r, v1::REIMBURSEMENT_STATE_PAID, user, now, "paid by the payment run");
  *r.mutable_update_time() = ToTimestamp(now);
}

absl::Status ApprovePurchase(v1::PurchaseApproval& a, int64_t max_ore, const std::string& note,
                             const std::string& user, absl::Time now) {
  Violations v;
  CheckAmount(v, "approved_max_ore", max_ore);
  validation::CheckText(v, "note", note, 2000, false);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (a.state() != v1::PURCHASE_APPROVAL_STATE_REQUESTED) {
    return InvalidState(v1::PurchaseApprovalState_Name(a.state()),
                        "only a requested purchase is decided");
  }
  a.set_approved_max_ore(max_ore);
  EnterState(a, v1::PURCHASE_APPROVAL_STATE_APPROVED, user, now, note);
  return absl::OkStatus();
}

absl::Status RejectPurchase(v1::PurchaseApproval& a, const std::string& reason,
                            const std::string& user, absl::Time now) {
  Violations v;
  validation::CheckText(v, "reason", reason, 2000, true);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (a.state() != v1::PURCHASE_APPROVAL_STATE_REQUESTED) {
    return InvalidState(v1::PurchaseApprovalState_Name(a.state()),
                        "only a requested purchase is decided");
  }
  EnterState(a, v1::PURCHASE_APPROVAL_STATE_REJECTED, user, now, reason);
  return absl::OkStatus();
}

absl::Status CheckPurchaseUse(const v1::PurchaseApproval& a, const std::string& agreement_id,
                              int64_t amount_ore) {
  if (a.agreement_id() != agreement_id) {
    Violations v;
    v.Add("purchase_approval_id", "belongs to another agreement");
    return v.ToStatus();
  }
  if (a.state() != v1::PURCHASE_APPROVAL_STATE_APPROVED) {
    return InvalidState(v1::PurchaseApprovalState_Name(a.state()),
                        "the purchase was not approved beforehand");
  }
  if (!a.reimbursement_id().empty()) {
    return FailedPrecondition("PURCHASE_APPROVAL_USED",
                              "the pre-approval was already used by another claim");
  }
  if (amount_ore > a.approved_max_ore()) {
    Violations v;
    v.Add("claimed_amount_ore", "is above the pre-approval's approved maximum");
    return v.ToStatus();
  }
  return absl::OkStatus();
}

}  // namespace fhv::payments
