#include "services/recruitment/src/grpc/recruitment_handlers.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/auth/policy.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "common/validation/request.h"
#include "fhv/recruitment/v1/events.pb.h"
#include "services/recruitment/src/domain/interest.h"
#include "services/recruitment/src/storage/interest_store.h"

namespace fhv::recruitment {
namespace {

constexpr char kInterest[] = "interest";

absl::CivilDay Today(absl::Time now) {
  // Dates of birth and the like are Swedish calendar dates.
  static const absl::TimeZone* sweden = [] {
    auto* tz = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Stockholm", tz)) *tz = absl::FixedTimeZone(3600);
    return tz;
  }();
  return absl::ToCivilDay(now, *sweden);
}

}  // namespace

grpc::ServerUnaryReactor* RecruitmentHandlers::SubmitInterest(
    grpc::CallbackServerContext* ctx, const v1::SubmitInterestRequest* request,
    v1::SubmitInterestResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "SubmitInterest",
       .action = auth::Action::kSubmitInterest,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        validation::CheckRequestId(v, "request_id", request->request_id());
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto valid = ValidateInterest(request->interest(), Today(call.now()));
        if (!valid.ok()) return valid.status();
        auto registered = InterestStore::Register(conn, *valid, call.principal(), call.now());
        if (!registered.ok()) return registered.status();
        call.Audit(kInterest, registered->interest.id());
        call.Audit("applicant", registered->interest.applicant_id());
        if (!registered->existing_applicant) {
          v1::ApplicantRegisteredEvent event;
          event.set_applicant_id(registered->interest.applicant_id());
          event.set_interest_id(registered->interest.id());
          *event.mutable_organisation() = registered->interest.receiving_organisation();
          *event.mutable_wanted_assignments() = registered->interest.wanted_assignments();
          call.Emit("applicant", registered->interest.applicant_id(), event);
        }
        *response->mutable_interest() = std::move(registered->interest);
        response->set_existing_applicant(registered->existing_applicant);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::GetInterest(grpc::CallbackServerContext* ctx,
                                                           const v1::GetInterestRequest* request,
                                                           v1::GetInterestResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetInterest", .action = auth::Action::kReadInterest}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (!IsUuid(request->id())) {
          Violations v;
          v.Add("id", "must be an interest id (a UUID)");
          return v.ToStatus();
        }
        auto interest = InterestStore::Get(conn, request->id(), call.principal().org_id);
        if (!interest.ok()) return interest.status();
        call.Audit(kInterest, interest->id());
        *response->mutable_interest() = *std::move(interest);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::ListInterests(
    grpc::CallbackServerContext* ctx, const v1::ListInterestsRequest* request,
    v1::ListInterestsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListInterests", .action = auth::Action::kReadInterest}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (!v1::InterestSource_IsValid(request->source())) v.Add("source", "is not a source");
        validation::CheckText(v, "campaign_id", request->campaign_id(), 64, false);
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const std::string filters = absl::StrCat(call.principal().org_id, "|", request->source(),
                                                 "|", request->campaign_id());
        auto key = DecodePageToken(request->page_token(), filters, 2);
        if (!key.ok()) return key.status();
        std::optional<std::pair<absl::Time, std::string>> after;
        if (!key->empty()) {
          int64_t micros = 0;
          if (!absl::SimpleAtoi((*key)[0], &micros) || !IsUuid((*key)[1])) {
            Violations bad;
            bad.Add("page_token", "is malformed");
            return bad.ToStatus();
          }
          after = std::make_pair(absl::FromUnixMicros(micros), (*key)[1]);
        }
        auto page = InterestStore::List(
            conn, call.principal().org_id,
            {.source = request->source(), .campaign_id = request->campaign_id()}, *page_size,
            after);
        if (!page.ok()) return page.status();
        for (auto& interest : page->interests) {
          call.Audit(kInterest, interest.id());
          *response->add_interests() = std::move(interest);
        }
        if (page->last) {
          response->set_next_page_token(EncodePageToken(
              filters,
              {std::to_string(absl::ToUnixMicros(page->last->first)), page->last->second}));
        }
        return absl::OkStatus();
      });
}

}  // namespace fhv::recruitment
