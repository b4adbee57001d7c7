// The handlers of agencies' invoices and of the municipality's cost report.

#include <optional>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "services/payments/src/domain/claims.h"
#include "services/payments/src/domain/compensation.h"
#include "services/payments/src/domain/invoice.h"
#include "services/payments/src/domain/ledger.h"
#include "services/payments/src/grpc/payments_handlers.h"
#include "services/payments/src/storage/claim_store.h"
#include "services/payments/src/storage/invoice_store.h"
#include "services/payments/src/storage/ledger_store.h"

namespace fhv::payments {
namespace {

constexpr char kInvoice[] = "agency_invoice";
constexpr int kMaxReportMonths = 36;

// The agency's finance officer or operations manager, or the invoiced municipality's finance
// officer.
bool SeesInvoices(const auth::Principal& p, const std::string& agency_id,
                  const std::string& municipality_id) {
  if (p.org_kind == auth::OrgKind::kAgency) {
    return p.org_id == agency_id &&
           (p.HasRole("finance_officer") || p.HasRole("operations_manager"));
  }
  return p.org_kind == auth::OrgKind::kMunicipality && p.org_id == municipality_id &&
         p.HasRole("finance_officer");
}

}  // namespace

grpc::ServerUnaryReactor* PaymentsHandlers::CreateAgencyInvoice(
    grpc::CallbackServerContext* ctx, const v1::CreateAgencyInvoiceRequest* request,
    v1::CreateAgencyInvoiceResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "CreateAgencyInvoice",
       .action = auth::Action::kAgencyInvoices,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        if (!auth::ValidateOrgId(auth::OrgKind::kAgency, request->agency_id()).ok()) {
          v.Add("agency_id", "must be an organisationsnummer of 10 digits");
        }
        if (!auth::ValidateOrgId(auth::OrgKind::kMunicipality, request->municipality_id()).ok()) {
          v.Add("municipality_id", "must be a kommunkod of 4 digits");
        }
        auto month = MonthOf(request->month(), "month");
        if (!month.ok()) v.Check("month", month.status());
        if (auto st = v.ToStatus(); !st.ok()) return st;
        if (*month >= absl::CivilMonth(Today(call.now()))) {
          return Error(absl::StatusCode::kInvalidArgument, "MONTH_NOT_ENDED",
                       "a month is invoiced once it has ended");
        }
        const auth::Principal& p = call.principal();
        if (!SeesInvoices(p, request->agency_id(), request->municipality_id())) {
          return PermissionDenied("an invoice is the agency's and the invoiced municipality's");
        }
        auto existing =
            InvoiceStore::OfMonth(conn, request->agency_id(), request->municipality_id(), *month);
        if (!existing.ok()) return existing.status();
        if (*existing) {
          call.Audit(kInvoice, (*existing)->agency_invoice_id());
          *response->mutable_agency_invoice() = **std::move(existing);
          response->set_created(false);
          return absl::OkStatus();
        }
        auto in_force = InvoiceStore::AgencyAgreementsInForce(conn, request->municipality_id(),
                                                              absl::CivilDay(*month),
                                                              absl::CivilDay(*month + 1) - 1);
        if (!in_force.ok()) return in_force.status();
        std::vector<v1::Agreement> agreements;
        fhv::common::v1::OrganisationRef agency;
        agency.set_id(request->agency_id());
        agency.set_kind(fhv::common::v1::ORGANISATION_KIND_AGENCY);
        for (v1::Agreement& a : *in_force) {
          if (a.agency().id() != request->agency_id()) continue;
          agency = a.agency();
          agreements.push_back(std::move(a));
        }
        auto claims =
            ClaimStore::Invoiceable(conn, request->municipality_id(), request->agency_id());
        if (!claims.ok()) return claims.status();
        v1::AgencyInvoice invoice = BuildAgencyInvoice(
            NewUuid(), agency, request->municipality_id(), *month, agreements, *claims);
        invoice.set_created_by_user_id(p.user);
        *invoice.mutable_create_time() = ToTimestamp(call.now());
        auto created = InvoiceStore::Insert(conn, invoice, call.now());
        if (!created.ok()) return created.status();
        if (!*created) {
          // Another caller made it a moment ago; this transaction's snapshot may not see it.
          return absl::AbortedError("the invoice was created at the same time; call again");
        }
        for (v1::Reimbursement& c : *claims) {
          c.set_agency_invoice_id(invoice.agency_invoice_id());
          MarkClaimPaid(c, p.user, call.now());
          if (auto st = ClaimStore::UpdateClaim(conn, c, call.now()); !st.ok()) return st;
        }
        if (auto st = LedgerStore::Append(conn, NewUuid(),
                                          InvoiceEntries(invoice, Today(call.now())), call.now());
            !st.ok()) {
          return st;
        }
        call.Audit(kInvoice, invoice.agency_invoice_id());
        *response->mutable_agency_invoice() = std::move(invoice);
        response->set_created(true);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::GetAgencyInvoice(
    grpc::CallbackServerContext* ctx, const v1::GetAgencyInvoiceRequest* request,
    v1::GetAgencyInvoiceResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetAgencyInvoice", .action = auth::Action::kAgencyInvoices}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = CheckUuid("agency_invoice_id", request->agency_invoice_id(), "an invoice");
            !st.ok()) {
          return st;
        }
        auto invoice = InvoiceStore::Get(conn, request->agency_invoice_id());
        if (!invoice.ok()) return invoice.status();
        if (!SeesInvoices(call.principal(), invoice->agency().id(), invoice->municipality_id())) {
          return PermissionDenied("the invoice does not exist or is not the caller's");
        }
        call.Audit(kInvoice, invoice->agency_invoice_id());
        *response->mutable_agency_invoice() = *std::move(invoice);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListAgencyInvoices(
    grpc::CallbackServerContext* ctx, const v1::ListAgencyInvoicesRequest* request,
    v1::ListAgencyInvoicesResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListAgencyInvoices", .action = auth::Action::kAgencyInvoices}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (request->agency_id().empty() && request->municipality_id().empty()) {
          v.Add("agency_id", "or municipality_id is required");
        }
        const auto from =
            OptionalMonth(v, request->has_from_month(), request->from_month(), "from_month");
        const auto to = OptionalMonth(v, request->has_to_month(), request->to_month(), "to_month");
        v1::ListAgencyInvoicesRequest filters = *request;
        filters.clear_page_size();
        filters.clear_page_token();
        auto key = DecodePageToken(request->page_token(), filters.SerializeAsString(), 3);
        std::optional<std::pair<absl::CivilMonth, std::string>> after;
        int y = 0, mo = 0;
        if (!key.ok() ||
            (!key->empty() && (!absl::SimpleAtoi((*key)[0], &y) ||
                               !absl::SimpleAtoi((*key)[1], &mo) || !IsUuid((*key)[2])))) {
          v.Add("page_token", "is not a token of this listing");
        } else if (!key->empty()) {
          after = std::pair(absl::CivilMonth(y, mo), (*key)[2]);
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        // Each party lists its own: an agency by its id, a municipality by its kommunkod.
        const auth::Principal& p = call.principal();
        const bool own =
            p.org_kind == auth::OrgKind::kAgency
                ? request->agency_id() == p.org_id
                : request->municipality_id() == p.org_id && p.HasRole("finance_officer");
        if (!own) return PermissionDenied("a party lists only its own invoices");
        auto found = InvoiceStore::List(conn, request->agency_id(), request->municipality_id(),
                                        from, to, *page_size, after);
        if (!found.ok()) return found.status();
        const bool more = static_cast<int>(found->size()) > *page_size;
        if (more) found->pop_back();
        for (auto& inv : *found) {
          call.Audit(kInvoice, inv.agency_invoice_id());
          *response->add_agency_invoices() = std::move(inv);
        }
        if (more) {
          const v1::AgencyInvoice& last = *response->agency_invoices().rbegin();
          response->set_next_page_token(
              EncodePageToken(filters.SerializeAsString(),
                              {absl::StrCat(last.month().year()),
                               absl::StrCat(last.month().month()), last.agency_invoice_id()}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::GetCostReport(grpc::CallbackServerContext* ctx,
                                                          const v1::GetCostReportRequest* request,
                                                          v1::GetCostReportResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetCostReport", .action = auth::Action::kReadCostReport}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        if (request->municipality_id().empty()) v.Add("municipality_id", "is required");
        auto from = MonthOf(request->from_month(), "from_month");
        if (!from.ok()) v.Check("from_month", from.status());
        auto to = MonthOf(request->to_month(), "to_month");
        if (!to.ok()) v.Check("to_month", to.status());
        if (from.ok() && to.ok()) {
          if (*to < *from) {
            v.Add("to_month", "is before from_month");
          } else if (*to - *from > kMaxReportMonths) {
            v.Add("to_month",
                  absl::StrCat("is more than ", kMaxReportMonths, " months after from_month"));
          }
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const auth::Principal& p = call.principal();
        if (p.org_id != request->municipality_id()) {
          return PermissionDenied("a municipality reads only its own costs");
        }
        auto own = InvoiceStore::RunCosts(conn, p.org_id, *from, *to);
        if (!own.ok()) return own.status();
        auto invoices = InvoiceStore::OfPeriod(conn, p.org_id, *from, *to);
        if (!invoices.ok()) return invoices.status();
        auto agency_agreements = InvoiceStore::AgencyAgreementsInForce(
            conn, p.org_id, absl::CivilDay(*from), absl::CivilDay(*to + 1) - 1);
        if (!agency_agreements.ok()) return agency_agreements.status();
        std::map<absl::CivilMonth, v1::CostFigures> agency;
        std::map<absl::CivilMonth, std::set<std::string>> invoiced;
        for (const v1::AgencyInvoice& inv : *invoices) {
          const absl::CivilMonth m(inv.month().year(), inv.month().month());
          AddCosts(agency[m], AgencyCosts(inv));
          invoiced[m].insert(inv.agency().id());
        }
        response->set_municipality_id(p.org_id);
        for (absl::CivilMonth m = *from; m <= *to; ++m) {
          v1::CostReportMonth& out = *response->add_months();
          out.mutable_month()->set_year(static_cast<int>(m.year()));
          out.mutable_month()->set_month(m.month());
          bool complete = own->count(m) > 0;
          if (complete) *out.mutable_own_homes() = own->at(m);
          if (agency.count(m) > 0) *out.mutable_agency_homes() = agency.at(m);
          // Every agency with a placement in the month must have invoiced it.
          const absl::CivilDay first(m), last = absl::CivilDay(m + 1) - 1;
          for (const v1::Agreement& a : *agency_agreements) {
            const auto start = DayOf(a.valid_from());
            const auto end = DayOf(a.valid_to());
            if (start && *start > last) continue;
            if (end && *end < first) continue;
            if (invoiced[m].count(a.agency().id()) == 0) complete = false;
          }
          out.set_complete(complete);
          out.set_cost_per_day_difference_ore(out.agency_homes().cost_per_day_ore() -
                                              out.own_homes().cost_per_day_ore());
        }
        return absl::OkStatus();
      });
}

}  // namespace fhv::payments
