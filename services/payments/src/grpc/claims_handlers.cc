// The handlers of a home's claims: receipts, purchase pre-approvals and reimbursements.

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/hash.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "common/validation/request.h"
#include "services/payments/src/domain/agreement.h"
#include "services/payments/src/domain/claims.h"
#include "services/payments/src/domain/transitions.h"
#include "services/payments/src/grpc/filters.h"
#include "services/payments/src/grpc/payments_handlers.h"
#include "services/payments/src/storage/agreement_store.h"
#include "services/payments/src/storage/claim_store.h"
#include "services/payments/src/storage/rate_store.h"

namespace fhv::payments {
namespace {

constexpr char kReceipt[] = "receipt";
constexpr char kClaim[] = "reimbursement";
constexpr char kPurchase[] = "purchase_approval";

absl::Status NotTheCallers(absl::string_view what) {
  return PermissionDenied(absl::StrCat("the ", what, " does not exist or is not the caller's"));
}

// The agreement a home's claim is made under, for a caller who acts for the home.
absl::StatusOr<v1::Agreement> AgreementToClaimUnder(const auth::Principal& p, db::Connection& conn,
                                                    const std::string& id) {
  auto a = AgreementStore::Get(conn, id);
  if (!a.ok()) return a.status();
  if (!ActsForHome(p, *a)) return NotTheCallers("agreement");
  return a;
}

// Whether `p` is the home, its agency's consultant or a decider of a municipality that pays it.
absl::StatusOr<bool> MayUseHome(const auth::Principal& p, db::Connection& conn,
                                const std::string& home_id) {
  if (p.org_kind == auth::OrgKind::kHome) return p.HasRole("foster_home") && p.org_id == home_id;
  auto agreements = AgreementStore::OfHome(conn, home_id);
  if (!agreements.ok()) return agreements.status();
  for (const v1::Agreement& a : *agreements) {
    if (ActsForHome(p, a) || DecidesFor(p, a.paying_municipality_id())) return true;
  }
  return false;
}

// Whose claims a listing shows: the caller's own, narrowed to a payer if asked.
absl::StatusOr<ClaimParty> PartyOf(const auth::Principal& p, const std::string& payer) {
  if (DecidesFor(p, p.org_id)) {
    if (!payer.empty() && payer != p.org_id) {
      return PermissionDenied("a municipality sees only the claims it pays");
    }
    return ClaimParty{.paying_municipality_id = p.org_id};
  }
  if (IsHome(p)) return ClaimParty{.paying_municipality_id = payer, .home_id = p.org_id};
  if (p.org_kind == auth::OrgKind::kAgency && p.HasRole("consultant")) {
    return ClaimParty{.paying_municipality_id = payer, .agency_id = p.org_id};
  }
  return PermissionDenied(
      "claims are listed by the home, its agency's consultants and the paying municipality");
}

// The filters every claim listing shares; `states` and `kinds` as their enum names.
template <typename Request>
ClaimFilter FilterOf(const Request& r, Violations& v) {
  ClaimFilter f{.home_id = r.home_id(), .agreement_id = r.agreement_id()};
  validation::CheckText(v, "home_id", r.home_id(), 64, false);
  if (!r.agreement_id().empty() && !IsUuid(r.agreement_id())) {
    v.Add("agreement_id", "must be an agreement id");
  }
  return f;
}

std::string AgencyOf(const v1::Agreement& a) { return a.agency_home() ? a.agency().id() : ""; }

}  // namespace

grpc::ServerUnaryReactor* PaymentsHandlers::UploadReceipt(grpc::CallbackServerContext* ctx,
                                                          const v1::UploadReceiptRequest* request,
                                                          v1::UploadReceiptResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "UploadReceipt",
       .action = auth::Action::kUploadReceipt,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = ValidateReceipt(*request); !st.ok()) return st;
        const auth::Principal& p = call.principal();
        auto may = MayUseHome(p, conn, request->home_id());
        if (!may.ok()) return may.status();
        if (!*may) return PermissionDenied("the caller does not act for the home");
        v1::Receipt r;
        r.set_receipt_id(NewUuid());
        r.set_file_name(request->file_name());
        r.set_content_type(request->content_type());
        r.set_size_bytes(static_cast<int64_t>(request->content().size()));
        r.set_sha256(Sha256Hex(request->content()));
        r.set_home_id(request->home_id());
        r.set_uploaded_by_user_id(p.user);
        *r.mutable_upload_time() = ToTimestamp(call.now());
        if (auto st = ClaimStore::InsertReceipt(conn, r, std::string(auth::OrgKindName(p.org_kind)),
                                                p.org_id, request->content(), call.now());
            !st.ok()) {
          return st;
        }
        call.Audit(kReceipt, r.receipt_id());
        *response->mutable_receipt() = std::move(r);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::GetReceipt(grpc::CallbackServerContext* ctx,
                                                       const v1::GetReceiptRequest* request,
                                                       v1::GetReceiptResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetReceipt", .action = auth::Action::kReadClaims}, *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = CheckUuid("receipt_id", request->receipt_id(), "a receipt"); !st.ok()) {
          return st;
        }
        const auth::Principal& p = call.principal();
        auto stored = ClaimStore::GetReceipt(conn, request->receipt_id(), true);
        if (!stored.ok()) return stored.status();
        bool may = (stored->uploader_kind == auth::OrgKindName(p.org_kind) &&
                    stored->uploader_org == p.org_id) ||
                   (p.org_kind == auth::OrgKind::kHome && p.org_id == stored->receipt.home_id());
        if (!may && !stored->receipt.reimbursement_id().empty()) {
          auto claim = ClaimStore::GetClaim(conn, stored->receipt.reimbursement_id());
          if (!claim.ok()) return claim.status();
          may = DecidesFor(p, claim->paying_municipality_id());
        }
        if (!may) return NotTheCallers("receipt");
        call.Audit(kReceipt, request->receipt_id());
        *response->mutable_receipt() = std::move(stored->receipt);
        response->set_content(std::move(stored->content));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::RequestPurchaseApproval(
    grpc::CallbackServerContext* ctx, const v1::RequestPurchaseApprovalRequest* request,
    v1::RequestPurchaseApprovalResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "RequestPurchaseApproval",
       .action = auth::Action::kClaim,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = ValidatePurchaseRequest(*request); !st.ok()) return st;
        auto a = AgreementToClaimUnder(call.principal(), conn, request->agreement_id());
        if (!a.ok()) return a.status();
        if (a->state() == v1::AGREEMENT_STATE_ENDED) {
          return FailedPrecondition("AGREEMENT_ENDED", "the agreement has ended");
        }
        v1::PurchaseApproval pa;
        pa.set_purchase_approval_id(NewUuid());
        pa.set_agreement_id(a->agreement_id());
        pa.set_home_id(a->home_id());
        pa.set_paying_municipality_id(a->paying_municipality_id());
        pa.set_description(request->description());
        pa.set_estimated_amount_ore(request->estimated_amount_ore());
        EnterState(pa, v1::PURCHASE_APPROVAL_STATE_REQUESTED, call.principal().user, call.now());
        if (auto st = ClaimStore::InsertPurchase(conn, pa, AgencyOf(*a), call.now()); !st.ok()) {
          return st;
        }
        call.Audit(kPurchase, pa.purchase_approval_id());
        *response->mutable_purchase_approval() = std::move(pa);
        return absl::OkStatus();
      });
}

