// A home's claims: who acts for a home and who decides, what a valid receipt and claim are,
// mileage priced exactly, and the state changes of claims and purchase pre-approvals.

#include "services/payments/src/domain/claims.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/dates.h"
#include "common/util/hash.h"
#include "common/util/status.h"

namespace fhv::payments {
namespace {

using ::testing::UnorderedElementsAre;

constexpr char kAgreementId[] = "0b6e4c1e-4a8a-4d2c-9c57-3f1c2f0a9e11";
constexpr char kReceiptId[] = "5d1f0c55-8a8e-4b43-a0f1-7a6c1f4e2b90";

auth::Principal Caller(auth::OrgKind kind, const std::string& org, const std::string& role) {
  auth::Principal p;
  p.user = "u";
  p.org_kind = kind;
  p.org_id = org;
  p.roles = {role};
  return p;
}

v1::Agreement AgencyAgreement() {
  v1::Agreement a;
  a.set_agreement_id(kAgreementId);
  a.set_home_id("home-1");
  a.set_paying_municipality_id("2418");
  a.set_agency_home(true);
  a.mutable_agency()->set_id("5561234567");
  return a;
}

std::vector<std::string> Fields(const absl::Status& st) {
  std::vector<std::string> out;
  for (const auto& v : GetViolations(st)) out.push_back(v.field);
  return out;
}

TEST(Claims, TheHomeItsAgencysConsultantAndThePayerAreTheOnlyParties) {
  const v1::Agreement a = AgencyAgreement();
  EXPECT_TRUE(ActsForHome(Caller(auth::OrgKind::kHome, "home-1", "foster_home"), a));
  EXPECT_FALSE(ActsForHome(Caller(auth::OrgKind::kHome, "home-2", "foster_home"), a));
  EXPECT_FALSE(ActsForHome(Caller(auth::OrgKind::kHome, "home-1", "consultant"), a));
  EXPECT_TRUE(ActsForHome(Caller(auth::OrgKind::kAgency, "5561234567", "consultant"), a));
  EXPECT_FALSE(ActsForHome(Caller(auth::OrgKind::kAgency, "5569999999", "consultant"), a));
  EXPECT_FALSE(ActsForHome(Caller(auth::OrgKind::kMunicipality, "2418", "finance_officer"), a));
  v1::Agreement own = a;
  own.set_agency_home(false);  // a municipality's own home: no agency acts for it
  EXPECT_FALSE(ActsForHome(Caller(auth::OrgKind::kAgency, "5561234567", "consultant"), own));

  EXPECT_TRUE(DecidesFor(Caller(auth::OrgKind::kMunicipality, "2418", "finance_officer"), "2418"));
  EXPECT_TRUE(DecidesFor(Caller(auth::OrgKind::kMunicipality, "2418", "case_worker"), "2418"));
  EXPECT_FALSE(DecidesFor(Caller(auth::OrgKind::kMunicipality, "2418", "recruiter"), "2418"));
  EXPECT_FALSE(DecidesFor(Caller(auth::OrgKind::kMunicipality, "0834", "finance_officer"), "2418"));
  EXPECT_TRUE(MayReadClaim(Caller(auth::OrgKind::kMunicipality, "2418", "case_worker"), a));
  EXPECT_FALSE(MayReadClaim(Caller(auth::OrgKind::kInternal, "fhv", "admin"), a));
}

TEST(Claims, AReceiptIsAnAllowedTypeOfAtMostFiveMebibytesWithAMatchingHash) {
  v1::UploadReceiptRequest r;
  r.set_home_id("home-1");
  r.set_file_name("kvitto.pdf");
  r.set_content_type("application/pdf");
  r.set_content(std::string(kMaxReceiptBytes, 'x'));
  r.set_sha256(Sha256Hex(r.content()));
  EXPECT_TRUE(ValidateReceipt(r).ok());
  r.set_content(std::string(kMaxReceiptBytes + 1, 'x'));
  r.set_content_type("text/html");
  r.set_file_name("");
  r.set_home_id("home 1");
  EXPECT_THAT(Fields(ValidateReceipt(r)),
              UnorderedElementsAre("home_id", "file_name", "content_type", "content", "sha256"));
  r.set_content("");
  r.clear_sha256();
  EXPECT_THAT(Fields(ValidateReceipt(r)),
              UnorderedElementsAre("home_id", "file_name", "content_type", "content"));
}

v1::SubmitReimbursementRequest Claim(v1::ReimbursementKind kind) {
  v1::SubmitReimbursementRequest r;
  r.set_request_id("r");
  r.set_agreement_id(kAgreementId);
  r.set_kind(kind);
  r.set_description("Vinterkläder");
  *r.mutable_expense_date() = ToDate(absl::CivilDay(2026, 11, 2));
  r.set_claimed_amount_ore(129'900);
  r.add_receipt_ids(kReceiptId);
  return r;
}

TEST(Claims, EveryKindButMileageNeedsAReceiptAndSaysSoInItsReason) {
  const absl::CivilDay today(2026, 11, 23);
  EXPECT_TRUE(ValidateClaim(Claim(v1::REIMBURSEMENT_KIND_OTHER), today).ok());
  auto r = Claim(v1::REIMBURSEMENT_KIND_HEALTH);
  r.clear_receipt_ids();
  const absl::Status missing = ValidateClaim(r, today);
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetReason(missing), "RECEIPT_REQUIRED");
  EXPECT_THAT(Fields(missing), UnorderedElementsAre("receipt_ids"));
  // With other faults too, every fault is named.
  r.set_claimed_amount_ore(-1);
  EXPECT_THAT(Fields(ValidateClaim(r, today)),
              UnorderedElementsAre("receipt_ids", "claimed_amount_ore"));
  // A repeated receipt.
  r = Claim(v1::REIMBURSEMENT_KIND_TRIP);
  r.add_receipt_ids(kReceiptId);
  EXPECT_THAT(Fields(ValidateClaim(r, today)), UnorderedElementsAre("receipt_ids[1]"));
}

TEST(Claims, MileageIsPricedByTheServiceFromTheDistance) {
  const absl::CivilDay today(2026, 11, 23);
  auto r = Claim(v1::REIMBURSEMENT_KIND_MILEAGE);
  r.clear_receipt_ids();
  r.set_claimed_amount_ore(0);
  r.set_distance_km(137);
  EXPECT_TRUE(ValidateClaim(r, today).ok());
  EXPECT_EQ(MileageAmount(137, 250), 34'250);  // 137 km at 25 kr per 10 km
  EXPECT_EQ(MileageAmount(kMaxDistanceKm, 250), 2'500'000);
  r.set_claimed_amount_ore(100);
  r.set_distance_km(kMaxDistanceKm + 1);
  EXPECT_THAT(Fields(ValidateClaim(r, today)),
              UnorderedElementsAre("claimed_amount_ore", "distance_km"));
  r = Claim(v1::REIMBURSEMENT_KIND_OTHER);
  r.set_distance_km(12);
  EXPECT_THAT(Fields(ValidateClaim(r, today)), UnorderedElementsAre("distance_km"));
}

TEST(Claims, AbsurdAmountsFutureDatesAndMissingPartsAreRefused) {
  const absl::CivilDay today(2026, 11, 23);
  auto r = Claim(v1::REIMBURSEMENT_KIND_START_EQUIPMENT);
  r.set_claimed_amount_ore(kMaxClaimOre);
  EXPECT_TRUE(ValidateClaim(r, today).ok());
  r.set_claimed_amount_ore(kMaxClaimOre + 1);
  *r.mutable_expense_date() = ToDate(today + 1);
  r.set_description("");
  r.set_kind(v1::REIMBURSEMENT_KIND_UNSPECIFIED);
  r.set_agreement_id("x");
  EXPECT_THAT(Fields(ValidateClaim(r, today)),
              UnorderedElementsAre("agreement_id", "kind", "description", "expense_date",
                                   "claimed_amount_ore"));
  // A larger purchase names its pre-approval; no other kind does.
  r = Claim(v1::REIMBURSEMENT_KIND_LARGER_PURCHASE);
  EXPECT_THAT(Fields(ValidateClaim(r, today)), UnorderedElementsAre("purchase_approval_id"));
  r = Claim(v1::REIMBURSEMENT_KIND_OTHER);
  r.set_purchase_approval_id(kReceiptId);
  EXPECT_THAT(Fields(ValidateClaim(r, today)), UnorderedElementsAre("purchase_approval_id"));
}

TEST(Claims, AClaimIsDecidedOnceForAtMostItsAmount) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  v1::Reimbursement c;
  c.set_state(v1::REIMBURSEMENT_STATE_SUBMITTED);
  c.set_claimed_amount_ore(10'000);
  EXPECT_THAT(Fields(ApproveClaim(c, 10'001, "", "fo", now)),
              UnorderedElementsAre("approved_amount_ore"));
  EXPECT_THAT(Fields(ApproveClaim(c, 0, "", "fo", now)),
              UnorderedElementsAre("approved_amount_ore"));
  EXPECT_EQ(c.state(), v1::REIMBURSEMENT_STATE_SUBMITTED);
  ASSERT_TRUE(ApproveClaim(c, 8'000, "Only the receipts' sum", "fo", now).ok());
  EXPECT_EQ(c.state(), v1::REIMBURSEMENT_STATE_APPROVED);
  EXPECT_EQ(c.approved_amount_ore(), 8'000);
  ASSERT_EQ(c.transitions_size(), 1);
  EXPECT_EQ(c.transitions(0).actor_user_id(), "fo");
  EXPECT_EQ(c.transitions(0).reason(), "Only the receipts' sum");
  EXPECT_EQ(GetReason(ApproveClaim(c, 8'000, "", "fo", now)), "INVALID_STATE");
  EXPECT_EQ(GetReason(RejectClaim(c, "too late", "fo", now)), "INVALID_STATE");
  MarkClaimPaid(c, "fo", now);
  EXPECT_EQ(c.state(), v1::REIMBURSEMENT_STATE_PAID);

  v1::Reimbursement other;
  other.set_state(v1::REIMBURSEMENT_STATE_SUBMITTED);
  EXPECT_THAT(Fields(RejectClaim(other, "", "fo", now)), UnorderedElementsAre("reason"));
  ASSERT_TRUE(RejectClaim(other, "No receipt for the second item", "fo", now).ok());
  EXPECT_EQ(other.state(), v1::REIMBURSEMENT_STATE_REJECTED);
}

TEST(Claims, APreApprovalIsUsedOnceForItsAgreementUpToItsMaximum) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  v1::PurchaseApproval pa;
  pa.set_agreement_id(kAgreementId);
  pa.set_state(v1::PURCHASE_APPROVAL_STATE_REQUESTED);
  EXPECT_EQ(GetReason(CheckPurchaseUse(pa, kAgreementId, 1)), "INVALID_STATE");
  EXPECT_THAT(Fields(ApprovePurchase(pa, kMaxClaimOre + 1, "", "fo", now)),
              UnorderedElementsAre("approved_max_ore"));
  ASSERT_TRUE(ApprovePurchase(pa, 600'000, "A bed", "fo", now).ok());
  EXPECT_EQ(GetReason(RejectPurchase(pa, "no", "fo", now)), "INVALID_STATE");
  EXPECT_TRUE(CheckPurchaseUse(pa, kAgreementId, 600'000).ok());
  EXPECT_THAT(Fields(CheckPurchaseUse(pa, kAgreementId, 600'001)),
              UnorderedElementsAre("claimed_amount_ore"));
  EXPECT_THAT(Fields(CheckPurchaseUse(pa, kReceiptId, 1)),
              UnorderedElementsAre("purchase_approval_id"));
  pa.set_reimbursement_id(kReceiptId);
  EXPECT_EQ(GetReason(CheckPurchaseUse(pa, kAgreementId, 1)), "PURCHASE_APPROVAL_USED");
  v1::RequestPurchaseApprovalRequest req;
  req.set_agreement_id(kAgreementId);
  req.set_description("Säng och madrass");
  req.set_estimated_amount_ore(600'000);
  EXPECT_TRUE(ValidatePurchaseRequest(req).ok());
  req.set_estimated_amount_ore(0);
  req.set_description("");
  EXPECT_THAT(Fields(ValidatePurchaseRequest(req)),
              UnorderedElementsAre("description", "estimated_amount_ore"));
}

}  // namespace
}  // namespace fhv::payments
