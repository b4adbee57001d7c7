#include "services/investigation/src/grpc/investigation_handlers.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/server/peers.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "common/validation/request.h"
#include "fhv/recruitment/v1/recruitment_service.grpc.pb.h"
#include "services/investigation/src/domain/events.h"
#include "services/investigation/src/domain/investigation.h"
#include "services/investigation/src/storage/investigation_store.h"

namespace fhv::investigation {
namespace {

constexpr char kInvestigation[] = "investigation";

Actor ActorOf(const server::CallContext& call) {
  return {.user = call.principal().user, .now = call.now(), .today = Today(call.now())};
}

// The organisation whose investigations the caller works on: its own; the suite's own
// services any ("").
std::string OrgScope(const auth::Principal& p) {
  return p.org_kind == auth::OrgKind::kInternal ? "" : p.org_id;
}

fhv::common::v1::OrganisationRef OrgOf(const auth::Principal& p) {
  fhv::common::v1::OrganisationRef ref;
  ref.set_id(p.org_id);
  ref.set_kind(p.org_kind == auth::OrgKind::kAgency
                   ? fhv::common::v1::ORGANISATION_KIND_AGENCY
                   : fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY);
  return ref;
}

// A list request's filters: the request without its page size and token.
template <typename ListRequest>
std::string Filters(ListRequest request) {
  request.clear_page_size();
  request.clear_page_token();
  return request.SerializeAsString();
}

// The organisation a list is for: the caller's own (or empty for it).
absl::StatusOr<std::string> ListOrg(const auth::Principal& p, const std::string& requested) {
  if (requested.empty() || requested == p.org_id) return p.org_id;
  return PermissionDenied("an organisation may list only its own investigations");
}

// Publishes what a decision or discontinuation of `inv` announces.
void EmitOutcome(server::CallContext& call, const v1::Investigation& inv) {
  const bool initial = inv.kind() == v1::INVESTIGATION_KIND_INITIAL;
  switch (inv.state()) {
    case v1::INVESTIGATION_STATE_APPROVED:
      if (initial) {
        call.Emit("applicant", inv.applicant_id(), ApprovedEvent(inv));
      } else {
        call.Emit("applicant", inv.applicant_id(), ApprovalUpdatedEvent(inv));
      }
      break;
    case v1::INVESTIGATION_STATE_REJECTED:
      if (initial) {
        call.Emit("applicant", inv.applicant_id(), RejectedEvent(inv));
      } else {
        call.Emit("applicant", inv.applicant_id(), RevokedEvent(inv));
      }
      break;
    case v1::INVESTIGATION_STATE_DISCONTINUED:
      call.Emit("applicant", inv.applicant_id(), DiscontinuedEvent(inv));
      break;
    default:
      break;
  }
}

// A change of one investigation: the domain verb `apply` runs on it under a row lock,
// after the etag check; the investigation is stored, audited and answered.
using Apply = std::function<absl::Status(server::CallContext&, db::Connection&, v1::Investigation&,
                                         const Actor&)>;

struct Verb {
  absl::string_view method;
  auth::Action action;
  const std::string& investigation_id;
  const std::string& etag;
  const std::string& request_id;
  // Creates of a step (a member, a check, a visit...) require a request_id.
  bool creates = false;
};

template <typename Response>
grpc::ServerUnaryReactor* ServeVerb(server::Runtime& rt, grpc::CallbackServerContext* ctx,
                                    const Verb& verb, const google::protobuf::Message& request,
                                    Response* response, Apply apply) {
  return server::Serve(
      rt, ctx,
      {.method = verb.method,
       .action = verb.action,
       .kind = server::CallKind::kWrite,
       .request_id = verb.request_id,
       .request_id_required = verb.creates},
      request, response,
      [id = verb.investigation_id, etag = verb.etag, response, apply = std::move(apply)](
          server::CallContext& call, db::Connection& conn) -> absl::Status {
        const bool service = call.principal().org_kind == auth::OrgKind::kInternal;
        Violations v;
        if (!IsUuid(id)) v.Add("investigation_id", "must be an investigation id (a UUID)");
        if (etag.empty() && !service) v.Add("etag", "is required: the investigation's etag");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto inv = InvestigationStore::Lock(conn, id, OrgScope(call.principal()));
        if (!inv.ok()) return inv.status();
        if (!etag.empty() && etag != inv->etag()) {
          return StaleEtag("investigation");
        }
        const Actor actor = ActorOf(call);
        if (auto st = apply(call, conn, *inv, actor); !st.ok()) return st;
        if (auto st = InvestigationStore::Update(conn, *inv, call.now()); !st.ok()) return st;
        call.Audit(kInvestigation, id);
        EmitOutcome(call, *inv);
        Derive(*inv, actor.today);
        *response->mutable_investigation() = *std::move(inv);
        return absl::OkStatus();
      });
}

// Fetches the applicant from the recruitment service. NOT_FOUND if it does not exist or
// belongs to another organisation than `org_id`; UNAVAILABLE if recruitment cannot answer.
absl::StatusOr<fhv::recruitment::v1::Applicant> FetchApplicant(server::Runtime& rt,
                                                               const server::CallContext& call,
                                                               const std::string& applicant_id,
                                                               const std::string& org_id) {
  if (rt.peers == nullptr) return Unavailable("PEER_NOT_CONFIGURED", "no peers configured");
  auto channel = rt.peers->Channel("recruitment");
  if (!channel.ok()) return channel.status();
  auto stub = fhv::recruitment::v1::RecruitmentService::NewStub(*channel);
  fhv::recruitment::v1::GetApplicantRequest req;
  req.set_id(applicant_id);
  fhv::recruitment::v1::GetApplicantResponse resp;
  const grpc::Status st =
      stub->GetApplicant(rt.peers->Context(call.request_id()).get(), req, &resp);
  const auto not_found = Error(absl::StatusCode::kNotFound, "APPLICANT_NOT_FOUND",
                               "the recruitment service has no such applicant for the "
                               "investigating organisation");
  switch (st.error_code()) {
    case grpc::StatusCode::OK:
      break;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::NOT_FOUND:
      return not_found;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return Unavailable("RECRUITMENT_UNAVAILABLE",
                         "the recruitment service could not be reached; retry");
    default:
      // A misconfiguration between the services (e.g. a refused service token).
      return absl::InternalError(absl::StrCat(
          "recruitment answered ", static_cast<int>(st.error_code()), ": ", st.error_message()));
  }
  if (resp.applicant().organisation().id() != org_id) return not_found;
  return resp.applicant();
}

}  // namespace

grpc::ServerUnaryReactor* InvestigationHandlers::OpenInvestigation(
    grpc::CallbackServerContext* ctx, const v1::OpenInvestigationRequest* request,
    v1::OpenInvestigationResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "OpenInvestigation",
       .action = auth::Action::kOpenInvestigation,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [this, request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        if (!IsUuid(request->applicant_id())) v.Add("applicant_id", "must be an applicant id");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const auth::Principal& caller = call.principal();
        if (!request->organisation().id().empty() &&
            request->organisation().id() != caller.org_id) {
          return PermissionDenied("an organisation may open investigations only for itself");
        }
        auto applicant = FetchApplicant(rt_, call, request->applicant_id(), caller.org_id);
        if (!applicant.ok()) return applicant.status();
        // Recruitment learns of decisions through events; this service knows at once.
        auto decided = InvestigationStore::DecidedInitial(conn, request->applicant_id());
        if (!decided.ok()) return decided.status();
        if (*decided) {
          return Error(absl::StatusCode::kFailedPrecondition, "APPLICANT_NOT_INVESTIGABLE",
                       "the applicant's investigation is already decided",
                       {{"investigation_state", **decided}});
        }
        std::vector<std::string> member_ids;
        for (int i = 0; i < applicant->adults_size(); ++i) member_ids.push_back(NewUuid());
        OpenSpec spec{.investigation_id = NewUuid(),
                      .organisation = OrgOf(caller),
                      .investigator_user_id = request->investigator_user_id(),
                      .method = request->method(),
                      .require_training = request->require_training()};
        for (int k : request->assignment_kinds()) {
          spec.assignment_kinds.push_back(static_cast<fhv::common::v1::AssignmentKind>(k));
        }
        auto inv = OpenInitial(spec, *applicant, member_ids, ActorOf(call));
        if (!inv.ok()) return inv.status();
        if (auto st = InvestigationStore::Insert(conn, *inv, call.now()); !st.ok()) return st;
        inv->set_etag("1");
        call.Audit(kInvestigation, inv->investigation_id());
        call.Audit("applicant", inv->applicant_id());
        call.Emit("applicant", inv->applicant_id(), OpenedEvent(*inv));
        Derive(*inv, Today(call.now()));
        *response->mutable_investigation() = *std::move(inv);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::OpenFollowUpInvestigation(
    grpc::CallbackServerContext* ctx, const v1::OpenFollowUpInvestigationRequest* request,
    v1::OpenFollowUpInvestigationResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "OpenFollowUpInvestigation",
       .action = auth::Action::kOpenInvestigation,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        if (!IsUuid(request->home_id())) v.Add("home_id", "must be a home id");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto latest = InvestigationStore::LatestDecided(conn, request->home_id());
        if (!latest.ok()) return latest.status();
        if (!*latest || (*latest)->org_id != call.principal().org_id) {
          return Error(absl::StatusCode::kNotFound, "HOME_NOT_FOUND",
                       "the caller's organisation holds no such home");
        }
        FollowUpSpec spec{.investigation_id = NewUuid(),
                          .reason = request->reason(),
                          .description = request->description(),
                          .investigator_user_id = request->investigator_user_id(),
                          .method = request->method(),
                          .require_training = request->require_training()};
        for (int k : request->assignment_kinds()) {
          spec.assignment_kinds.push_back(static_cast<fhv::common::v1::AssignmentKind>(k));
        }
        auto inv = OpenFollowUp(spec, (*latest)->investigation, ActorOf(call));
        if (!inv.ok()) return inv.status();
        if (auto st = InvestigationStore::Insert(conn, *inv, call.now()); !st.ok()) return st;
        inv->set_etag("1");
        call.Audit(kInvestigation, inv->investigation_id());
        call.Emit("applicant", inv->applicant_id(), OpenedEvent(*inv));
        Derive(*inv, Today(call.now()));
        *response->mutable_investigation() = *std::move(inv);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::GetInvestigation(
    grpc::CallbackServerContext* ctx, const v1::GetInvestigationRequest* request,
    v1::GetInvestigationResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetInvestigation", .action = auth::Action::kReadInvestigation},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st =
                CheckUuid("investigation_id", request->investigation_id(), "an investigation");
            !st.ok()) {
          return st;
        }
        auto inv =
            InvestigationStore::Get(conn, request->investigation_id(), OrgScope(call.principal()));
        if (!inv.ok()) return inv.status();
        call.Audit(kInvestigation, inv->investigation_id());
        Derive(*inv, Today(call.now()));
        *response->mutable_investigation() = *std::move(inv);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::ListInvestigations(
    grpc::CallbackServerContext* ctx, const v1::ListInvestigationsRequest* request,
    v1::ListInvestigationsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListInvestigations", .action = auth::Action::kReadInvestigation},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        auto org = ListOrg(call.principal(), request->organisation_id());
        if (!org.ok()) return org.status();
        Violations v;
        ListFilter filter;
        for (int i = 0; i < request->states_size(); ++i) {
          const auto s = request->states(i);
          if (s == v1::INVESTIGATION_STATE_UNSPECIFIED || !v1::InvestigationState_IsValid(s)) {
            v.Add(absl::StrCat("states[", i, "]"), "is not a state");
          } else {
            filter.states.push_back(v1::InvestigationState_Name(s));
          }
        }
        if (!v1::InvestigationKind_IsValid(request->kind())) v.Add("kind", "is not a kind");
        if (request->kind() != v1::INVESTIGATION_KIND_UNSPECIFIED) {
          filter.kind = v1::InvestigationKind_Name(request->kind());
        }
        if (request->min_days_open() < 0) v.Add("min_days_open", "must not be negative");
        if (!request->home_id().empty() && !IsUuid(request->home_id())) {
          v.Add("home_id", "must be a home id");
        }
        validation::CheckText(v, "investigator_user_id", request->investigator_user_id(), 128,
                              false);
        validation::CheckText(v, "applicant_id", request->applicant_id(), 64, false);
        if (auto st = v.ToStatus(); !st.ok()) return st;
        filter.investigator = request->investigator_user_id();
        filter.applicant_id = request->applicant_id();
        filter.home_id = request->home_id();
        const absl::CivilDay today = Today(call.now());
        if (request->min_days_open() > 0) filter.opened_by = today - request->min_days_open();
        // Undecided investigations open long enough; min_days_open counts to today.
        if (request->min_days_open() > 0 && filter.states.empty()) {
          filter.states = {"INVESTIGATION_STATE_OPEN", "INVESTIGATION_STATE_IN_PROGRESS",
                           "INVESTIGATION_STATE_READY_FOR_DECISION"};
        }
        const std::string filters = absl::StrCat("investigations|", *org, "|", Filters(*request));
        auto after = DecodeTimeKey(request->page_token(), filters);
        if (!after.ok()) return after.status();
        auto page = InvestigationStore::List(conn, *org, filter, *page_size, *after);
        if (!page.ok()) return page.status();
        for (auto& inv : page->investigations) {
          call.Audit(kInvestigation, inv.investigation_id());
          Derive(inv, today);
          *response->add_investigations() = std::move(inv);
        }
        if (page->last) response->set_next_page_token(EncodeTimeKey(filters, *page->last));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::AssignInvestigator(
    grpc::CallbackServerContext* ctx, const v1::AssignInvestigatorRequest* request,
    v1::AssignInvestigatorResponse* response) {
  return ServeVerb(
      rt_, ctx,
      {"AssignInvestigator", auth::Action::kAssignInvestigator, request->investigation_id(),
       request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::Investigation& inv, const Actor& actor) {
        return fhv::investigation::AssignInvestigator(inv, request->investigator_user_id(), actor);
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::StartInvestigation(
    grpc::CallbackServerContext* ctx, const v1::StartInvestigationRequest* request,
    v1::StartInvestigationResponse* response) {
  return ServeVerb(rt_, ctx,
                   {"StartInvestigation", auth::Action::kWorkInvestigation,
                    request->investigation_id(), request->etag(), request->request_id()},
                   *request, response,
                   [](server::CallContext&, db::Connection&, v1::Investigation& inv,
                      const Actor& actor) { return Start(inv, actor); });
}

grpc::ServerUnaryReactor* InvestigationHandlers::AddHouseholdMember(
    grpc::CallbackServerContext* ctx, const v1::AddHouseholdMemberRequest* request,
    v1::AddHouseholdMemberResponse* response) {
  return ServeVerb(rt_, ctx,
                   {"AddHouseholdMember", auth::Action::kRecordInvestigationStep,
                    request->investigation_id(), request->etag(), request->request_id(),
                    /*creates=*/true},
                   *request, response,
                   [request, response](server::CallContext&, db::Connection&,
                                       v1::Investigation& inv, const Actor& actor) {
                     const std::string id = NewUuid();
                     response->set_member_id(id);
                     return AddMember(inv, request->member(), id, actor);
                   });
}

grpc::ServerUnaryReactor* InvestigationHandlers::RemoveHouseholdMember(
    grpc::CallbackServerContext* ctx, const v1::RemoveHouseholdMemberRequest* request,
    v1::RemoveHouseholdMemberResponse* response) {
  return ServeVerb(
      rt_, ctx,
      {"RemoveHouseholdMember", auth::Action::kRecordInvestigationStep, request->investigation_id(),
       request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::Investigation& inv, const Actor& actor) {
        return RemoveMember(inv, request->member_id(), request->reason(), actor);
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::UpdateHomeProfile(
    grpc::CallbackServerContext* ctx, const v1::UpdateHomeProfileRequest* request,
    v1::UpdateHomeProfileResponse* response) {
  return ServeVerb(
      rt_, ctx,
      {"UpdateHomeProfile", auth::Action::kRecordInvestigationStep, request->investigation_id(),
       request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::Investigation& inv, const Actor& actor) {
        const std::vector<std::string> paths(request->update_mask().paths().begin(),
                                             request->update_mask().paths().end());
        return fhv::investigation::UpdateHomeProfile(inv, request->home_profile(), paths, actor);
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::RequestRegisterCheck(
    grpc::CallbackServerContext* ctx, const v1::RequestRegisterCheckRequest* request,
    v1::RequestRegisterCheckResponse* response) {
  return ServeVerb(rt_, ctx,
                   {"RequestRegisterCheck", auth::Action::kRecordInvestigationStep,
                    request->investigation_id(), request->etag(), request->request_id(),
                    /*creates=*/true},
                   *request, response,
                   [request, response](server::CallContext&, db::Connection&,
                                       v1::Investigation& inv, const Actor& actor) {
                     const std::string id = NewUuid();
                     response->set_register_check_id(id);
                     return fhv::investigation::RequestRegisterCheck(
                         inv, request->member_id(), request->register_(), request->requested_date(),
                         id, actor);
                   });
}

grpc::ServerUnaryReactor* InvestigationHandlers::RecordRegisterCheckAnswer(
    grpc::CallbackServerContext* ctx, const v1::RecordRegisterCheckAnswerRequest* request,
    v1::RecordRegisterCheckAnswerResponse* response) {
  return ServeVerb(rt_, ctx,
                   {"RecordRegisterCheckAnswer", auth::Action::kRecordInvestigationStep,
                    request->investigation_id(), request->etag(), request->request_id()},
                   *request, response,
                   [request](server::CallContext&, db::Connection& conn, v1::Investigation& inv,
                             const Actor& actor) -> absl::Status {
                     if (auto st = AnswerRegisterCheck(inv, request->register_check_id(),
                                                       request->answered_date(), request->outcome(),
                                                       request->note(), actor);
                         !st.ok()) {
                       return st;
                     }
                     if (request->note().empty()) return absl::OkStatus();
                     // Stored apart from the investigation; never logged, never returned here.
                     return InvestigationStore::PutNote(conn, request->register_check_id(),
                                                        inv.investigation_id(), request->note());
                   });
}

grpc::ServerUnaryReactor* InvestigationHandlers::GetRegisterCheckNote(
    grpc::CallbackServerContext* ctx, const v1::GetRegisterCheckNoteRequest* request,
    v1::GetRegisterCheckNoteResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetRegisterCheckNote", .action = auth::Action::kReadRegisterNote},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        // Every attempt is audited with its purpose, also one that is refused below.
        call.AuditAttempt("register_note", request->register_check_id(), request->purpose());
        Violations v;
        if (!IsUuid(request->investigation_id())) v.Add("investigation_id", "must be an id");
        if (!IsUuid(request->register_check_id())) v.Add("register_check_id", "must be an id");
        validation::CheckText(v, "purpose", request->purpose(), 1000, true);
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const auth::Principal& caller = call.principal();
        if (!caller.HasRole("investigator") && !caller.HasRole("investigation_decider")) {
          return PermissionDenied(
              "only the investigating organisation's investigators and deciders read notes");
        }
        auto inv = InvestigationStore::Get(conn, request->investigation_id(), caller.org_id);
        if (!inv.ok()) return inv.status();
        const v1::RegisterCheck* check = nullptr;
        for (const auto& c : inv->register_checks()) {
          if (c.register_check_id() == request->register_check_id()) check = &c;
        }
        if (check == nullptr || check->outcome() != v1::REGISTER_CHECK_OUTCOME_REMARKS) {
          return Error(absl::StatusCode::kNotFound, "NOTE_NOT_FOUND",
                       "the register check does not exist or has no note");
        }
        auto note =
            InvestigationStore::GetNote(conn, check->register_check_id(), inv->investigation_id());
        if (!note.ok()) return note.status();
        response->set_register_check_id(check->register_check_id());
        response->set_register_(check->register_());
        response->set_outcome(check->outcome());
        response->set_note(*std::move(note));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::ListOverdueRegisterChecks(
    grpc::CallbackServerContext* ctx, const v1::ListOverdueRegisterChecksRequest* request,
    v1::ListOverdueRegisterChecksResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListOverdueRegisterChecks", .action = auth::Action::kReadInvestigation},
      *request, response,
      [this, request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        auto org = ListOrg(call.principal(), request->organisation_id());
        if (!org.ok()) return org.status();
        Violations v;
        if (request->unanswered_for_days() < 0) {
          v.Add("unanswered_for_days", "must not be negative");
        }
        for (int i = 0; i < request->registers_size(); ++i) {
          const auto r = request->registers(i);
          if (r == v1::REGISTER_KIND_UNSPECIFIED || !v1::RegisterKind_IsValid(r)) {
            v.Add(absl::StrCat("registers[", i, "]"), "is not a register");
          }
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const int threshold = request->unanswered_for_days() > 0
                                  ? request->unanswered_for_days()
                                  : settings_.overdue_register_check_days;
        response->set_unanswered_for_days(threshold);
        const std::string filters = absl::StrCat("overdue|", *org, "|", Filters(*request));
        auto key = DecodePageToken(request->page_token(), filters, 2);
        if (!key.ok()) return key.status();
        int after_days = 0;
        if (!key->empty() && !absl::SimpleAtoi((*key)[0], &after_days)) {
          Violations bad;
          bad.Add("page_token", "is malformed");
          return bad.ToStatus();
        }
        auto undecided = InvestigationStore::Undecided(conn, *org);
        if (!undecided.ok()) return undecided.status();
        const absl::CivilDay today = Today(call.now());
        std::vector<v1::OverdueRegisterCheck> overdue;
        for (auto& s : *undecided) {
          v1::Investigation& inv = s.investigation;
          if (!request->investigator_user_id().empty() &&
              inv.investigator_user_id() != request->investigator_user_id()) {
            continue;
          }
          Derive(inv, today);
          for (const auto& c : inv.register_checks()) {
            if (c.outcome() != v1::REGISTER_CHECK_OUTCOME_UNSPECIFIED ||
                c.days_waiting() < threshold) {
              continue;
            }
            if (!request->registers().empty() &&
                std::find(request->registers().begin(), request->registers().end(),
                          c.register_()) == request->registers().end()) {
              continue;
            }
            auto& o = overdue.emplace_back();
            o.set_investigation_id(inv.investigation_id());
            o.set_investigator_user_id(inv.investigator_user_id());
            *o.mutable_register_check() = c;
            for (const auto& m : inv.household()) {
              if (m.member_id() == c.member_id()) *o.mutable_member_name() = m.name();
            }
          }
        }
        // Longest waiting first; ties by check id.
        std::sort(overdue.begin(), overdue.end(), [](const auto& a, const auto& b) {
          if (a.register_check().days_waiting() != b.register_check().days_waiting()) {
            return a.register_check().days_waiting() > b.register_check().days_waiting();
          }
          return a.register_check().register_check_id() < b.register_check().register_check_id();
        });
        auto begin = overdue.begin();
        if (!key->empty()) {
          const std::string& after_id = (*key)[1];
          begin = std::find_if(overdue.begin(), overdue.end(), [&](const auto& o) {
            const int d = o.register_check().days_waiting();
            return d < after_days ||
                   (d == after_days && o.register_check().register_check_id() > after_id);
          });
        }
        const auto end = overdue.end() - begin > *page_size ? begin + *page_size : overdue.end();
        for (auto it = begin; it != end; ++it) {
          call.Audit(kInvestigation, it->investigation_id());
          *response->add_overdue_checks() = *it;
        }
        if (end != overdue.end() && end != begin) {
          const auto& last = (end - 1)->register_check();
          response->set_next_page_token(EncodePageToken(
              filters, {std::to_string(last.days_waiting()), last.register_check_id()}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::RecordHomeVisit(
    grpc::CallbackServerContext* ctx, const v1::RecordHomeVisitRequest* request,
    v1::RecordHomeVisitResponse* response) {
  return ServeVerb(rt_, ctx,
                   {"RecordHomeVisit", auth::Action::kRecordInvestigationStep,
                    request->investigation_id(), request->etag(), request->request_id(),
                    /*creates=*/true},
                   *request, response,
                   [request, response](server::CallContext&, db::Connection&,
                                       v1::Investigation& inv, const Actor& actor) {
                     const std::string id = NewUuid();
                     response->set_home_visit_id(id);
                     return fhv::investigation::RecordHomeVisit(inv, request->home_visit(), id,
                                                                actor);
                   });
}

grpc::ServerUnaryReactor* InvestigationHandlers::RecordInterview(
    grpc::CallbackServerContext* ctx, const v1::RecordInterviewRequest* request,
    v1::RecordInterviewResponse* response) {
  return ServeVerb(rt_, ctx,
                   {"RecordInterview", auth::Action::kRecordInvestigationStep,
                    request->investigation_id(), request->etag(), request->request_id(),
                    /*creates=*/true},
                   *request, response,
                   [request, response](server::CallContext&, db::Connection&,
                                       v1::Investigation& inv, const Actor& actor) {
                     const std::string id = NewUuid();
                     response->set_interview_id(id);
                     return fhv::investigation::RecordInterview(inv, request->interview(), id,
                                                                actor);
                   });
}

grpc::ServerUnaryReactor* InvestigationHandlers::RecordReference(
    grpc::CallbackServerContext* ctx, const v1::RecordReferenceRequest* request,
    v1::RecordReferenceResponse* response) {
  return ServeVerb(rt_, ctx,
                   {"RecordReference", auth::Action::kRecordInvestigationStep,
                    request->investigation_id(), request->etag(), request->request_id(),
                    /*creates=*/true},
                   *request, response,
                   [request, response](server::CallContext&, db::Connection&,
                                       v1::Investigation& inv, const Actor& actor) {
                     const std::string id = NewUuid();
                     response->set_reference_id(id);
                     return fhv::investigation::RecordReference(inv, request->reference(), id,
                                                                actor);
                   });
}

grpc::ServerUnaryReactor* InvestigationHandlers::RecordTraining(
    grpc::CallbackServerContext* ctx, const v1::RecordTrainingRequest* request,
    v1::RecordTrainingResponse* response) {
  return ServeVerb(rt_, ctx,
                   {"RecordTraining", auth::Action::kRecordInvestigationStep,
                    request->investigation_id(), request->etag(), request->request_id(),
                    /*creates=*/true},
                   *request, response,
                   [request, response](server::CallContext&, db::Connection&,
                                       v1::Investigation& inv, const Actor& actor) {
                     const std::string id = NewUuid();
                     response->set_training_id(id);
                     return fhv::investigation::RecordTraining(inv, request->training(), id, actor);
                   });
}

grpc::ServerUnaryReactor* InvestigationHandlers::UpdateTrainingProgress(
    grpc::CallbackServerContext* ctx, const v1::UpdateTrainingProgressRequest* request,
    v1::UpdateTrainingProgressResponse* response) {
  return ServeVerb(
      rt_, ctx,
      {"UpdateTrainingProgress", auth::Action::kRecordInvestigationStep,
       request->investigation_id(), request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::Investigation& inv, const Actor& actor) {
        return fhv::investigation::UpdateTrainingProgress(inv, request->training_id(),
                                                          request->sessions_attended(),
                                                          request->completed_date(), actor);
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::MarkReadyForDecision(
    grpc::CallbackServerContext* ctx, const v1::MarkReadyForDecisionRequest* request,
    v1::MarkReadyForDecisionResponse* response) {
  return ServeVerb(
      rt_, ctx,
      {"MarkReadyForDecision", auth::Action::kRecordInvestigationStep, request->investigation_id(),
       request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::Investigation& inv, const Actor& actor) {
        return fhv::investigation::MarkReadyForDecision(inv, request->recommendation(), actor);
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::ReturnForCompletion(
    grpc::CallbackServerContext* ctx, const v1::ReturnForCompletionRequest* request,
    v1::ReturnForCompletionResponse* response) {
  return ServeVerb(
      rt_, ctx,
      {"ReturnForCompletion", auth::Action::kDecideInvestigation, request->investigation_id(),
       request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::Investigation& inv, const Actor& actor) {
        return fhv::investigation::ReturnForCompletion(inv, request->reason(), actor);
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::ApproveInvestigation(
    grpc::CallbackServerContext* ctx, const v1::ApproveInvestigationRequest* request,
    v1::ApproveInvestigationResponse* response) {
  return ServeVerb(
      rt_, ctx,
      {"ApproveInvestigation", auth::Action::kDecideInvestigation, request->investigation_id(),
       request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::Investigation& inv, const Actor& actor) {
        return Approve(inv, request->scope(), request->decision_date(), request->reason(),
                       request->next_follow_up_due_date(), NewUuid(), actor);
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::RejectInvestigation(
    grpc::CallbackServerContext* ctx, const v1::RejectInvestigationRequest* request,
    v1::RejectInvestigationResponse* response) {
  return ServeVerb(
      rt_, ctx,
      {"RejectInvestigation", auth::Action::kDecideInvestigation, request->investigation_id(),
       request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::Investigation& inv, const Actor& actor) {
        return Reject(inv, request->decision_date(), request->reason(), actor);
      });
}

grpc::ServerUnaryReactor* InvestigationHandlers::DiscontinueInvestigation(
    grpc::CallbackServerContext* ctx, const v1::DiscontinueInvestigationRequest* request,
    v1::DiscontinueInvestigationResponse* response) {
  return ServeVerb(
      rt_, ctx,
      {"DiscontinueInvestigation", auth::Action::kDiscontinueInvestigation,
       request->investigation_id(), request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::Investigation& inv, const Actor& actor) {
        return Discontinue(inv, request->reason(), request->note(), request->discontinued_date(),
                           actor);
      });
}

}  // namespace fhv::investigation