namespace {

// A pre-approval the caller may read (audited), or PERMISSION_DENIED.
absl::StatusOr<v1::PurchaseApproval> ReadablePurchase(server::CallContext& call,
                                                      db::Connection& conn, const std::string& id,
                                                      bool lock) {
  if (auto st = CheckUuid("purchase_approval_id", id, "a pre-approval"); !st.ok()) return st;
  auto pa = lock ? ClaimStore::LockPurchase(conn, id) : ClaimStore::GetPurchase(conn, id);
  if (!pa.ok()) return pa.status();
  auto a = AgreementStore::Get(conn, pa->agreement_id());
  if (!a.ok()) return a.status();
  if (!MayReadClaim(call.principal(), *a)) return NotTheCallers("pre-approval");
  call.Audit(kPurchase, id);
  return pa;
}

// A pre-approval locked for a decision by the paying municipality, as last read.
absl::StatusOr<v1::PurchaseApproval> PurchaseToDecide(server::CallContext& call,
                                                      db::Connection& conn, const std::string& id,
                                                      const std::string& etag) {
  if (etag.empty()) {
    Violations v;
    v.Add("etag", "is required: the pre-approval's etag as last read");
    return v.ToStatus();
  }
  auto pa = ReadablePurchase(call, conn, id, true);
  if (!pa.ok()) return pa.status();
  if (!DecidesFor(call.principal(), pa->paying_municipality_id())) {
    return PermissionDenied("only the paying municipality decides on a purchase");
  }
  if (pa->etag() != etag) return StaleEtag("pre-approval");
  return pa;
}

// A claim the caller may read (audited), or PERMISSION_DENIED.
absl::StatusOr<v1::Reimbursement> ReadableClaim(server::CallContext& call, db::Connection& conn,
                                                const std::string& id, bool lock) {
  if (auto st = CheckUuid("reimbursement_id", id, "a claim"); !st.ok()) return st;
  auto c = lock ? ClaimStore::LockClaim(conn, id) : ClaimStore::GetClaim(conn, id);
  if (!c.ok()) return c.status();
  auto a = AgreementStore::Get(conn, c->agreement_id());
  if (!a.ok()) return a.status();
  if (!MayReadClaim(call.principal(), *a)) return NotTheCallers("claim");
  call.Audit(kClaim, id);
  return c;
}

absl::StatusOr<v1::Reimbursement> ClaimToDecide(server::CallContext& call, db::Connection& conn,
                                                const std::string& id, const std::string& etag) {
  if (etag.empty()) {
    Violations v;
    v.Add("etag", "is required: the claim's etag as last read");
    return v.ToStatus();
  }
  auto c = ReadableClaim(call, conn, id, true);
  if (!c.ok()) return c.status();
  if (!DecidesFor(call.principal(), c->paying_municipality_id())) {
    return PermissionDenied("only the paying municipality decides on a claim");
  }
  if (c->etag() != etag) return StaleEtag("claim");
  return c;
}

}  // namespace

