// RecruitmentHandlers: the applicant pipeline and its funnel report.

#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "common/validation/request.h"
#include "services/recruitment/src/domain/organisation.h"
#include "services/recruitment/src/grpc/recruitment_handlers.h"
#include "services/recruitment/src/storage/applicant_store.h"

namespace fhv::recruitment {
namespace {

constexpr char kApplicant[] = "applicant";

// The organisation whose applicants the caller may see: its own; the suite's own
// services may read any ("").
std::string OrgScope(const auth::Principal& p) {
  return p.org_kind == auth::OrgKind::kInternal ? "" : p.org_id;
}

// Adds the step's own details to `step` from `request`; INVALID_ARGUMENT if they are bad.
using Details = std::function<absl::Status(const server::CallContext&, StepRequest&)>;

template <typename Request, typename Response>
grpc::ServerUnaryReactor* ServeStep(server::Runtime& rt, grpc::CallbackServerContext* ctx,
                                    absl::string_view method, PipelineStep step,
                                    const Request* request, Response* response,
                                    Details details = nullptr) {
  return server::Serve(
      rt, ctx,
      {.method = method, .action = auth::Action::kStepApplicant, .kind = server::CallKind::kWrite},
      *request, response,
      [request, response, step, details](server::CallContext& call,
                                         db::Connection& conn) -> absl::Status {
        Violations v;
        if (!IsUuid(request->id())) v.Add("id", "must be an applicant id (a UUID)");
        if (request->etag().empty()) v.Add("etag", "is required: the applicant's current etag");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        StepRequest step_request{.id = request->id(),
                                 .org_id = call.principal().org_id,
                                 .etag = request->etag(),
                                 .step = step,
                                 .actor = call.principal().user};
        if (details) {
          if (auto st = details(call, step_request); !st.ok()) return st;
        }
        auto applicant = ApplicantStore::Step(conn, step_request, call.now());
        if (!applicant.ok()) return applicant.status();
        call.Audit(kApplicant, applicant->id());
        *response->mutable_applicant() = *std::move(applicant);
        return absl::OkStatus();
      });
}

}  // namespace

grpc::ServerUnaryReactor* RecruitmentHandlers::GetApplicant(grpc::CallbackServerContext* ctx,
                                                            const v1::GetApplicantRequest* request,
                                                            v1::GetApplicantResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetApplicant", .action = auth::Action::kReadApplicant}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = CheckUuid("id", request->id(), "an applicant"); !st.ok()) return st;
        auto applicant = ApplicantStore::Get(conn, request->id(), OrgScope(call.principal()));
        if (!applicant.ok()) return applicant.status();
        call.Audit(kApplicant, applicant->id());
        *response->mutable_applicant() = *std::move(applicant);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::ListApplicants(
    grpc::CallbackServerContext* ctx, const v1::ListApplicantsRequest* request,
    v1::ListApplicantsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListApplicants", .action = auth::Action::kReadApplicant}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (!v1::ApplicantState_IsValid(request->state())) v.Add("state", "is not a state");
        if (!v1::InterestSource_IsValid(request->source())) v.Add("source", "is not a source");
        validation::CheckText(v, "campaign_id", request->campaign_id(), 64, false);
        if (call.principal().org_kind == auth::OrgKind::kInternal) {
          v.Add("organisation", "listing needs the caller's own organisation");
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const std::string filters =
            absl::StrCat("applicants|", call.principal().org_id, "|", request->state(), "|",
                         request->source(), "|", request->campaign_id());
        auto after = DecodeTimeKey(request->page_token(), filters);
        if (!after.ok()) return after.status();
        auto page = ApplicantStore::List(conn, call.principal().org_id,
                                         {.state = request->state(),
                                          .source = request->source(),
                                          .campaign_id = request->campaign_id()},
                                         *page_size, *after);
        if (!page.ok()) return page.status();
        for (auto& applicant : page->applicants) {
          call.Audit(kApplicant, applicant.id());
          *response->add_applicants() = std::move(applicant);
        }
        if (page->last) {
          response->set_next_page_token(EncodeTimeKey(filters, *page->last));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::MarkApplicantContacted(
    grpc::CallbackServerContext* ctx, const v1::MarkApplicantContactedRequest* request,
    v1::MarkApplicantContactedResponse* response) {
  return ServeStep(rt_, ctx, "MarkApplicantContacted", PipelineStep::kContact, request, response);
}

grpc::ServerUnaryReactor* RecruitmentHandlers::RecordInfoMeeting(
    grpc::CallbackServerContext* ctx, const v1::RecordInfoMeetingRequest* request,
    v1::RecordInfoMeetingResponse* response) {
  return ServeStep(rt_, ctx, "RecordInfoMeeting", PipelineStep::kHoldInfoMeeting, request, response,
                   [request](const server::CallContext& call, StepRequest& step) -> absl::Status {
                     auto held = FromDate(request->held_on(), "held_on");
                     if (!held.ok()) return held.status();
                     if (*held > Today(call.now())) {
                       Violations v;
                       v.Add("held_on", "must not be after today");
                       return v.ToStatus();
                     }
                     step.info_meeting_on = *held;
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::RecordApplication(
    grpc::CallbackServerContext* ctx, const v1::RecordApplicationRequest* request,
    v1::RecordApplicationResponse* response) {
  return ServeStep(rt_, ctx, "RecordApplication", PipelineStep::kApply, request, response,
                   [request](const server::CallContext&, StepRequest& step) -> absl::Status {
                     Violations v;
                     if (request->assignments_size() == 0) {
                       v.Add("assignments", "must name at least one kind of assignment");
                     }
                     std::set<int> seen;
                     for (int i = 0; i < request->assignments_size(); ++i) {
                       const int kind = request->assignments(i);
                       if (kind == fhv::common::v1::ASSIGNMENT_KIND_UNSPECIFIED ||
                           !fhv::common::v1::AssignmentKind_IsValid(kind)) {
                         v.Add(absl::StrCat("assignments[", i, "]"), "is not a kind of assignment");
                       } else if (seen.insert(kind).second) {
                         step.applied_kinds.push_back(fhv::common::v1::AssignmentKind_Name(
                             static_cast<fhv::common::v1::AssignmentKind>(kind)));
                       }
                     }
                     return v.ToStatus();
                   });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::StartApplicantInvestigation(
    grpc::CallbackServerContext* ctx, const v1::StartApplicantInvestigationRequest* request,
    v1::StartApplicantInvestigationResponse* response) {
  return ServeStep(rt_, ctx, "StartApplicantInvestigation", PipelineStep::kStartInvestigation,
                   request, response);
}

grpc::ServerUnaryReactor* RecruitmentHandlers::WithdrawApplicant(
    grpc::CallbackServerContext* ctx, const v1::WithdrawApplicantRequest* request,
    v1::WithdrawApplicantResponse* response) {
  return ServeStep(rt_, ctx, "WithdrawApplicant", PipelineStep::kWithdraw, request, response,
                   [request](const server::CallContext&, StepRequest& step) -> absl::Status {
                     Violations v;
                     validation::CheckText(v, "reason", request->reason(), 1000, false);
                     step.reason = request->reason();
                     return v.ToStatus();
                   });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::GetFunnelReport(
    grpc::CallbackServerContext* ctx, const v1::GetFunnelReportRequest* request,
    v1::GetFunnelReportResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetFunnelReport", .action = auth::Action::kReadFunnel}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        const bool by_region = !request->region_id().empty();
        if (by_region == !request->municipality().empty()) {
          v.Add("municipality", "give exactly one of municipality and region_id");
        } else if (by_region && !IsRegionId(request->region_id())) {
          v.Add("region_id", "must be a region id");
        } else if (!by_region) {
          v.Check("municipality", validation::CheckKommunkod(request->municipality()));
        }
        auto from = FromDate(request->from(), "from");
        auto to = FromDate(request->to(), "to");
        if (!from.ok()) v.Add("from", "must be a date");
        if (!to.ok()) v.Add("to", "must be a date");
        if (from.ok() && to.ok() && *to < *from) v.Add("to", "must not be before from");
        if (auto st = v.ToStatus(); !st.ok()) return st;

        // A municipality reads its own funnel, and those of the regions it belongs to.
        std::vector<std::string> orgs{request->municipality()};
        if (by_region) {
          auto members = ApplicantStore::RegionMembers(conn, request->region_id());
          if (!members.ok()) return members.status();
          orgs = *std::move(members);
        }
        if (std::find(orgs.begin(), orgs.end(), call.principal().org_id) == orgs.end()) {
          return PermissionDenied("the caller may read only its own and its regions' funnels");
        }
        auto inputs =
            ApplicantStore::FunnelInputs(conn, orgs, StartOfDay(*from), StartOfDay(*to + 1));
        if (!inputs.ok()) return inputs.status();
        for (auto& row : Funnel(*inputs)) *response->add_rows() = std::move(row);
        return absl::OkStatus();
      });
}

}  // namespace fhv::recruitment
