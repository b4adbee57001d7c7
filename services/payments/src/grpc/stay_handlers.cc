// The handlers of contact families' stays.

#include <optional>

#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "services/payments/src/domain/agreement.h"
#include "services/payments/src/domain/stays.h"
#include "services/payments/src/grpc/payments_handlers.h"
#include "services/payments/src/storage/agreement_store.h"
#include "services/payments/src/storage/rate_store.h"
#include "services/payments/src/storage/stay_store.h"

namespace fhv::payments {
namespace {

constexpr char kStay[] = "contact_family_stay";
constexpr int kMaxStayDays = 92;

// The paying municipality's finance officers and case workers, or the home itself.
bool RecordsStaysOf(const auth::Principal& p, const v1::Agreement& a) {
  if (IsHome(p)) return p.org_id == a.home_id();
  return p.org_kind == auth::OrgKind::kMunicipality && p.org_id == a.paying_municipality_id() &&
         (p.HasRole("finance_officer") || p.HasRole("case_worker"));
}

}  // namespace

grpc::ServerUnaryReactor* PaymentsHandlers::RecordContactFamilyStay(
    grpc::CallbackServerContext* ctx, const v1::RecordContactFamilyStayRequest* request,
    v1::RecordContactFamilyStayResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "RecordContactFamilyStay",
       .action = auth::Action::kRecordStay,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        if (!IsUuid(request->agreement_id())) v.Add("agreement_id", "must be an agreement id");
        auto arrival = FromDate(request->arrival_date(), "arrival_date");
        if (!arrival.ok()) v.Check("arrival_date", arrival.status());
        auto departure = FromDate(request->departure_date(), "departure_date");
        if (!departure.ok()) v.Check("departure_date", departure.status());
        if (arrival.ok() && departure.ok()) {
          if (*departure < *arrival) {
            v.Add("departure_date", "is before the arrival");
          } else if (*departure - *arrival > kMaxStayDays) {
            v.Add("departure_date", absl::StrCat("is more than ", kMaxStayDays,
                                                 " days after the arrival: record it in parts"));
          }
          if (*departure > Today(call.now())) {
            v.Add("departure_date", "is in the future: record a stay once it has ended");
          }
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        // Locked, so that two overlapping stays recorded at once cannot both pass the check.
        auto a = AgreementStore::Lock(conn, request->agreement_id());
        if (!a.ok()) return a.status();
        if (!RecordsStaysOf(call.principal(), *a)) {
          return PermissionDenied("the agreement does not exist or is not the caller's");
        }
        if (a->assignment_kind() != fhv::common::v1::ASSIGNMENT_KIND_KONTAKTFAMILJ) {
          return FailedPrecondition("NOT_A_CONTACT_FAMILY",
                                    "stays are recorded for contact family agreements only");
        }
        const AgreementPeriod period = PeriodOf(*a);
        if (*arrival < period.valid_from || (period.valid_to && *departure > *period.valid_to)) {
          Violations outside;
          outside.Add("arrival_date", "the stay is not within the agreement's period");
          return outside.ToStatus();
        }
        auto overlaps = StayStore::Overlaps(conn, a->agreement_id(), *arrival,
                                            std::max(*departure, *arrival + 1));
        if (!overlaps.ok()) return overlaps.status();
        if (*overlaps) {
          return FailedPrecondition("STAY_OVERLAPS", "the stay overlaps a recorded stay");
        }
        v1::ContactFamilyStay stay;
        stay.set_stay_id(NewUuid());
        stay.set_agreement_id(a->agreement_id());
        *stay.mutable_arrival_date() = request->arrival_date();
        *stay.mutable_departure_date() = request->departure_date();
        stay.set_recorded_by_user_id(call.principal().user);
        *stay.mutable_create_time() = ToTimestamp(call.now());
        // Counted by the arrival year's table, as the run that pays it will.
        auto table = RateStore::Get(conn, static_cast<int>(arrival->year()));
        if (table.status().code() == absl::StatusCode::kNotFound) {
          return FailedPrecondition("RATE_TABLE_MISSING",
                                    absl::StrCat("there is no rate table for ", arrival->year()));
        }
        if (!table.ok()) return table.status();
        stay.set_counted_days_tenths(CountStay(*arrival, *departure, *table).days_tenths);
        if (auto st = StayStore::Insert(conn, stay, a->paying_municipality_id(), call.now());
            !st.ok()) {
          return st;
        }
        call.Audit(kStay, stay.stay_id());
        *response->mutable_stay() = std::move(stay);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PaymentsHandlers::ListContactFamilyStays(
    grpc::CallbackServerContext* ctx, const v1::ListContactFamilyStaysRequest* request,
    v1::ListContactFamilyStaysResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListContactFamilyStays", .action = auth::Action::kReadAgreements},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (!IsUuid(request->agreement_id())) v.Add("agreement_id", "must be an agreement id");
        std::optional<absl::CivilDay> from, to;
        if (request->has_from_date()) {
          auto d = FromDate(request->from_date(), "from_date");
          if (d.ok())
            from = *d;
          else
            v.Check("from_date", d.status());
        }
        if (request->has_to_date()) {
          auto d = FromDate(request->to_date(), "to_date");
          if (d.ok())
            to = *d;
          else
            v.Check("to_date", d.status());
        }
        v1::ListContactFamilyStaysRequest filters = *request;
        filters.clear_page_size();
        filters.clear_page_token();
        auto after = DecodeDayKey(request->page_token(), filters.SerializeAsString());
        if (!after.ok()) v.Add("page_token", "is not a token of this listing");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto a = AgreementStore::Get(conn, request->agreement_id());
        if (!a.ok()) return a.status();
        if (!MayReadAgreement(call.principal(), *a)) {
          return PermissionDenied("the agreement does not exist or is not the caller's");
        }
        auto stays = StayStore::List(conn, a->agreement_id(), from, to, *page_size, *after);
        if (!stays.ok()) return stays.status();
        const bool more = static_cast<int>(stays->size()) > *page_size;
        if (more) stays->pop_back();
        call.Audit(kStay, a->agreement_id());
        for (auto& s : *stays) *response->add_stays() = std::move(s);
        if (more) {
          const v1::ContactFamilyStay& last = *response->stays().rbegin();
          response->set_next_page_token(EncodeDayKey(
              filters.SerializeAsString(), {*DayOf(last.arrival_date()), last.stay_id()}));
        }
        return absl::OkStatus();
      });
}

}  // namespace fhv::payments