grpc::ServerUnaryReactor* PaymentsHandlers::GetPurchaseApproval(
    grpc::CallbackServerContext* ctx, const v1::GetPurchaseApprovalRequest* request,
    v1::GetPurchaseApprovalResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetPurchaseApproval", .action = auth::Action::kReadClaims}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto pa = ReadablePurchase(call, conn, request->purchase_approval_id(), false);
        if (!pa.ok()) return pa.status();
        *response->mutable_purchase_approval() = *std::move(pa);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListPurchaseApprovals(
    grpc::CallbackServerContext* ctx, const v1::ListPurchaseApprovalsRequest* request,
    v1::ListPurchaseApprovalsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListPurchaseApprovals", .action = auth::Action::kReadClaims}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        ClaimFilter filter = FilterOf(*request, v);
        filter.states = EnumNames<v1::PurchaseApprovalState>(v, "states", request->states());
        v1::ListPurchaseApprovalsRequest filters = *request;
        filters.clear_page_size();
        filters.clear_page_token();
        auto after = AfterId(request->page_token(), filters.SerializeAsString());
        if (!after.ok() || (*after && !IsUuid(**after))) {
          v.Add("page_token", "is not a token of this listing");
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto party = PartyOf(call.principal(), request->paying_municipality_id());
        if (!party.ok()) return party.status();
        auto found = ClaimStore::ListPurchases(conn, *party, filter, *page_size, *after);
        if (!found.ok()) return found.status();
        const bool more = static_cast<int>(found->size()) > *page_size;
        if (more) found->pop_back();
        for (auto& pa : *found) {
          call.Audit(kPurchase, pa.purchase_approval_id());
          *response->add_purchase_approvals() = std::move(pa);
        }
        if (more) {
          response->set_next_page_token(
              EncodePageToken(filters.SerializeAsString(),
                              {response->purchase_approvals().rbegin()->purchase_approval_id()}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ApprovePurchaseApproval(
    grpc::CallbackServerContext* ctx, const v1::ApprovePurchaseApprovalRequest* request,
    v1::ApprovePurchaseApprovalResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "ApprovePurchaseApproval",
       .action = auth::Action::kDecideClaims,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto pa = PurchaseToDecide(call, conn, request->purchase_approval_id(), request->etag());
        if (!pa.ok()) return pa.status();
        if (auto st = ApprovePurchase(*pa, request->approved_max_ore(), request->note(),
                                      call.principal().user, call.now());
            !st.ok()) {
          return st;
        }
        if (auto st = ClaimStore::UpdatePurchase(conn, *pa, call.now()); !st.ok()) return st;
        *response->mutable_purchase_approval() = *std::move(pa);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::RejectPurchaseApproval(
    grpc::CallbackServerContext* ctx, const v1::RejectPurchaseApprovalRequest* request,
    v1::RejectPurchaseApprovalResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "RejectPurchaseApproval",
       .action = auth::Action::kDecideClaims,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto pa = PurchaseToDecide(call, conn, request->purchase_approval_id(), request->etag());
        if (!pa.ok()) return pa.status();
        if (auto st = RejectPurchase(*pa, request->reason(), call.principal().user, call.now());
            !st.ok()) {
          return st;
        }
        if (auto st = ClaimStore::UpdatePurchase(conn, *pa, call.now()); !st.ok()) return st;
        *response->mutable_purchase_approval() = *std::move(pa);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::SubmitReimbursement(
    grpc::CallbackServerContext* ctx, const v1::SubmitReimbursementRequest* request,
    v1::SubmitReimbursementResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "SubmitReimbursement",
       .action = auth::Action::kClaim,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = ValidateClaim(*request, Today(call.now())); !st.ok()) return st;
        auto a = AgreementToClaimUnder(call.principal(), conn, request->agreement_id());
        if (!a.ok()) return a.status();
        const absl::CivilDay day = *DayOf(request->expense_date());
        const AgreementPeriod period = PeriodOf(*a);
        if (day < period.valid_from || (period.valid_to && day > *period.valid_to)) {
          return FailedPrecondition("AGREEMENT_NOT_ACTIVE",
                                    "the agreement was not in force on the expense date");
        }
        v1::Reimbursement c;
        c.set_reimbursement_id(NewUuid());
        c.set_agreement_id(a->agreement_id());
        c.set_home_id(a->home_id());
        c.set_child_id(a->child_id());
        c.set_paying_municipality_id(a->paying_municipality_id());
        c.set_kind(request->kind());
        c.set_description(request->description());
        *c.mutable_expense_date() = request->expense_date();
        c.set_claimed_amount_ore(request->claimed_amount_ore());
        if (request->kind() == v1::REIMBURSEMENT_KIND_MILEAGE) {
          auto table = RateStore::Get(conn, static_cast<int>(day.year()));
          if (table.status().code() == absl::StatusCode::kNotFound) {
            return FailedPrecondition("RATE_TABLE_MISSING",
                                      absl::StrCat("there is no rate table for ", day.year()));
          }
          if (!table.ok()) return table.status();
          c.set_distance_km(request->distance_km());
          c.set_mileage_rate_per_km_ore(table->mileage_rate_per_km().amount_ore());
          c.set_claimed_amount_ore(
              MileageAmount(request->distance_km(), c.mileage_rate_per_km_ore()));
        }
        if (request->kind() == v1::REIMBURSEMENT_KIND_LARGER_PURCHASE) {
          auto pa = ClaimStore::LockPurchase(conn, request->purchase_approval_id());
          if (pa.status().code() == absl::StatusCode::kPermissionDenied) {
            return NotFound("purchase pre-approval");
          }
          if (!pa.ok()) return pa.status();
          if (auto st = CheckPurchaseUse(*pa, a->agreement_id(), c.claimed_amount_ore());
              !st.ok()) {
            return st;
          }
          pa->set_reimbursement_id(c.reimbursement_id());
          if (auto st = ClaimStore::UpdatePurchase(conn, *pa, call.now()); !st.ok()) return st;
          c.set_purchase_approval_id(pa->purchase_approval_id());
        }
        if (request->receipt_ids_size() > 0) {
          const std::vector<std::string> ids(request->receipt_ids().begin(),
                                             request->receipt_ids().end());
          auto receipts = ClaimStore::AttachReceipts(conn, ids, a->home_id(), c.reimbursement_id());
          if (!receipts.ok()) return receipts.status();
          if (receipts->size() != ids.size()) {
            return Error(absl::StatusCode::kNotFound, "NOT_FOUND",
                         "a receipt is unknown, of another home or attached to another claim");
          }
          for (auto& r : *receipts) *c.add_receipts() = std::move(r);
        }
        EnterState(c, v1::REIMBURSEMENT_STATE_SUBMITTED, call.principal().user, call.now());
        c.set_submitted_by_user_id(call.principal().user);
        *c.mutable_create_time() = ToTimestamp(call.now());
        *c.mutable_update_time() = ToTimestamp(call.now());
        if (auto st = ClaimStore::InsertClaim(conn, c, AgencyOf(*a), call.now()); !st.ok()) {
          return st;
        }
        call.Audit(kClaim, c.reimbursement_id());
        *response->mutable_reimbursement() = std::move(c);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::GetReimbursement(
    grpc::CallbackServerContext* ctx, const v1::GetReimbursementRequest* request,
    v1::GetReimbursementResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetReimbursement", .action = auth::Action::kReadClaims}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto c = ReadableClaim(call, conn, request->reimbursement_id(), false);
        if (!c.ok()) return c.status();
        *response->mutable_reimbursement() = *std::move(c);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListReimbursements(
    grpc::CallbackServerContext* ctx, const v1::ListReimbursementsRequest* request,
    v1::ListReimbursementsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListReimbursements", .action = auth::Action::kReadClaims}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        ClaimFilter filter = FilterOf(*request, v);
        filter.states = EnumNames<v1::ReimbursementState>(v, "states", request->states());
        filter.kinds = EnumNames<v1::ReimbursementKind>(v, "kinds", request->kinds());
        v1::ListReimbursementsRequest filters = *request;
        filters.clear_page_size();
        filters.clear_page_token();
        auto after = DecodeTimeKey(request->page_token(), filters.SerializeAsString());
        if (!after.ok()) v.Add("page_token", "is not a token of this listing");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto party = PartyOf(call.principal(), request->paying_municipality_id());
        if (!party.ok()) return party.status();
        auto found = ClaimStore::ListClaims(conn, *party, filter, *page_size, *after);
        if (!found.ok()) return found.status();
        const bool more = static_cast<int>(found->size()) > *page_size;
        if (more) found->pop_back();
        for (auto& c : *found) {
          call.Audit(kClaim, c.reimbursement_id());
          *response->add_reimbursements() = std::move(c);
        }
        if (more) {
          const v1::Reimbursement& last = *response->reimbursements().rbegin();
          response->set_next_page_token(
              EncodeTimeKey(filters.SerializeAsString(),
                            {FromTimestamp(last.create_time()), last.reimbursement_id()}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ApproveReimbursement(
    grpc::CallbackServerContext* ctx, const v1::ApproveReimbursementRequest* request,
    v1::ApproveReimbursementResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "ApproveReimbursement",
       .action = auth::Action::kDecideClaims,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto c = ClaimToDecide(call, conn, request->reimbursement_id(), request->etag());
        if (!c.ok()) return c.status();
        if (auto st = ApproveClaim(*c, request->approved_amount_ore(), request->note(),
                                   call.principal().user, call.now());
            !st.ok()) {
          return st;
        }
        if (auto st = ClaimStore::UpdateClaim(conn, *c, call.now()); !st.ok()) return st;
        *response->mutable_reimbursement() = *std::move(c);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::RejectReimbursement(
    grpc::CallbackServerContext* ctx, const v1::RejectReimbursementRequest* request,
    v1::RejectReimbursementResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "RejectReimbursement",
       .action = auth::Action::kDecideClaims,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto c = ClaimToDecide(call, conn, request->reimbursement_id(), request->etag());
        if (!c.ok()) return c.status();
        if (auto st = RejectClaim(*c, request->reason(), call.principal().user, call.now());
            !st.ok()) {
          return st;
        }
        // A rejected larger purchase gives its pre-approval back for a new claim.
        if (!c->purchase_approval_id().empty()) {
          auto pa = ClaimStore::LockPurchase(conn, c->purchase_approval_id());
          if (!pa.ok()) return pa.status();
          if (pa->reimbursement_id() == c->reimbursement_id()) {
            pa->clear_reimbursement_id();
            if (auto st = ClaimStore::UpdatePurchase(conn, *pa, call.now()); !st.ok()) return st;
          }
        }
        if (auto st = ClaimStore::UpdateClaim(conn, *c, call.now()); !st.ok()) return st;
        *response->mutable_reimbursement() = *std::move(c);
        return absl::OkStatus();
      });
}

}  // namespace fhv::payments
