#include "services/payments/src/grpc/payments_handlers.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "common/validation/request.h"
#include "fhv/placement/v1/events.pb.h"
#include "services/payments/src/domain/accounts.h"
#include "services/payments/src/domain/agreement.h"
#include "services/payments/src/domain/bank_file.h"
#include "services/payments/src/domain/claims.h"
#include "services/payments/src/domain/compensation.h"
#include "services/payments/src/domain/invoice.h"
#include "services/payments/src/domain/ledger.h"
#include "services/payments/src/domain/run.h"
#include "services/payments/src/domain/stays.h"
#include "services/payments/src/domain/transitions.h"
#include "services/payments/src/grpc/filters.h"
#include "services/payments/src/storage/agreement_store.h"
#include "services/payments/src/storage/claim_store.h"
#include "services/payments/src/storage/invoice_store.h"
#include "services/payments/src/storage/ledger_store.h"
#include "services/payments/src/storage/payee_store.h"
#include "services/payments/src/storage/rate_store.h"
#include "services/payments/src/storage/run_store.h"
#include "services/payments/src/storage/stay_store.h"

namespace fhv::payments {

grpc::ServerUnaryReactor* PaymentsHandlers::GetRateTable(grpc::CallbackServerContext* ctx,
                                                         const v1::GetRateTableRequest* request,
                                                         v1::GetRateTableResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetRateTable", .action = auth::Action::kReadRateTables}, *request,
      response, [request, response](server::CallContext&, db::Connection& conn) -> absl::Status {
        Violations v;
        if (request->year() < 2000 || request->year() > 9999) v.Add("year", "must be 2000..9999");
        if (request->version() < 0) v.Add("version", "must not be negative");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto table = RateStore::Get(conn, request->year(), request->version());
        if (!table.ok()) return table.status();
        *response->mutable_rate_table() = *std::move(table);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListRateTables(grpc::CallbackServerContext* ctx,
                                                           const v1::ListRateTablesRequest* request,
                                                           v1::ListRateTablesResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListRateTables", .action = auth::Action::kReadRateTables}, *request,
      response, [request, response](server::CallContext&, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        auto key = DecodePageToken(request->page_token(), "rate_tables", 2);
        std::optional<std::pair<int, int>> after;
        int year = 0, version = 0;
        if (!key.ok() || (!key->empty() && (!absl::SimpleAtoi((*key)[0], &year) ||
                                            !absl::SimpleAtoi((*key)[1], &version)))) {
          Violations v;
          v.Add("page_token", "is not a token of this listing");
          return v.ToStatus();
        }
        if (!key->empty()) after = std::pair(year, version);
        auto tables = RateStore::List(conn, *page_size + 1, after);
        if (!tables.ok()) return tables.status();
        const bool more = static_cast<int>(tables->size()) > *page_size;
        if (more) tables->pop_back();
        for (auto& t : *tables) *response->add_rate_tables() = std::move(t);
        if (more) {
          const auto& last = *response->rate_tables().rbegin();
          response->set_next_page_token(EncodePageToken(
              "rate_tables", {absl::StrCat(last.year()), absl::StrCat(last.version())}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::AddRateTable(grpc::CallbackServerContext* ctx,
                                                         const v1::AddRateTableRequest* request,
                                                         v1::AddRateTableResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "AddRateTable",
       .action = auth::Action::kManageRateTables,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        v1::RateTable table = request->rate_table();
        if (auto st = ValidateRateTable(table); !st.ok()) return st;
        // The next year's table, or a new version of the current or a future year; a past
        // year's figures are never changed.
        auto latest = RateStore::LatestYear(conn);
        if (!latest.ok()) return latest.status();
        const int this_year = static_cast<int>(Today(call.now()).year());
        const int next = *latest ? **latest + 1 : this_year;
        if (table.year() < this_year || table.year() > next) {
          return Error(absl::StatusCode::kFailedPrecondition, "RATE_TABLE_YEAR_NOT_ALLOWED",
                       absl::StrCat("a table may be added for ", this_year, " to ", next,
                                    " only: a past year's table is never changed"));
        }
        if (auto st = RateStore::Add(conn, table, call.principal().user, call.now()); !st.ok()) {
          return st;
        }
        call.Audit("rate_table", absl::StrCat(table.year(), "/", table.version()));
        *response->mutable_rate_table() = std::move(table);
        return absl::OkStatus();
      });
}

}  // namespace fhv::payments

namespace fhv::payments {
namespace {

constexpr char kAgreement[] = "agreement";

// Marks each version whose terms pay an allowance above the tax-free maximum of the table of
// its first day's year (when that table exists).
absl::Status FlagOverMax(db::Connection& conn, v1::Agreement& a) {
  std::map<int, std::optional<v1::RateTable>> tables;  // by year; each read once
  for (auto& v : *a.mutable_versions()) {
    const int year = static_cast<int>(DayOf(v.valid_from())->year());
    if (!tables.contains(year)) {
      auto table = RateStore::Get(conn, year);
      if (!table.ok() && table.status().code() != absl::StatusCode::kNotFound) {
        return table.status();
      }
      tables[year] = table.ok() ? std::optional(*std::move(table)) : std::nullopt;
    }
    if (const auto& table = tables[year]) {
      v.set_expense_allowance_over_max(AllowanceOverMax(v.terms(), *table));
    }
  }
  return absl::OkStatus();
}

// Locks an agreement the caller's municipality pays, after checking its etag.
absl::StatusOr<v1::Agreement> LockForChange(server::CallContext& call, db::Connection& conn,
                                            const std::string& id, const std::string& etag) {
  Violations v;
  if (!IsUuid(id)) v.Add("agreement_id", "must be an agreement id");
  if (etag.empty()) v.Add("etag", "is required: the agreement's etag as last read");
  if (auto st = v.ToStatus(); !st.ok()) return st;
  auto a = AgreementStore::Lock(conn, id);
  if (!a.ok()) return a.status();
  if (!MayRead(call.principal(), a->paying_municipality_id())) {
    return PermissionDenied("the agreement does not exist or is not the caller's");
  }
  if (a->etag() != etag) {
    return StaleEtag("agreement");
  }
  return a;
}

}  // namespace

grpc::ServerUnaryReactor* PaymentsHandlers::CreateAgreement(
    grpc::CallbackServerContext* ctx, const v1::CreateAgreementRequest* request,
    v1::CreateAgreementResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "CreateAgreement",
       .action = auth::Action::kWriteAgreements,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const auth::Principal& p = call.principal();
        auto a = NewManual(request->agreement(), request->terms(), NewUuid(), p.org_id, p.user,
                           call.now());
        if (!a.ok()) return a.status();
        if (auto st = FlagOverMax(conn, *a); !st.ok()) return st;
        auto inserted = AgreementStore::Insert(conn, *a, call.now());
        if (!inserted.ok()) return inserted.status();
        call.Audit(kAgreement, a->agreement_id());
        *response->mutable_agreement() = *std::move(a);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::GetAgreement(grpc::CallbackServerContext* ctx,
                                                         const v1::GetAgreementRequest* request,
                                                         v1::GetAgreementResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetAgreement", .action = auth::Action::kReadAgreements}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = CheckUuid("agreement_id", request->agreement_id(), "an agreement");
            !st.ok()) {
          return st;
        }
        auto a = AgreementStore::Get(conn, request->agreement_id());
        if (!a.ok()) return a.status();
        if (!MayReadAgreement(call.principal(), *a)) {
          return PermissionDenied("the agreement does not exist or is not the caller's");
        }
        call.Audit(kAgreement, a->agreement_id());
        *response->mutable_agreement() = *std::move(a);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListAgreements(grpc::CallbackServerContext* ctx,
                                                           const v1::ListAgreementsRequest* request,
                                                           v1::ListAgreementsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListAgreements", .action = auth::Action::kReadAgreements}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const auth::Principal& p = call.principal();
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        AgreementFilter f;
        f.states = EnumNames<v1::AgreementState>(v, "states", request->states());
        if (!fhv::common::v1::AssignmentKind_IsValid(request->assignment_kind())) {
          v.Add("assignment_kind", "is not a known kind");
        } else if (request->assignment_kind() != 0) {
          f.assignment_kind = fhv::common::v1::AssignmentKind_Name(request->assignment_kind());
        }
        if (request->has_active_on()) {
          auto day = FromDate(request->active_on(), "active_on");
          if (!day.ok()) v.Check("active_on", day.status());
          if (day.ok()) f.active_on = *day;
        }
        validation::CheckText(v, "home_id", request->home_id(), 64, false);
        validation::CheckText(v, "placement_id", request->placement_id(), 64, false);
        validation::CheckText(v, "child_id", request->child_id(), 64, false);
        v1::ListAgreementsRequest filters = *request;
        filters.clear_page_size();
        filters.clear_page_token();
        auto after = AfterId(request->page_token(), filters.SerializeAsString());
        if (!after.ok()) v.Add("page_token", "is not a token of this listing");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        // A home lists its own agreements, of every payer unless one is named.
        std::string municipality = request->paying_municipality_id();
        f.home_id = request->home_id();
        if (IsHome(p)) {
          if (!f.home_id.empty() && f.home_id != p.org_id) {
            return PermissionDenied("a home lists only its own agreements");
          }
          f.home_id = p.org_id;
        } else {
          if (municipality.empty()) municipality = p.org_id;
          if (!MayRead(p, municipality)) {
            return PermissionDenied("a municipality lists only the agreements it pays");
          }
        }
        f.placement_id = request->placement_id();
        f.child_id = request->child_id();
        auto page = AgreementStore::List(conn, municipality, f, *page_size + 1, *after);
        if (!page.ok()) return page.status();
        const bool more = static_cast<int>(page->size()) > *page_size;
        if (more) page->pop_back();
        for (auto& a : *page) {
          call.Audit(kAgreement, a.agreement_id());
          *response->add_agreements() = std::move(a);
        }
        if (more) {
          response->set_next_page_token(EncodePageToken(
              filters.SerializeAsString(), {response->agreements().rbegin()->agreement_id()}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::AmendAgreement(grpc::CallbackServerContext* ctx,
                                                           const v1::AmendAgreementRequest* request,
                                                           v1::AmendAgreementResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "AmendAgreement",
       .action = auth::Action::kWriteAgreements,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto from = FromDate(request->valid_from(), "valid_from");
        if (!from.ok()) return from.status();
        auto a = LockForChange(call, conn, request->agreement_id(), request->etag());
        if (!a.ok()) return a.status();
        if (auto st = Amend(*a, *from, request->terms(), request->change_reason(),
                            call.principal().user, call.now());
            !st.ok()) {
          return st;
        }
        if (auto st = FlagOverMax(conn, *a); !st.ok()) return st;
        if (auto st = AgreementStore::Update(conn, *a, call.now(), *from); !st.ok()) return st;
        call.Audit(kAgreement, a->agreement_id());
        *response->mutable_agreement() = *std::move(a);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::EndAgreement(grpc::CallbackServerContext* ctx,
                                                         const v1::EndAgreementRequest* request,
                                                         v1::EndAgreementResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "EndAgreement",
       .action = auth::Action::kWriteAgreements,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        auto end = FromDate(request->end_date(), "end_date");
        if (!end.ok()) v.Check("end_date", end.status());
        validation::CheckText(v, "reason", request->reason(), 1000, true);
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto a = LockForChange(call, conn, request->agreement_id(), request->etag());
        if (!a.ok()) return a.status();
        if (auto st = End(*a, *end, /*by_placement=*/false, call.now()); !st.ok()) return st;
        if (auto st = AgreementStore::Update(conn, *a, call.now(), *end); !st.ok()) return st;
        call.Audit(kAgreement, a->agreement_id());
        *response->mutable_agreement() = *std::move(a);
        return absl::OkStatus();
      });
}

void RegisterEventHandlers(server::Runtime&, events::EventSink& sink) {
  namespace pl = ::fhv::placement::v1;
  sink.On(
      "fhv.placement.v1.PlacementStartedEvent",
      events::On<pl::PlacementStartedEvent>([](server::CallContext& call, db::Connection& conn,
                                               const pl::PlacementStartedEvent& e) -> absl::Status {
        if (!DayOf(e.start_date()) || !DayOf(e.child().birth_date())) {
          return absl::InvalidArgumentError("the event lacks a start or birth date");
        }
        v1::Agreement a = FromPlacement(e, NewUuid(), call.now());
        auto inserted = AgreementStore::Insert(conn, a, call.now());
        if (!inserted.ok()) return inserted.status();
        if (*inserted) call.Audit(kAgreement, a.agreement_id());
        return absl::OkStatus();
      }));
  sink.On("fhv.placement.v1.PlacementEndedEvent",
          events::On<pl::PlacementEndedEvent>([](server::CallContext& call, db::Connection& conn,
                                                 const pl::PlacementEndedEvent& e) -> absl::Status {
            auto end = FromDate(e.end_date(), "end_date");
            if (!end.ok()) return end.status();
            auto a = AgreementStore::LockOfPlacement(conn, e.placement_id());
            if (!a.ok()) return a.status();
            // The start travels first in the same stream; without it there is nothing to end.
            if (!*a) return absl::FailedPreconditionError("the placement has no agreement yet");
            if ((*a)->state() == v1::AGREEMENT_STATE_ENDED) return absl::OkStatus();
            if (auto st = End(**a, *end, /*by_placement=*/true, call.now()); !st.ok()) {
              return st;
            }
            call.Audit(kAgreement, (*a)->agreement_id());
            return AgreementStore::Update(conn, **a, call.now(), *end);
          }));
}

}  // namespace fhv::payments

namespace fhv::payments {
namespace {

constexpr char kRun[] = "payment_run";

// Whether `p` works with the payments of `municipality_id`.
bool PaysFor(const auth::Principal& p, const std::string& municipality_id) {
  return (p.org_kind == auth::OrgKind::kInternal && p.HasRole("service")) ||
         (p.org_kind == auth::OrgKind::kMunicipality && p.org_id == municipality_id &&
          p.HasRole("finance_officer"));
}

// The payer whose runs a listing of lines or payouts reads: the caller's municipality; for a
// home, every payer's, of its own home and approved runs only ("" for every payer).
template <typename Filter>
absl::StatusOr<std::string> PayerScope(const auth::Principal& p, Filter& filter) {
  if (!IsHome(p)) {
    if (!PaysFor(p, p.org_id) || p.org_kind != auth::OrgKind::kMunicipality) {
      return PermissionDenied("payments are listed by the payer's finance officers and the home");
    }
    return p.org_id;
  }
  if (!filter.home_id.empty() && filter.home_id != p.org_id) {
    return PermissionDenied("a home sees only its own payments");
  }
  filter.home_id = p.org_id;
  filter.approved_runs_only = true;
  return std::string();
}

// Moves `run` to `state` as the caller, with `reason`, stores it and audits its read-back.
absl::Status Save(server::CallContext& call, db::Connection& conn, v1::PaymentRun& run,
                  v1::PaymentRunState state, const std::string& reason = "") {
  EnterState(run, state, call.principal().user, call.now(), reason);
  *run.mutable_update_time() = ToTimestamp(call.now());
  if (auto st = RunStore::Update(conn, run, call.now()); !st.ok()) return st;
  call.Audit(kRun, run.payment_run_id());
  return absl::OkStatus();
}

// (Re)calculates the run from the agreements in force, the approved claims not yet paid and
// the payees: its lines, payouts, totals and problems. Lines are stored in batches as they are
// made and payouts from the stored lines' sums per page of homes, so that memory does not grow
// with the run.
absl::Status Calculate(db::Connection& conn, v1::PaymentRun& run, const v1::RateTable& table) {
  constexpr size_t kLineBatch = 2000;
  const absl::CivilMonth month(run.month().year(), run.month().month());
  RunBuilder builder(run.payment_run_id(), month, table);
  if (auto st = RunStore::ClearLines(conn, run.payment_run_id()); !st.ok()) return st;
  // Stores the pending lines once there are enough of them, or all of them.
  auto store = [&](bool all) -> absl::Status {
    if (builder.pending().empty() || (!all && builder.pending().size() < kLineBatch)) {
      return absl::OkStatus();
    }
    const int first = builder.taken() + 1;
    return RunStore::InsertLines(conn, run.payment_run_id(), first, builder.TakeLines());
  };
  auto st = RunStore::ForEachAgreementInForce(conn, run.municipality_id(), month,
                                              [&](const v1::Agreement& a) -> absl::Status {
                                                if (auto st = builder.Add(a); !st.ok()) return st;
                                                return store(false);
                                              });
  if (!st.ok()) return st;
  // Corrections of earlier paid months, each with its own year's table.
  auto paid_months = RunStore::PaidMonths(conn, run.municipality_id(), month);
  if (!paid_months.ok()) return paid_months.status();
  std::map<int, v1::RateTable> tables;
  st = RunStore::ForEachAgreementToRecheck(
      conn, run.payment_run_id(), run.municipality_id(), month,
      [&](const v1::Agreement& a, absl::CivilDay from, const PaidByMonth& paid) -> absl::Status {
        std::vector<absl::CivilMonth> months;
        for (const absl::CivilMonth m : *paid_months) {
          if (m < absl::CivilMonth(from)) continue;
          months.push_back(m);
          if (tables.count(static_cast<int>(m.year())) > 0) continue;
          auto t = RateStore::Get(conn, static_cast<int>(m.year()));
          if (!t.ok()) return t.status();
          tables.emplace(static_cast<int>(m.year()), *std::move(t));
        }
        if (months.empty()) return absl::OkStatus();
        if (auto st = builder.AddAdjustments(a, months, paid, tables); !st.ok()) return st;
        return store(false);
      });
  if (!st.ok()) return st;
  // Contact families' stays that ended by the month's last day, each by its arrival year's table.
  auto stays = StayStore::Payable(conn, run.municipality_id(), absl::CivilDay(month + 1) - 1);
  if (!stays.ok()) return stays.status();
  for (const auto& [stay, agreement] : *stays) {
    const int year = stay.arrival_date().year();
    if (tables.count(year) == 0) {
      auto t = RateStore::Get(conn, year);
      if (!t.ok()) return t.status();
      tables.emplace(year, *std::move(t));
    }
    if (auto st = builder.AddStay(agreement, stay, tables.at(year)); !st.ok()) return st;
    if (auto st = store(false); !st.ok()) return st;
  }
  auto claims = ClaimStore::Payable(conn, run.municipality_id());
  if (!claims.ok()) return claims.status();
  for (const v1::Reimbursement& c : *claims) {
    builder.AddReimbursement(c);
    if (auto st = store(false); !st.ok()) return st;
  }
  if (auto st = store(true); !st.ok()) return st;
  // One payout per home with lines or a debt carried in, a page of homes at a time.
  run.clear_problems();
  run.clear_problem_count();
  st = RunStore::ForEachHomeSums(conn, run, [&](const std::vector<HomeSums>& homes) {
    std::vector<std::string> ids;
    for (const HomeSums& h : homes) ids.push_back(h.home_id);
    auto payees = PayeeStore::Facts(conn, run.municipality_id(), ids);
    if (!payees.ok()) return payees.status();
    std::vector<v1::Payout> payouts;
    for (const HomeSums& h : homes) {
      const auto payee = payees->find(h.home_id);
      payouts.push_back(
          builder.AddPayout(h, payee == payees->end() ? nullptr : &payee->second, run));
    }
    return RunStore::InsertPayouts(conn, run.payment_run_id(), payouts);
  });
  if (!st.ok()) return st;
  auto counts = RunStore::CountLines(conn, run.payment_run_id());
  if (!counts.ok()) return counts.status();
  builder.Finish(*counts, run);
  run.set_rate_table_version(table.version());
  return absl::OkStatus();
}

// Locks a run of the caller's municipality, as last read (`etag`), in one of `states` (else
// INVALID_STATE with `why`). `v` holds the request's other violations, reported together.
absl::StatusOr<v1::PaymentRun> LockRun(server::CallContext& call, db::Connection& conn,
                                       Violations v, const std::string& id, const std::string& etag,
                                       std::initializer_list<v1::PaymentRunState> states,
                                       absl::string_view why) {
  if (!IsUuid(id)) v.Add("payment_run_id", "must be a run id");
  if (etag.empty()) v.Add("etag", "is required: the run's etag as last read");
  if (auto st = v.ToStatus(); !st.ok()) return st;
  auto run = RunStore::Lock(conn, id);
  if (!run.ok()) return run.status();
  if (!PaysFor(call.principal(), run->municipality_id())) {
    return PermissionDenied("the run does not exist or is not the caller's");
  }
  if (run->etag() != etag) {
    return StaleEtag("run");
  }
  if (std::find(states.begin(), states.end(), run->state()) == states.end()) {
    return Error(absl::StatusCode::kFailedPrecondition, "INVALID_STATE", why,
                 {{"state", v1::PaymentRunState_Name(run->state())}});
  }
  return run;
}

// Locks a CALCULATED run; one that is approved, paid or failed is immutable.
absl::StatusOr<v1::PaymentRun> LockCalculated(server::CallContext& call, db::Connection& conn,
                                              const std::string& id, const std::string& etag) {
  return LockRun(call, conn, Violations(), id, etag, {v1::PAYMENT_RUN_STATE_CALCULATED},
                 "only a calculated run is recalculated or approved; an approved run is immutable");
}

}  // namespace

grpc::ServerUnaryReactor* PaymentsHandlers::CreatePaymentRun(
    grpc::CallbackServerContext* ctx, const v1::CreatePaymentRunRequest* request,
    v1::CreatePaymentRunResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "CreatePaymentRun",
       .action = auth::Action::kCreatePaymentRun,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const auth::Principal& p = call.principal();
        Violations v;
        if (request->municipality_id().empty()) v.Add("municipality_id", "is required");
        auto month = MonthOf(request->month(), "month");
        if (!month.ok()) v.Check("month", month.status());
        if (auto st = v.ToStatus(); !st.ok()) return st;
        if (!PaysFor(p, request->municipality_id())) {
          return PermissionDenied("a municipality runs only its own payments");
        }
        if (*month > absl::CivilMonth(Today(call.now()))) {
          return Error(absl::StatusCode::kInvalidArgument, "FUTURE_MONTH",
                       "a month is paid from its first day at the earliest");
        }
        if (auto existing = RunStore::OfMonth(conn, request->municipality_id(), *month);
            !existing.ok()) {
          return existing.status();
        } else if (*existing) {
          call.Audit(kRun, (*existing)->payment_run_id());
          *response->mutable_payment_run() = **existing;
          response->set_created(false);
          return absl::OkStatus();
        }
        auto table = RateStore::Get(conn, static_cast<int>(month->year()));
        if (table.status().code() == absl::StatusCode::kNotFound) {
          return FailedPrecondition("RATE_TABLE_MISSING",
                                    absl::StrCat("there is no rate table for ", month->year()));
        }
        if (!table.ok()) return table.status();
        if (auto st = RunStore::CheckRunOrder(conn, request->municipality_id(), *month); !st.ok()) {
          return st;
        }
        v1::PaymentRun run;
        run.set_payment_run_id(NewUuid());
        run.set_municipality_id(request->municipality_id());
        *run.mutable_month() = request->month();
        EnterState(run, v1::PAYMENT_RUN_STATE_DRAFT, p.user, call.now());
        *run.mutable_create_time() = ToTimestamp(call.now());
        *run.mutable_update_time() = ToTimestamp(call.now());
        auto created = RunStore::Insert(conn, run, call.now());
        if (!created.ok()) return created.status();
        if (!*created) {
          // Another caller created it a moment ago: that run is the month's run.
          auto existing = RunStore::OfMonth(conn, request->municipality_id(), *month);
          if (!existing.ok()) return existing.status();
          if (!*existing) return absl::InternalError("the month's run vanished");
          call.Audit(kRun, (*existing)->payment_run_id());
          *response->mutable_payment_run() = **existing;
          response->set_created(false);
          return absl::OkStatus();
        }
        if (auto st = Calculate(conn, run, *table); !st.ok()) return st;
        if (auto st = Save(call, conn, run, v1::PAYMENT_RUN_STATE_CALCULATED); !st.ok()) return st;
        *response->mutable_payment_run() = std::move(run);
        response->set_created(true);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::GetPaymentRun(grpc::CallbackServerContext* ctx,
                                                          const v1::GetPaymentRunRequest* request,
                                                          v1::GetPaymentRunResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetPaymentRun", .action = auth::Action::kWorkPaymentRuns}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        std::optional<v1::PaymentRun> run;
        if (!request->payment_run_id().empty()) {
          if (auto st = CheckUuid("payment_run_id", request->payment_run_id(), "a run"); !st.ok()) {
            return st;
          }
          auto got = RunStore::Get(conn, request->payment_run_id());
          if (!got.ok()) return got.status();
          run = *std::move(got);
        } else {
          auto month = MonthOf(request->month(), "month");
          if (request->municipality_id().empty() || !month.ok()) {
            Violations v;
            v.Add("payment_run_id", "or municipality_id and month are required");
            return v.ToStatus();
          }
          if (!PaysFor(call.principal(), request->municipality_id())) {
            return PermissionDenied("a municipality reads only its own runs");
          }
          auto got = RunStore::OfMonth(conn, request->municipality_id(), *month);
          if (!got.ok()) return got.status();
          if (!*got) return NotFound("payment run of the month");
          run = **got;
        }
        if (!PaysFor(call.principal(), run->municipality_id())) {
          return PermissionDenied("the run does not exist or is not the caller's");
        }
        call.Audit(kRun, run->payment_run_id());
        *response->mutable_payment_run() = *std::move(run);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListPaymentRuns(
    grpc::CallbackServerContext* ctx, const v1::ListPaymentRunsRequest* request,
    v1::ListPaymentRunsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListPaymentRuns", .action = auth::Action::kWorkPaymentRuns}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (request->municipality_id().empty()) v.Add("municipality_id", "is required");
        const std::vector<std::string> states =
            EnumNames<v1::PaymentRunState>(v, "states", request->states());
        const auto from =
            OptionalMonth(v, request->has_from_month(), request->from_month(), "from_month");
        const auto to = OptionalMonth(v, request->has_to_month(), request->to_month(), "to_month");
        v1::ListPaymentRunsRequest filters = *request;
        filters.clear_page_size();
        filters.clear_page_token();
        auto key = DecodePageToken(request->page_token(), filters.SerializeAsString(), 2);
        std::optional<absl::CivilMonth> before;
        int y = 0, mo = 0;
        if (!key.ok() || (!key->empty() && (!absl::SimpleAtoi((*key)[0], &y) ||
                                            !absl::SimpleAtoi((*key)[1], &mo)))) {
          v.Add("page_token", "is not a token of this listing");
        } else if (!key->empty()) {
          before = absl::CivilMonth(y, mo);
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        if (!PaysFor(call.principal(), request->municipality_id())) {
          return PermissionDenied("a municipality lists only its own runs");
        }
        auto runs = RunStore::List(conn, request->municipality_id(), states, from, to,
                                   *page_size + 1, before);
        if (!runs.ok()) return runs.status();
        const bool more = static_cast<int>(runs->size()) > *page_size;
        if (more) runs->pop_back();
        for (auto& run : *runs) {
          call.Audit(kRun, run.payment_run_id());
          *response->add_payment_runs() = std::move(run);
        }
        if (more) {
          const auto& last = response->payment_runs().rbegin()->month();
          response->set_next_page_token(
              EncodePageToken(filters.SerializeAsString(),
                              {absl::StrCat(last.year()), absl::StrCat(last.month())}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::RecalculatePaymentRun(
    grpc::CallbackServerContext* ctx, const v1::RecalculatePaymentRunRequest* request,
    v1::RecalculatePaymentRunResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "RecalculatePaymentRun",
       .action = auth::Action::kWorkPaymentRuns,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto run = LockCalculated(call, conn, request->payment_run_id(), request->etag());
        if (!run.ok()) return run.status();
        auto table = RateStore::Get(conn, run->month().year());
        if (!table.ok()) return table.status();
        if (auto st = Calculate(conn, *run, *table); !st.ok()) return st;
        if (auto st = Save(call, conn, *run, v1::PAYMENT_RUN_STATE_CALCULATED, "recalculated");
            !st.ok()) {
          return st;
        }
        *response->mutable_payment_run() = *std::move(run);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListPaymentLines(
    grpc::CallbackServerContext* ctx, const v1::ListPaymentLinesRequest* request,
    v1::ListPaymentLinesResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListPaymentLines", .action = auth::Action::kWorkPaymentRuns}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size(), 500, 5000);
        if (!page_size.ok()) return page_size.status();
        Violations v;
        const auth::Principal& p = call.principal();
        if (request->payment_run_id().empty() && request->home_id().empty() &&
            request->agreement_id().empty() && !IsHome(p)) {
          v.Add("payment_run_id", "or home_id or agreement_id is required");
        }
        for (const auto& [field, value] : {std::pair{"payment_run_id", &request->payment_run_id()},
                                           {"agreement_id", &request->agreement_id()}}) {
          if (!value->empty() && !IsUuid(*value)) v.Add(field, "must be an id");
        }
        validation::CheckText(v, "home_id", request->home_id(), 64, false);
        LineFilter filter{.run_id = request->payment_run_id(),
                          .home_id = request->home_id(),
                          .agreement_id = request->agreement_id(),
                          .adjustments_only = request->adjustments_only()};
        filter.from =
            OptionalMonth(v, request->has_from_month(), request->from_month(), "from_month");
        filter.to = OptionalMonth(v, request->has_to_month(), request->to_month(), "to_month");
        v1::ListPaymentLinesRequest filters = *request;
        filters.clear_page_size();
        filters.clear_page_token();
        auto key = DecodePageToken(request->page_token(), filters.SerializeAsString(), 2);
        std::optional<std::pair<std::string, int>> after;
        int seq = 0;
        if (!key.ok() ||
            (!key->empty() && (!IsUuid((*key)[0]) || !absl::SimpleAtoi((*key)[1], &seq)))) {
          v.Add("page_token", "is not a token of this listing");
        } else if (!key->empty()) {
          after = std::pair((*key)[0], seq);
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto payer = PayerScope(p, filter);
        if (!payer.ok()) return payer.status();
        std::optional<std::pair<std::string, int>> last;
        auto lines = RunStore::ListLines(conn, *payer, filter, *page_size, after, &last);
        if (!lines.ok()) return lines.status();
        call.Audit("payment_lines", !filter.home_id.empty()            ? filter.home_id
                                    : !request->agreement_id().empty() ? request->agreement_id()
                                                                       : request->payment_run_id());
        for (auto& l : *lines) *response->add_lines() = std::move(l);
        if (last) {
          response->set_next_page_token(EncodePageToken(filters.SerializeAsString(),
                                                        {last->first, absl::StrCat(last->second)}));
        }
        return absl::OkStatus();
      });
}

}  // namespace fhv::payments

namespace fhv::payments {
namespace {

// The caller's own municipality, or PERMISSION_DENIED when `requested` names another.
absl::StatusOr<std::string> OwnMunicipality(const auth::Principal& p,
                                            const std::string& requested) {
  if (requested.empty() || requested == p.org_id) return p.org_id;
  return PermissionDenied("a municipality sees only its own payment settings and payees");
}

}  // namespace

grpc::ServerUnaryReactor* PaymentsHandlers::GetMunicipalityPaymentSettings(
    grpc::CallbackServerContext* ctx, const v1::GetMunicipalityPaymentSettingsRequest* request,
    v1::GetMunicipalityPaymentSettingsResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "GetMunicipalityPaymentSettings", .action = auth::Action::kReadPayerSettings},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto municipality = OwnMunicipality(call.principal(), request->municipality_id());
        if (!municipality.ok()) return municipality.status();
        auto settings = PayeeStore::GetSettings(conn, *municipality);
        if (!settings.ok()) return settings.status();
        if (!*settings) return NotFound("payment settings");
        *response->mutable_settings() = **settings;
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::SetMunicipalityPaymentSettings(
    grpc::CallbackServerContext* ctx, const v1::SetMunicipalityPaymentSettingsRequest* request,
    v1::SetMunicipalityPaymentSettingsResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "SetMunicipalityPaymentSettings",
       .action = auth::Action::kSetPayerSettings,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        v1::MunicipalityPaymentSettings s = request->settings();
        auto municipality = OwnMunicipality(call.principal(), s.municipality_id());
        if (!municipality.ok()) return municipality.status();
        if (auto st = ValidateSettings(s); !st.ok()) return st;
        s.set_municipality_id(*municipality);
        *s.mutable_update_time() = ToTimestamp(call.now());
        if (auto st = PayeeStore::PutSettings(conn, s, call.now()); !st.ok()) return st;
        call.Audit("payer_settings", s.municipality_id());
        *response->mutable_settings() = std::move(s);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::GetPayee(grpc::CallbackServerContext* ctx,
                                                     const v1::GetPayeeRequest* request,
                                                     v1::GetPayeeResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetPayee", .action = auth::Action::kManagePayees}, *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        validation::CheckText(v, "home_id", request->home_id(), 64, true);
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto municipality = OwnMunicipality(call.principal(), request->municipality_id());
        if (!municipality.ok()) return municipality.status();
        auto payee = PayeeStore::GetPayee(conn, *municipality, request->home_id());
        if (!payee.ok()) return payee.status();
        if (!*payee) return NotFound("payee");
        call.Audit("payee", absl::StrCat(*municipality, "/", request->home_id()));
        *response->mutable_payee() = **payee;
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::SetPayee(grpc::CallbackServerContext* ctx,
                                                     const v1::SetPayeeRequest* request,
                                                     v1::SetPayeeResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "SetPayee",
       .action = auth::Action::kManagePayees,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        v1::Payee p = request->payee();
        auto municipality = OwnMunicipality(call.principal(), p.municipality_id());
        if (!municipality.ok()) return municipality.status();
        if (auto st = ValidatePayee(p, Today(call.now())); !st.ok()) return st;
        p.set_municipality_id(*municipality);
        *p.mutable_update_time() = ToTimestamp(call.now());
        if (auto st = PayeeStore::PutPayee(conn, p, call.now()); !st.ok()) return st;
        call.Audit("payee", absl::StrCat(p.municipality_id(), "/", p.home_id()));
        *response->mutable_payee() = std::move(p);
        return absl::OkStatus();
      });
}

}  // namespace fhv::payments

namespace fhv::payments {
namespace {

// Writes a file of a run in parts, then stores it whole.
class RunFileWriter {
 public:
  RunFileWriter(db::Connection& conn, const std::string& run_id, RunFileKind kind)
      : conn_(conn), run_id_(run_id), kind_(kind) {}
  absl::Status Put(const std::string& part) {
    if (part.empty()) return absl::OkStatus();
    return RunStore::PutFilePart(conn_, run_id_, kind_, ++parts_, part);
  }
  // Stores the file with the facts of `file`; its SHA-256.
  absl::StatusOr<std::string> Finish(const RunFile& file, absl::Time now) {
    return RunStore::AssembleFile(conn_, run_id_, kind_, file, now);
  }

 private:
  db::Connection& conn_;
  const std::string& run_id_;
  const RunFileKind kind_;
  int parts_ = 0;
};

// The transfers of the transferred payouts, to their payees as they are now. PAYEE_MISSING if
// a payee lost its account since the run was calculated.
absl::StatusOr<std::vector<Transfer>> TransfersOf(db::Connection& conn, const v1::PaymentRun& run,
                                                  const std::vector<v1::Payout>& payouts) {
  std::vector<std::string> homes;
  for (const v1::Payout& p : payouts) {
    if (p.transferred()) homes.push_back(p.home_id());
  }
  auto payees = PayeeStore::PayeesOf(conn, run.municipality_id(), homes);
  if (!payees.ok()) return payees.status();
  std::vector<Transfer> transfers;
  for (const v1::Payout& p : payouts) {
    if (!p.transferred()) continue;
    const auto payee = payees->find(p.home_id());
    if (payee == payees->end() || !payee->second.has_account()) {
      return Error(absl::StatusCode::kFailedPrecondition, "PAYEE_MISSING",
                   "a home of the run has no payee with an account; recalculate the run",
                   {{"home_id", p.home_id()}});
    }
    const auto& name = payee->second.name();
    transfers.push_back({.end_to_end_id = p.payout_id(),
                         .amount_ore = p.net_ore(),
                         .creditor_name = absl::StrCat(name.given_name(), " ", name.family_name()),
                         .account = payee->second.account()});
  }
  return transfers;
}

// The day the transfers are executed: the settings' day, or, once that has passed, today;
// moved on past weekends and public holidays to a banking day.
absl::CivilDay ExecutionDay(absl::CivilDay planned, absl::CivilDay today) {
  absl::CivilDay day = std::max(planned, today);
  while (absl::GetWeekday(day) == absl::Weekday::saturday ||
         absl::GetWeekday(day) == absl::Weekday::sunday || IsPublicHoliday(day)) {
    ++day;
  }
  return day;
}

// Binds the stays the lines pay to the run. RUN_OUTDATED if one was paid by another run since
// the run was calculated.
absl::Status BindStays(db::Connection& conn, const v1::PaymentRun& run,
                       const std::vector<v1::PaymentLine>& lines) {
  std::set<std::string> ids;
  for (const v1::PaymentLine& l : lines) {
    if (!l.stay_id().empty()) ids.insert(l.stay_id());
  }
  auto bound = StayStore::Bind(conn, {ids.begin(), ids.end()}, run.payment_run_id());
  if (!bound.ok()) return bound.status();
  if (*bound != static_cast<int>(ids.size())) {
    return FailedPrecondition("RUN_OUTDATED",
                              "a stay of the run was paid by another run; recalculate");
  }
  return absl::OkStatus();
}

// Binds the claims the lines pay to the run. RUN_OUTDATED if one was paid by another run or
// changed since the run was calculated.
absl::Status BindClaims(db::Connection& conn, const v1::PaymentRun& run,
                        const std::vector<v1::PaymentLine>& lines, absl::Time now) {
  for (const v1::PaymentLine& l : lines) {
    if (l.reimbursement_id().empty()) continue;
    auto c = ClaimStore::LockClaim(conn, l.reimbursement_id());
    if (!c.ok()) return c.status();
    if (c->state() != v1::REIMBURSEMENT_STATE_APPROVED || !c->payment_run_id().empty() ||
        c->approved_amount_ore() != l.amount_ore()) {
      return FailedPrecondition("RUN_OUTDATED",
                                "a claim of the run changed since it was calculated; recalculate");
    }
    c->set_payment_run_id(run.payment_run_id());
    *c->mutable_update_time() = ToTimestamp(now);
    if (auto st = ClaimStore::UpdateClaim(conn, *c, now); !st.ok()) return st;
  }
  return absl::OkStatus();
}

// Approves the calculated run, a page of homes at a time so that memory does not grow with the
// run: posts its ledger transaction, writes its bank file (to the payees as they are now) and
// finance export, binds the claims and stays it pays, clears the recheck marks it settled and
// stores its cost figures. The bank file's hash is noted in `run`.
absl::Status Approve(db::Connection& conn, v1::PaymentRun& run,
                     const v1::MunicipalityPaymentSettings& settings, absl::Time now) {
  const absl::CivilDay today = Today(now);
  LedgerWriter ledger(conn, NewUuid(), now);
  RunFileWriter bank_writer(conn, run.payment_run_id(), RunFileKind::kBankFile);
  RunFileWriter csv_writer(conn, run.payment_run_id(), RunFileKind::kFinanceExport);
  RunFile bank = Pain001Facts(run);
  RunFile csv = FinanceCsvFacts(run);
  v1::CostFigures costs;
  auto head = Pain001Head(run, settings, now, run.transfer_count(), run.transfer_total_ore());
  if (!head.ok()) return absl::InternalError(head.status().message());
  if (auto st = bank_writer.Put(*head); !st.ok()) return st;
  if (auto st = csv_writer.Put(FinanceCsvHeader()); !st.ok()) return st;
  auto st = RunStore::ForEachPayoutPage(
      conn, run.payment_run_id(), /*with_lines=*/true,
      [&](const std::vector<v1::Payout>& payouts,
          const std::vector<v1::PaymentLine>& lines) -> absl::Status {
        if (auto st = ledger.Add(ApprovalEntries(run, lines, payouts, today)); !st.ok()) {
          return st;
        }
        auto transfers = TransfersOf(conn, run, payouts);
        if (!transfers.ok()) return transfers.status();
        auto xml = Pain001Transfers(run, *transfers, bank);
        if (!xml.ok()) return absl::InternalError(xml.status().message());
        if (auto st = bank_writer.Put(*xml); !st.ok()) return st;
        if (auto st = csv_writer.Put(FinanceCsvRows(run, lines, csv)); !st.ok()) return st;
        if (auto st = BindClaims(conn, run, lines, now); !st.ok()) return st;
        if (auto st = BindStays(conn, run, lines); !st.ok()) return st;
        AddCosts(costs, OwnHomeCosts(lines));
        return absl::OkStatus();
      });
  if (!st.ok()) return st;
  if (auto st = ledger.Finish(); !st.ok()) return st;
  // The headers were written with the run's totals: the transfers must match them to the öre.
  if (bank.total_ore != run.transfer_total_ore() || bank.item_count != run.transfer_count()) {
    return absl::InternalError("the bank file does not match the run's totals");
  }
  if (auto st = bank_writer.Put(Pain001Tail()); !st.ok()) return st;
  auto sha = bank_writer.Finish(bank, now);
  if (!sha.ok()) return sha.status();
  run.set_bank_file_sha256(*sha);
  if (auto st = csv_writer.Finish(csv, now); !st.ok()) return st.status();
  if (auto st = RunStore::ClearRecheck(conn, run.payment_run_id()); !st.ok()) return st;
  return InvoiceStore::PutRunCost(conn, run, costs);
}

}  // namespace

grpc::ServerUnaryReactor* PaymentsHandlers::ApprovePaymentRun(
    grpc::CallbackServerContext* ctx, const v1::ApprovePaymentRunRequest* request,
    v1::ApprovePaymentRunResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "ApprovePaymentRun",
       .action = auth::Action::kWorkPaymentRuns,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto run = LockCalculated(call, conn, request->payment_run_id(), request->etag());
        if (!run.ok()) return run.status();
        if (run->problems_size() > 0) {
          return FailedPrecondition(run->problems(0).code(),
                                    "the run has problems that block approval; see its problems");
        }
        // Corrections and set-offs are reckoned against the runs approved before this one was
        // calculated; another approved since then makes it stale.
        auto overtaken =
            RunStore::OtherRunApprovedSince(conn, *run, FromTimestamp(run->update_time()));
        if (!overtaken.ok()) return overtaken.status();
        if (*overtaken) {
          return FailedPrecondition(
              "RUN_OUTDATED",
              "another run of the municipality was approved since this one was calculated; "
              "recalculate it");
        }
        auto settings = PayeeStore::GetSettings(conn, run->municipality_id());
        if (!settings.ok()) return settings.status();
        if (!*settings) {
          return FailedPrecondition("PAYER_SETTINGS_MISSING",
                                    "the municipality's payment settings are not set");
        }
        // The transfers are executed on the settings' day of the month after the run's month.
        const absl::CivilMonth next =
            absl::CivilMonth(run->month().year(), run->month().month()) + 1;
        const absl::CivilDay execution = ExecutionDay(
            absl::CivilDay(next.year(), next.month(), (*settings)->execution_day_of_month()),
            Today(call.now()));
        *run->mutable_execution_date() = ToDate(execution);
        if (auto st = Approve(conn, *run, **settings, call.now()); !st.ok()) return st;
        if (auto st = Save(call, conn, *run, v1::PAYMENT_RUN_STATE_APPROVED); !st.ok()) return st;
        *response->mutable_payment_run() = *std::move(run);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListLedgerEntries(
    grpc::CallbackServerContext* ctx, const v1::ListLedgerEntriesRequest* request,
    v1::ListLedgerEntriesResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListLedgerEntries", .action = auth::Action::kWorkPaymentRuns}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size(), 500, 5000);
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (request->municipality_id().empty()) v.Add("municipality_id", "is required");
        LedgerFilter f;
        if (request->has_from_date()) {
          auto d = FromDate(request->from_date(), "from_date");
          if (!d.ok()) v.Check("from_date", d.status());
          if (d.ok()) f.from = *d;
        }
        if (request->has_to_date()) {
          auto d = FromDate(request->to_date(), "to_date");
          if (!d.ok()) v.Check("to_date", d.status());
          if (d.ok()) f.to = *d;
        }
        if (!request->transaction_id().empty() && !IsUuid(request->transaction_id())) {
          v.Add("transaction_id", "must be a transaction id");
        }
        validation::CheckText(v, "account", request->account(), 64, false);
        validation::CheckText(v, "source_id", request->source_id(), 64, false);
        v1::ListLedgerEntriesRequest filters = *request;
        filters.clear_page_size();
        filters.clear_page_token();
        auto key = DecodePageToken(request->page_token(), filters.SerializeAsString(), 1);
        std::optional<int64_t> after;
        int64_t id = 0;
        if (!key.ok() || (!key->empty() && !absl::SimpleAtoi((*key)[0], &id))) {
          v.Add("page_token", "is not a token of this listing");
        } else if (!key->empty()) {
          after = id;
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        if (!PaysFor(call.principal(), request->municipality_id())) {
          return PermissionDenied("a municipality lists only its own books");
        }
        f.account = request->account();
        f.transaction_id = request->transaction_id();
        f.source_id = request->source_id();
        auto entries =
            LedgerStore::List(conn, request->municipality_id(), f, *page_size + 1, after);
        if (!entries.ok()) return entries.status();
        const bool more = static_cast<int>(entries->size()) > *page_size;
        if (more) entries->pop_back();
        call.Audit("ledger", request->municipality_id());
        for (auto& e : *entries) *response->add_entries() = std::move(e);
        if (more) {
          response->set_next_page_token(EncodePageToken(
              filters.SerializeAsString(), {response->entries().rbegin()->entry_id()}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::MarkPaymentRunPaid(
    grpc::CallbackServerContext* ctx, const v1::MarkPaymentRunPaidRequest* request,
    v1::MarkPaymentRunPaidResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "MarkPaymentRunPaid",
       .action = auth::Action::kWorkPaymentRuns,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        auto paid = FromDate(request->paid_date(), "paid_date");
        if (!paid.ok()) {
          v.Check("paid_date", paid.status());
        } else if (*paid > Today(call.now())) {
          v.Add("paid_date", "is in the future");
        }
        validation::CheckText(v, "bank_reference", request->bank_reference(), 140, false);
        auto run = LockRun(call, conn, std::move(v), request->payment_run_id(), request->etag(),
                           {v1::PAYMENT_RUN_STATE_APPROVED, v1::PAYMENT_RUN_STATE_FAILED},
                           "only an approved or failed run is marked paid");
        if (!run.ok()) return run.status();
        LedgerWriter ledger(conn, NewUuid(), call.now());
        auto st = RunStore::ForEachPayoutPage(
            conn, run->payment_run_id(), /*with_lines=*/false,
            [&](const std::vector<v1::Payout>& payouts, const std::vector<v1::PaymentLine>&) {
              return ledger.Add(PaidEntries(*run, payouts, *paid));
            });
        if (!st.ok()) return st;
        if (auto st = ledger.Add(BankEntries(*run, *paid)); !st.ok()) return st;
        if (auto st = ledger.Finish(); !st.ok()) return st;
        auto claims = ClaimStore::OfRun(conn, run->payment_run_id());
        if (!claims.ok()) return claims.status();
        for (v1::Reimbursement& c : *claims) {
          MarkClaimPaid(c, call.principal().user, call.now());
          if (auto st = ClaimStore::UpdateClaim(conn, c, call.now()); !st.ok()) return st;
        }
        *run->mutable_paid_date() = ToDate(*paid);
        run->set_bank_reference(request->bank_reference());
        if (auto st = Save(call, conn, *run, v1::PAYMENT_RUN_STATE_PAID); !st.ok()) return st;
        *response->mutable_payment_run() = *std::move(run);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::MarkPaymentRunFailed(
    grpc::CallbackServerContext* ctx, const v1::MarkPaymentRunFailedRequest* request,
    v1::MarkPaymentRunFailedResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "MarkPaymentRunFailed",
       .action = auth::Action::kWorkPaymentRuns,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        validation::CheckText(v, "reason", request->reason(), 1000, true);
        auto run =
            LockRun(call, conn, std::move(v), request->payment_run_id(), request->etag(),
                    {v1::PAYMENT_RUN_STATE_APPROVED}, "only an approved run is marked failed");
        if (!run.ok()) return run.status();
        if (auto st = Save(call, conn, *run, v1::PAYMENT_RUN_STATE_FAILED, request->reason());
            !st.ok()) {
          return st;
        }
        *response->mutable_payment_run() = *std::move(run);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListPayouts(grpc::CallbackServerContext* ctx,
                                                        const v1::ListPayoutsRequest* request,
                                                        v1::ListPayoutsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListPayouts", .action = auth::Action::kWorkPaymentRuns}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size(), 500, 5000);
        if (!page_size.ok()) return page_size.status();
        Violations v;
        const auth::Principal& p = call.principal();
        if (request->payment_run_id().empty() && request->home_id().empty() && !IsHome(p)) {
          v.Add("payment_run_id", "or home_id is required");
        }
        if (!request->payment_run_id().empty() && !IsUuid(request->payment_run_id())) {
          v.Add("payment_run_id", "must be a run id");
        }
        validation::CheckText(v, "home_id", request->home_id(), 64, false);
        PayoutFilter filter{.run_id = request->payment_run_id(), .home_id = request->home_id()};
        filter.from =
            OptionalMonth(v, request->has_from_month(), request->from_month(), "from_month");
        filter.to = OptionalMonth(v, request->has_to_month(), request->to_month(), "to_month");
        v1::ListPayoutsRequest filters = *request;
        filters.clear_page_size();
        filters.clear_page_token();
        auto key = DecodePageToken(request->page_token(), filters.SerializeAsString(), 2);
        std::optional<std::pair<std::string, std::string>> after;
        if (!key.ok() || (!key->empty() && !IsUuid((*key)[0]))) {
          v.Add("page_token", "is not a token of this listing");
        } else if (!key->empty()) {
          after = std::pair((*key)[0], (*key)[1]);
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto payer = PayerScope(p, filter);
        if (!payer.ok()) return payer.status();
        std::optional<std::pair<std::string, std::string>> last;
        auto payouts = RunStore::ListPayouts(conn, *payer, filter, *page_size, after, &last);
        if (!payouts.ok()) return payouts.status();
        call.Audit("payouts", !filter.home_id.empty() ? filter.home_id : request->payment_run_id());
        for (auto& payout : *payouts) *response->add_payouts() = std::move(payout);
        if (last) {
          response->set_next_page_token(
              EncodePageToken(filters.SerializeAsString(), {last->first, last->second}));
        }
        return absl::OkStatus();
      });
}

namespace {

// Fills `response` with a chunk of a file of an approved, paid or failed run of the caller;
// returns the file's facts (without content) for the fields particular to the file.
template <typename Request, typename Response>
absl::StatusOr<RunFile> ServeRunFile(server::CallContext& call, db::Connection& conn,
                                     const Request& request, Response& response, RunFileKind kind) {
  constexpr int kDefaultChunk = 1 << 20, kMaxChunk = 3 << 20;
  Violations v;
  if (!IsUuid(request.payment_run_id())) v.Add("payment_run_id", "must be a run id");
  if (request.offset() < 0 || request.offset() > std::numeric_limits<int32_t>::max()) {
    v.Add("offset", "must be 0 to 2 147 483 647");
  }
  if (request.max_bytes() < 0) v.Add("max_bytes", "must not be negative");
  if (auto st = v.ToStatus(); !st.ok()) return st;
  const int max_bytes =
      request.max_bytes() == 0 ? kDefaultChunk : std::min(request.max_bytes(), kMaxChunk);
  auto run = RunStore::Get(conn, request.payment_run_id());
  if (!run.ok()) return run.status();
  if (!PaysFor(call.principal(), run->municipality_id())) {
    return PermissionDenied("the run does not exist or is not the caller's");
  }
  auto chunk = RunStore::FileChunk(conn, run->payment_run_id(), kind, request.offset(), max_bytes);
  if (!chunk.ok()) return chunk.status();
  if (!*chunk) {
    return Error(absl::StatusCode::kFailedPrecondition, "INVALID_STATE",
                 "a run has its files once it is approved",
                 {{"state", v1::PaymentRunState_Name(run->state())}});
  }
  if (request.offset() > (*chunk)->total_size) {
    Violations beyond;
    beyond.Add("offset",
               absl::StrCat("is beyond the end of the file (", (*chunk)->total_size, " bytes)"));
    return beyond.ToStatus();
  }
  call.Audit(kRun, run->payment_run_id());
  const RunFile& f = (*chunk)->file;
  response.set_file_name(f.file_name);
  response.set_sha256(f.sha256);
  response.set_total_size_bytes((*chunk)->total_size);
  response.set_offset(request.offset());
  response.set_end_of_file(request.offset() + static_cast<int64_t>(f.content.size()) >=
                           (*chunk)->total_size);
  *response.mutable_create_time() = ToTimestamp((*chunk)->created);
  response.set_content(std::move((*chunk)->file.content));
  return std::move((*chunk)->file);
}

}  // namespace

grpc::ServerUnaryReactor* PaymentsHandlers::GetBankFile(grpc::CallbackServerContext* ctx,
                                                        const v1::GetBankFileRequest* request,
                                                        v1::GetBankFileResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetBankFile", .action = auth::Action::kWorkPaymentRuns}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto file = ServeRunFile(call, conn, *request, *response, RunFileKind::kBankFile);
        if (!file.ok()) return file.status();
        response->set_message_id(file->message_id);
        response->set_control_sum_ore(file->total_ore);
        response->set_number_of_transactions(file->item_count);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::GetFinanceExport(
    grpc::CallbackServerContext* ctx, const v1::GetFinanceExportRequest* request,
    v1::GetFinanceExportResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetFinanceExport", .action = auth::Action::kWorkPaymentRuns}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto file = ServeRunFile(call, conn, *request, *response, RunFileKind::kFinanceExport);
        if (!file.ok()) return file.status();
        response->set_row_count(file->item_count);
        response->set_amount_total_ore(file->total_ore);
        return absl::OkStatus();
      });
}

}  // namespace fhv::payments
