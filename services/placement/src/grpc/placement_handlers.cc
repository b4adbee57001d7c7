#include "services/placement/src/grpc/placement_handlers.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/server/peers.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "common/validation/request.h"
#include "fhv/recruitment/v1/recruitment_service.grpc.pb.h"
#include "services/placement/src/domain/clocks.h"
#include "services/placement/src/domain/events.h"
#include "services/placement/src/domain/request.h"
#include "services/placement/src/storage/placement_store.h"

namespace fhv::placement {
namespace {

namespace rv1 = ::fhv::recruitment::v1;
using fhv::common::v1::ORGANISATION_KIND_AGENCY;
using fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY;

constexpr char kRequest[] = "placement_request";
constexpr char kPlacement[] = "placement";

Actor ActorOf(const server::CallContext& call) {
  return {.caller = call.principal(), .now = call.now(), .today = Today(call.now())};
}

// A list request's filters: the request without its page size and token.
template <typename ListRequest>
std::string Filters(ListRequest request) {
  request.clear_page_size();
  request.clear_page_token();
  return request.SerializeAsString();
}

// The same answer for a request that does not exist and one the caller may not see.
absl::Status NotVisible(absl::string_view what) {
  return PermissionDenied(absl::StrCat("the ", what, " does not exist or is not the caller's"));
}

// Maps a failed call to recruitment: UNAVAILABLE for what a retry may cure.
absl::Status FromRecruitment(const grpc::Status& st) {
  switch (st.error_code()) {
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
}

absl::StatusOr<std::unique_ptr<rv1::RecruitmentService::Stub>> Recruitment(server::Runtime& rt) {
  if (rt.peers == nullptr) return Unavailable("PEER_NOT_CONFIGURED", "no peers configured");
  auto channel = rt.peers->Channel("recruitment");
  if (!channel.ok()) return channel.status();
  return rv1::RecruitmentService::NewStub(*channel);
}

// The organisation `id` as recruitment knows it; nullopt if it does not.
absl::StatusOr<std::optional<rv1::Organisation>> FetchOrganisation(server::Runtime& rt,
                                                                   const server::CallContext& call,
                                                                   const std::string& id) {
  auto stub = Recruitment(rt);
  if (!stub.ok()) return stub.status();
  rv1::GetOrganisationRequest req;
  req.set_id(id);
  rv1::GetOrganisationResponse resp;
  const grpc::Status st =
      (*stub)->GetOrganisation(rt.peers->Context(call.request_id()).get(), req, &resp);
  if (st.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
  if (!st.ok()) return FromRecruitment(st);
  return resp.organisation();
}

// Recruitment's evaluation of `home_ids` for the request's child (or group), as the
// addressee sees the homes.
absl::StatusOr<std::vector<rv1::HomeEvaluation>> EvaluateHomes(
    server::Runtime& rt, const server::CallContext& call, const v1::PlacementRequest& r,
    const Group& group, const std::vector<std::string>& home_ids) {
  auto stub = Recruitment(rt);
  if (!stub.ok()) return stub.status();
  rv1::EvaluateHomesRequest req;
  *req.mutable_needs() = NeedsOf(r, group);
  *req.mutable_on_behalf_of() = r.addressee();
  for (const auto& id : home_ids) req.add_home_ids(id);
  rv1::EvaluateHomesResponse resp;
  const grpc::Status st =
      (*stub)->EvaluateHomes(rt.peers->Context(call.request_id()).get(), req, &resp);
  if (st.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return FailedPrecondition(
        "MATCH_NEEDS_REJECTED",
        absl::StrCat("recruitment cannot match this request: ", st.error_message()));
  }
  if (!st.ok()) return FromRecruitment(st);
  if (resp.evaluations_size() != static_cast<int>(home_ids.size())) {
    return absl::InternalError("recruitment answered for other homes than asked");
  }
  return std::vector<rv1::HomeEvaluation>(resp.evaluations().begin(), resp.evaluations().end());
}

// The child and the siblings to be placed with it that are not yet placed, approved or
// closed, with their ages on the wanted start date.
absl::StatusOr<Group> GroupOf(db::Connection& conn, const v1::PlacementRequest& r) {
  const absl::CivilDay on = *DayOf(r.wanted_start_date());
  const int age = AgeOn(r.child().birth_date(), on);
  Group g{.children = 1, .youngest_age = age, .oldest_age = age};
  if (!r.place_with_siblings() || r.sibling_group_id().empty()) return g;
  auto siblings = PlacementStore::Siblings(conn, r.sibling_group_id());
  if (!siblings.ok()) return siblings.status();
  for (const auto& s : *siblings) {
    if (s.placement_request_id() == r.placement_request_id() || !s.place_with_siblings()) continue;
    switch (s.state()) {
      case v1::PLACEMENT_REQUEST_STATE_APPROVED:
      case v1::PLACEMENT_REQUEST_STATE_PLACED:
      case v1::PLACEMENT_REQUEST_STATE_ENDED:
      case v1::PLACEMENT_REQUEST_STATE_WITHDRAWN:
        continue;
      default:
        break;
    }
    const int a = AgeOn(s.child().birth_date(), on);
    ++g.children;
    g.youngest_age = std::min(g.youngest_age, a);
    g.oldest_age = std::max(g.oldest_age, a);
  }
  return g;
}

using ApplyRequest = std::function<absl::Status(server::CallContext&, db::Connection&,
                                                v1::PlacementRequest&, const Actor&)>;

struct Verb {
  absl::string_view method;
  auth::Action action;
  const std::string& id;
  const std::string& etag;
  const std::string& request_id;
  bool creates = false;  // a step that adds a part (a statement, a visit) needs a request_id
};

// A change of one request: `apply` runs on it under a row lock after the etag check; the
// request is stored, audited and answered as the caller may see it.
template <typename Response>
grpc::ServerUnaryReactor* ServeVerb(server::Runtime& rt, PlacementMetrics& metrics,
                                    grpc::CallbackServerContext* ctx, const Verb& verb,
                                    const google::protobuf::Message& request, Response* response,
                                    ApplyRequest apply) {
  return server::Serve(
      rt, ctx,
      {.method = verb.method,
       .action = verb.action,
       .kind = server::CallKind::kWrite,
       .request_id = verb.request_id,
       .request_id_required = verb.creates},
      request, response,
      [&metrics, id = verb.id, etag = verb.etag, response, apply = std::move(apply)](
          server::CallContext& call, db::Connection& conn) -> absl::Status {
        Violations v;
        if (!IsUuid(id)) v.Add("placement_request_id", "must be a placement request id");
        if (etag.empty()) v.Add("etag", "is required: the request's etag as last read");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto r = PlacementStore::LockRequest(conn, id);
        if (!r.ok()) return r.status();
        if (ViewOf(call.principal(), *r) == View::kNone) return NotVisible("placement request");
        if (etag != r->etag()) {
          return StaleEtag("request");
        }
        const v1::PlacementRequestState before = r->state();
        const absl::Time since = FromTimestamp(r->transitions().rbegin()->time());
        const Actor actor = ActorOf(call);
        if (auto st = apply(call, conn, *r, actor); !st.ok()) return st;
        *r->mutable_update_time() = ToTimestamp(call.now());
        if (auto st = PlacementStore::UpdateRequest(conn, *r, call.now()); !st.ok()) {
          return st;
        }
        if (r->state() != before) {
          conn.OnCommit(
              [&metrics, before, spent = call.now() - since] { metrics.LeftState(before, spent); });
        }
        call.Audit(kRequest, id);
        *response->mutable_placement_request() = Shown(*r, ViewOf(call.principal(), *r));
        return absl::OkStatus();
      });
}

// The placement with its deadlines as of today; the rules they were computed with.
absl::StatusOr<std::vector<v1::StatutoryClockRule>> WithDeadlines(db::Connection& conn,
                                                                  v1::Placement& p,
                                                                  absl::CivilDay today) {
  auto rules = PlacementStore::Rules(conn);
  if (!rules.ok()) return rules.status();
  p.clear_deadlines();
  for (auto& d : Deadlines(FactsOf(p), *rules, today)) *p.add_deadlines() = std::move(d);
  return rules;
}

// After a write of the placement: its deadlines as of today, and its stored due dates.
absl::Status WithStoredDeadlines(db::Connection& conn, v1::Placement& p, absl::CivilDay today) {
  auto rules = WithDeadlines(conn, p, today);
  if (!rules.ok()) return rules.status();
  return PlacementStore::StoreDue(conn, p, DueDatesFingerprint(*rules));
}

// The names of the values of a repeated enum filter; each unknown one is a violation named
// field[i].
template <typename Enum>
std::vector<std::string> EnumNames(Violations& v, absl::string_view field,
                                   const google::protobuf::RepeatedField<int>& values) {
  const auto* descriptor = google::protobuf::GetEnumDescriptor<Enum>();
  std::vector<std::string> out;
  for (int i = 0; i < values.size(); ++i) {
    const auto* value = descriptor->FindValueByNumber(values[i]);
    if (values[i] == 0 || value == nullptr) {
      v.Add(absl::StrCat(field, "[", i, "]"), "is not a known value");
    } else {
      out.push_back(value->name());
    }
  }
  return out;
}

// FAILED_PRECONDITION (HOME_NOT_ELIGIBLE) unless recruitment still has the home approved for
// the request's form and age.
absl::Status StillApproved(const rv1::HomeEvaluation& e) {
  if (!e.found()) {
    return Error(absl::StatusCode::kFailedPrecondition, "HOME_NOT_ELIGIBLE",
                 "the home is no longer in the registry", {{"home_id", e.home_id()}});
  }
  for (const auto& c : e.criteria()) {
    if (c.hard() && !c.met() && (c.name() == "approved_kind" || c.name() == "age_range")) {
      return Error(absl::StatusCode::kFailedPrecondition, "HOME_NOT_ELIGIBLE",
                   absl::StrCat("the home no longer qualifies: ", c.detail()),
                   {{"home_id", e.home_id()}});
    }
  }
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* PlacementHandlers::CreatePlacementRequest(
    grpc::CallbackServerContext* ctx, const v1::CreatePlacementRequestRequest* request,
    v1::CreatePlacementRequestResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "CreatePlacementRequest",
       .action = auth::Action::kCreatePlacementRequest,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [this, request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const Actor actor = ActorOf(call);
        auto r = NewRequest(*request, NewUuid(), actor);
        if (!r.ok()) return r.status();
        // What only recruitment knows: the agency and the school municipality exist.
        if (r->addressee().kind() == ORGANISATION_KIND_AGENCY) {
          auto agency = FetchOrganisation(rt_, call, r->addressee().id());
          if (!agency.ok()) return agency.status();
          if (!*agency || (*agency)->ref().kind() != ORGANISATION_KIND_AGENCY) {
            return Error(absl::StatusCode::kNotFound, "AGENCY_NOT_FOUND",
                         "no agency with that organisationsnummer is registered");
          }
        }
        if (const auto& school = r->child().school_municipality_id(); !school.empty()) {
          auto m = FetchOrganisation(rt_, call, school);
          if (!m.ok()) return m.status();
          if (!*m || (*m)->ref().kind() != ORGANISATION_KIND_MUNICIPALITY) {
            Violations v;
            v.Add("child.school_municipality_id", "is not a known municipality");
            return v.ToStatus();
          }
        }
        if (!r->child().personnummer().empty()) {
          auto child_id = PlacementStore::ChildId(conn, r->child().personnummer(), NewUuid());
          if (!child_id.ok()) return child_id.status();
          r->mutable_child()->set_child_id(*child_id);
        } else {
          r->mutable_child()->set_child_id(NewUuid());
        }
        if (!request->sibling_of_request_id().empty()) {
          auto sibling = PlacementStore::LockRequest(conn, request->sibling_of_request_id());
          if (!sibling.ok() || sibling->municipality_id() != r->municipality_id()) {
            return FailedPrecondition("SIBLING_NOT_LINKABLE",
                                      "the sibling request belongs to another municipality or "
                                      "does not exist");
          }
          switch (sibling->state()) {
            case v1::PLACEMENT_REQUEST_STATE_WITHDRAWN:
            case v1::PLACEMENT_REQUEST_STATE_DECLINED:
            case v1::PLACEMENT_REQUEST_STATE_ENDED:
              return FailedPrecondition("SIBLING_NOT_LINKABLE",
                                        "the sibling request is withdrawn, declined or ended");
            default:
              break;
          }
          std::vector<v1::PlacementRequest> group;
          if (sibling->sibling_group_id().empty()) {
            sibling->set_sibling_group_id(NewUuid());
            group.push_back(*sibling);
          } else {
            auto members = PlacementStore::Siblings(conn, sibling->sibling_group_id());
            if (!members.ok()) return members.status();
            group = *std::move(members);
          }
          r->set_sibling_group_id(sibling->sibling_group_id());
          for (auto& member : group) {
            if (member.placement_request_id() != sibling->placement_request_id()) {
              auto locked = PlacementStore::LockRequest(conn, member.placement_request_id());
              if (!locked.ok()) return locked.status();
              member = *std::move(locked);
            }
            r->add_sibling_request_ids(member.placement_request_id());
            member.add_sibling_request_ids(r->placement_request_id());
            member.set_sibling_group_id(r->sibling_group_id());
            *member.mutable_update_time() = ToTimestamp(call.now());
            if (auto st = PlacementStore::UpdateRequest(conn, member, call.now()); !st.ok()) {
              return st;
            }
            call.Audit(kRequest, member.placement_request_id());
          }
        }
        if (auto st = PlacementStore::InsertRequest(conn, *r, call.now()); !st.ok()) return st;
        r->set_etag("1");
        call.Audit(kRequest, r->placement_request_id());
        *response->mutable_placement_request() = *std::move(r);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::GetPlacementRequest(
    grpc::CallbackServerContext* ctx, const v1::GetPlacementRequestRequest* request,
    v1::GetPlacementRequestResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetPlacementRequest", .action = auth::Action::kReadPlacementRequest},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = CheckUuid("placement_request_id", request->placement_request_id(),
                                "a placement request");
            !st.ok()) {
          return st;
        }
        auto r = PlacementStore::GetRequest(conn, request->placement_request_id());
        if (!r.ok()) return r.status();
        const View view = ViewOf(call.principal(), *r);
        if (view == View::kNone) return NotVisible("placement request");
        call.Audit(kRequest, r->placement_request_id());
        *response->mutable_placement_request() = Shown(*std::move(r), view);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::ListPlacementRequests(
    grpc::CallbackServerContext* ctx, const v1::ListPlacementRequestsRequest* request,
    v1::ListPlacementRequestsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListPlacementRequests", .action = auth::Action::kReadPlacementRequest},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const auth::Principal& p = call.principal();
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        RequestFilter f;
        f.states = EnumNames<v1::PlacementRequestState>(v, "states", request->states());
        if (!v1::PlacementUrgency_IsValid(request->urgency())) v.Add("urgency", "is not known");
        if (request->urgency() != v1::PLACEMENT_URGENCY_UNSPECIFIED) {
          f.urgency = v1::PlacementUrgency_Name(request->urgency());
        }
        if (!request->sibling_group_id().empty() && !IsUuid(request->sibling_group_id())) {
          v.Add("sibling_group_id", "must be a sibling group id");
        }
        if (!request->child_id().empty() && !IsUuid(request->child_id())) {
          v.Add("child_id", "must be a child id");
        }
        validation::CheckText(v, "consultant_user_id", request->consultant_user_id(), 128, false);
        validation::CheckText(v, "municipality_id", request->municipality_id(), 16, false);
        validation::CheckText(v, "addressee_id", request->addressee_id(), 16, false);
        const std::string filters = Filters(*request);
        auto after = DecodeTimeKey(request->page_token(), filters);
        if (!after.ok()) {
          v.Add("page_token", "is not a token of this listing");
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const bool municipality = p.org_kind == auth::OrgKind::kMunicipality;
        if ((municipality && !request->municipality_id().empty() &&
             request->municipality_id() != p.org_id) ||
            (!municipality && !request->addressee_id().empty() &&
             request->addressee_id() != p.org_id)) {
          return PermissionDenied(
              "the filter names an organisation whose requests the caller "
              "may not list");
        }
        f.municipality_id = request->municipality_id();
        f.addressee_id = request->addressee_id();
        f.consultant = request->consultant_user_id();
        f.sibling_group_id = request->sibling_group_id();
        f.child_id = request->child_id();
        if (request->has_submitted_before())
          f.submitted_before = FromTimestamp(request->submitted_before());
        auto page = PlacementStore::ListRequests(conn, p.org_id, f, *page_size, *after);
        if (!page.ok()) return page.status();
        for (auto& r : page->items) {
          const View view = ViewOf(p, r);
          if (view == View::kNone) continue;
          call.Audit(kRequest, r.placement_request_id());
          *response->add_placement_requests() = Shown(std::move(r), view);
        }
        if (page->last) response->set_next_page_token(EncodeTimeKey(filters, *page->last));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::UpdatePlacementRequest(
    grpc::CallbackServerContext* ctx, const v1::UpdatePlacementRequestRequest* request,
    v1::UpdatePlacementRequestResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"UpdatePlacementRequest", auth::Action::kStepPlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id()},
                   *request, response,
                   [request](server::CallContext&, db::Connection& conn, v1::PlacementRequest& r,
                             const Actor& actor) -> absl::Status {
                     const std::string before = r.child().personnummer();
                     const std::vector<std::string> mask(request->update_mask().paths().begin(),
                                                         request->update_mask().paths().end());
                     if (auto st = Update(r, request->placement_request(), mask, actor); !st.ok())
                       return st;
                     // A corrected personnummer names another child.
                     if (r.child().personnummer() != before) {
                       std::string id = NewUuid();
                       if (!r.child().personnummer().empty()) {
                         auto child_id =
                             PlacementStore::ChildId(conn, r.child().personnummer(), id);
                         if (!child_id.ok()) return child_id.status();
                         id = *child_id;
                       }
                       r.mutable_child()->set_child_id(id);
                     }
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* PlacementHandlers::AcceptPlacementRequest(
    grpc::CallbackServerContext* ctx, const v1::AcceptPlacementRequestRequest* request,
    v1::AcceptPlacementRequestResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"AcceptPlacementRequest", auth::Action::kStepPlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id()},
                   *request, response,
                   [request](server::CallContext&, db::Connection&, v1::PlacementRequest& r,
                             const Actor& actor) {
                     std::vector<std::string> ids;
                     for (int i = 0; i < request->statements_size(); ++i) {
                       ids.push_back(NewUuid());
                     }
                     return Accept(r, *request, ids, actor);
                   });
}

grpc::ServerUnaryReactor* PlacementHandlers::DeclinePlacementRequest(
    grpc::CallbackServerContext* ctx, const v1::DeclinePlacementRequestRequest* request,
    v1::DeclinePlacementRequestResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"DeclinePlacementRequest", auth::Action::kStepPlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id()},
                   *request, response,
                   [request](server::CallContext&, db::Connection&, v1::PlacementRequest& r,
                             const Actor& actor) { return Decline(r, *request, actor); });
}

grpc::ServerUnaryReactor* PlacementHandlers::ReaddressPlacementRequest(
    grpc::CallbackServerContext* ctx, const v1::ReaddressPlacementRequestRequest* request,
    v1::ReaddressPlacementRequestResponse* response) {
  return ServeVerb(
      rt_, metrics_, ctx,
      {"ReaddressPlacementRequest", auth::Action::kStepPlacementRequest,
       request->placement_request_id(), request->etag(), request->request_id()},
      *request, response,
      [this, request](server::CallContext& call, db::Connection&, v1::PlacementRequest& r,
                      const Actor& actor) -> absl::Status {
        fhv::common::v1::OrganisationRef to = request->addressee();
        Violations v;
        if (to.kind() == ORGANISATION_KIND_MUNICIPALITY) {
          if (to.id() != r.municipality_id()) {
            v.Add("addressee.id", "a municipality may address only an agency or its own team");
          }
        } else if (to.kind() == ORGANISATION_KIND_AGENCY) {
          auto orgnr = validation::ParseOrganisationsnummer(to.id());
          if (!orgnr.ok()) {
            v.Add("addressee.id", "must be an agency's organisationsnummer");
          } else {
            to.set_id(*orgnr);
          }
        } else {
          v.Add("addressee.kind", "is required: an agency, or the owning municipality");
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        // The caller's role and the state first: nothing is asked of recruitment for a step
        // that cannot be taken.
        v1::PlacementRequest trial = r;
        if (auto st = Readdress(trial, to, actor); !st.ok()) return st;
        if (to.kind() == ORGANISATION_KIND_AGENCY) {
          auto agency = FetchOrganisation(rt_, call, to.id());
          if (!agency.ok()) return agency.status();
          if (!*agency || (*agency)->ref().kind() != ORGANISATION_KIND_AGENCY) {
            return Error(absl::StatusCode::kNotFound, "AGENCY_NOT_FOUND",
                         "no agency with that organisationsnummer is registered");
          }
        }
        r = std::move(trial);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::AddIntakeStatement(
    grpc::CallbackServerContext* ctx, const v1::AddIntakeStatementRequest* request,
    v1::AddIntakeStatementResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"AddIntakeStatement", auth::Action::kStepPlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id(),
                    /*creates=*/true},
                   *request, response,
                   [request](server::CallContext&, db::Connection&, v1::PlacementRequest& r,
                             const Actor& actor) {
                     return AddStatement(r, request->statement(), NewUuid(), actor);
                   });
}

grpc::ServerUnaryReactor* PlacementHandlers::AssignConsultant(
    grpc::CallbackServerContext* ctx, const v1::AssignConsultantRequest* request,
    v1::AssignConsultantResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"AssignConsultant", auth::Action::kStepPlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id()},
                   *request, response,
                   [request](server::CallContext&, db::Connection&, v1::PlacementRequest& r,
                             const Actor& actor) {
                     return placement::AssignConsultant(r, request->consultant_user_id(), actor);
                   });
}

grpc::ServerUnaryReactor* PlacementHandlers::ProposeHomes(grpc::CallbackServerContext* ctx,
                                                          const v1::ProposeHomesRequest* request,
                                                          v1::ProposeHomesResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"ProposeHomes", auth::Action::kStepPlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id()},
                   *request, response,
                   [this, request](server::CallContext& call, db::Connection& conn,
                                   v1::PlacementRequest& r, const Actor& actor) -> absl::Status {
                     Violations v;
                     if (request->homes_size() == 0 || request->homes_size() > 3) {
                       v.Add("homes", "must name one to three homes");
                     }
                     std::vector<std::string> ids;
                     for (int i = 0; i < request->homes_size(); ++i) {
                       const std::string& id = request->homes(i).home_id();
                       if (!IsUuid(id)) {
                         v.Add(absl::StrCat("homes[", i, "].home_id"), "must be a home id");
                       } else if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
                         v.Add(absl::StrCat("homes[", i, "].home_id"), "names a home twice");
                       }
                       ids.push_back(id);
                     }
                     if (auto st = v.ToStatus(); !st.ok()) return st;
                     auto group = GroupOf(conn, r);
                     if (!group.ok()) return group.status();
                     // The caller and the state before recruitment is asked.
                     if (auto st = CheckProposal(r, {}, *group, actor); !st.ok()) return st;
                     auto evaluations = EvaluateHomes(rt_, call, r, *group, ids);
                     if (!evaluations.ok()) return evaluations.status();
                     std::vector<HomeCheck> homes;
                     std::vector<std::string> proposal_ids;
                     for (int i = 0; i < request->homes_size(); ++i) {
                       auto occupied =
                           PlacementStore::Occupied(conn, ids[i], r.placement_request_id());
                       if (!occupied.ok()) return occupied.status();
                       homes.push_back({.proposed = request->homes(i),
                                        .evaluation = (*evaluations)[i],
                                        .occupied = *occupied});
                       proposal_ids.push_back(NewUuid());
                     }
                     if (auto st = CheckProposal(r, homes, *group, actor); !st.ok()) return st;
                     return Propose(r, homes, proposal_ids, actor);
                   });
}

grpc::ServerUnaryReactor* PlacementHandlers::ReturnToMatching(
    grpc::CallbackServerContext* ctx, const v1::ReturnToMatchingRequest* request,
    v1::ReturnToMatchingResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"ReturnToMatching", auth::Action::kStepPlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id()},
                   *request, response,
                   [request](server::CallContext&, db::Connection&, v1::PlacementRequest& r,
                             const Actor& actor) {
                     return placement::ReturnToMatching(r, request->reason(), actor);
                   });
}

grpc::ServerUnaryReactor* PlacementHandlers::ScheduleVisit(grpc::CallbackServerContext* ctx,
                                                           const v1::ScheduleVisitRequest* request,
                                                           v1::ScheduleVisitResponse* response) {
  return ServeVerb(
      rt_, metrics_, ctx,
      {"ScheduleVisit", auth::Action::kStepPlacementRequest, request->placement_request_id(),
       request->etag(), request->request_id(),
       /*creates=*/true},
      *request, response,
      [request, response](server::CallContext&, db::Connection&, v1::PlacementRequest& r,
                          const Actor& actor) -> absl::Status {
        const std::string visit_id = NewUuid();
        if (auto st = placement::ScheduleVisit(r, request->visit(), visit_id, actor); !st.ok()) {
          return st;
        }
        response->set_visit_id(visit_id);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::RecordVisitOutcome(
    grpc::CallbackServerContext* ctx, const v1::RecordVisitOutcomeRequest* request,
    v1::RecordVisitOutcomeResponse* response) {
  return ServeVerb(
      rt_, metrics_, ctx,
      {"RecordVisitOutcome", auth::Action::kStepPlacementRequest, request->placement_request_id(),
       request->etag(), request->request_id()},
      *request, response,
      [request](server::CallContext&, db::Connection&, v1::PlacementRequest& r,
                const Actor& actor) { return placement::RecordVisitOutcome(r, *request, actor); });
}

grpc::ServerUnaryReactor* PlacementHandlers::PutUpForDecision(
    grpc::CallbackServerContext* ctx, const v1::PutUpForDecisionRequest* request,
    v1::PutUpForDecisionResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"PutUpForDecision", auth::Action::kStepPlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id()},
                   *request, response,
                   [this, request](server::CallContext& call, db::Connection& conn,
                                   v1::PlacementRequest& r, const Actor& actor) -> absl::Status {
                     auto proposal = CheckPutUp(r, request->proposal_id(), actor);
                     if (!proposal.ok()) return proposal.status();
                     const v1::Proposal chosen = **proposal;
                     auto group = GroupOf(conn, r);
                     if (!group.ok()) return group.status();
                     auto evaluations = EvaluateHomes(rt_, call, r, *group, {chosen.home_id()});
                     if (!evaluations.ok()) return evaluations.status();
                     auto occupied =
                         PlacementStore::Occupied(conn, chosen.home_id(), r.placement_request_id());
                     if (!occupied.ok()) return occupied.status();
                     HomeCheck check{.evaluation = evaluations->front(), .occupied = *occupied};
                     check.proposed.set_home_id(chosen.home_id());
                     // The same checks as when it was proposed, as the home is today.
                     if (auto st = CheckHome(check, *group); !st.ok()) return st;
                     return PutUp(r, request->proposal_id(), actor);
                   });
}

grpc::ServerUnaryReactor* PlacementHandlers::DecidePlacementRequest(
    grpc::CallbackServerContext* ctx, const v1::DecidePlacementRequestRequest* request,
    v1::DecidePlacementRequestResponse* response) {
  return ServeVerb(
      rt_, metrics_, ctx,
      {"DecidePlacementRequest", auth::Action::kDecidePlacementRequest,
       request->placement_request_id(), request->etag(), request->request_id()},
      *request, response,
      [this, request](server::CallContext& call, db::Connection& conn, v1::PlacementRequest& r,
                      const Actor& actor) -> absl::Status {
        std::vector<v1::Delegation> delegations;
        if (request->decider_kind() == v1::DECIDER_KIND_DELEGATED) {
          auto page = PlacementStore::ListDelegations(conn, r.municipality_id(), actor.caller.user,
                                                      std::nullopt, 500, std::nullopt);
          if (!page.ok()) return page.status();
          delegations = std::move(page->items);
        }
        if (auto st = Decide(r, *request, delegations, NewUuid(), actor); !st.ok()) return st;
        if (r.state() != v1::PLACEMENT_REQUEST_STATE_APPROVED) return absl::OkStatus();
        // A place in the home is reserved: never more than its approved number of children
        // as recruitment knows it now, also when decisions on the same home arrive at once.
        const std::string home_id = r.decisions().rbegin()->home_id();
        auto evaluation = EvaluateHomes(
            rt_, call, r,
            Group{.children = 1,
                  .youngest_age = AgeOn(r.child().birth_date(), *DayOf(r.wanted_start_date())),
                  .oldest_age = AgeOn(r.child().birth_date(), *DayOf(r.wanted_start_date()))},
            {home_id});
        if (!evaluation.ok()) return evaluation.status();
        if (auto st = StillApproved(evaluation->front()); !st.ok()) return st;
        if (auto st = PlacementStore::LockHome(conn, home_id); !st.ok()) return st;
        auto occupied = PlacementStore::Occupied(conn, home_id, r.placement_request_id());
        if (!occupied.ok()) return occupied.status();
        if (*occupied + 1 > evaluation->front().home().max_children()) {
          return Error(absl::StatusCode::kFailedPrecondition, "HOME_FULL",
                       "the home has no free place left for this child", {{"home_id", home_id}});
        }
        call.Emit(kRequest, r.placement_request_id(), ApprovedEvent(r, home_id));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::RecordDecisionReported(
    grpc::CallbackServerContext* ctx, const v1::RecordDecisionReportedRequest* request,
    v1::RecordDecisionReportedResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"RecordDecisionReported", auth::Action::kDecidePlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id()},
                   *request, response,
                   [request](server::CallContext&, db::Connection&, v1::PlacementRequest& r,
                             const Actor& actor) { return RecordReported(r, *request, actor); });
}

grpc::ServerUnaryReactor* PlacementHandlers::WithdrawPlacementRequest(
    grpc::CallbackServerContext* ctx, const v1::WithdrawPlacementRequestRequest* request,
    v1::WithdrawPlacementRequestResponse* response) {
  return ServeVerb(rt_, metrics_, ctx,
                   {"WithdrawPlacementRequest", auth::Action::kStepPlacementRequest,
                    request->placement_request_id(), request->etag(), request->request_id()},
                   *request, response,
                   [request](server::CallContext& call, db::Connection&, v1::PlacementRequest& r,
                             const Actor& actor) -> absl::Status {
                     const bool reserved = r.state() == v1::PLACEMENT_REQUEST_STATE_APPROVED;
                     const v1::Proposal* approved = ApprovedProposal(r);
                     const std::string home_id = approved ? approved->home_id() : "";
                     if (auto st = Withdraw(r, request->reason(), actor); !st.ok()) return st;
                     if (reserved) {
                       call.Emit(kRequest, r.placement_request_id(), ReleasedEvent(r, home_id));
                     }
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* PlacementHandlers::StartPlacement(
    grpc::CallbackServerContext* ctx, const v1::StartPlacementRequest* request,
    v1::StartPlacementResponse* response) {
  return ServeVerb(
      rt_, metrics_, ctx,
      {"StartPlacement", auth::Action::kStepPlacementRequest, request->placement_request_id(),
       request->etag(), request->request_id(), /*creates=*/true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn, v1::PlacementRequest& r,
                          const Actor& actor) -> absl::Status {
        auto placement = Start(r, *request, NewUuid(), actor);
        if (!placement.ok()) return placement.status();
        if (auto st = PlacementStore::InsertPlacement(conn, *placement, call.now()); !st.ok()) {
          return st;
        }
        placement->set_etag("1");
        std::vector<std::string> siblings;
        if (!r.sibling_group_id().empty()) {
          auto in_home =
              PlacementStore::SiblingsInHome(conn, r.sibling_group_id(), placement->home_id());
          if (!in_home.ok()) return in_home.status();
          for (auto& id : *in_home) {
            if (id != placement->child().child_id()) siblings.push_back(std::move(id));
          }
        }
        call.Audit(kPlacement, placement->placement_id());
        call.Emit(kPlacement, placement->placement_id(), StartedEvent(*placement, siblings));
        if (auto st = WithStoredDeadlines(conn, *placement, actor.today); !st.ok()) return st;
        *response->mutable_placement() = *std::move(placement);
        return absl::OkStatus();
      });
}

namespace {

using ApplyPlacement = std::function<absl::Status(server::CallContext&, db::Connection&,
                                                  v1::Placement&, const Actor&)>;

// A change of one placement, like ServeVerb for requests; only the owning municipality
// changes placements.
template <typename Response>
grpc::ServerUnaryReactor* ServePlacementVerb(server::Runtime& rt, grpc::CallbackServerContext* ctx,
                                             const server::CallSpec& spec,
                                             const std::string& placement_id,
                                             const std::string& etag,
                                             const google::protobuf::Message& request,
                                             Response* response, ApplyPlacement apply) {
  return server::Serve(rt, ctx, spec, request, response,
                       [placement_id, etag, response, apply = std::move(apply)](
                           server::CallContext& call, db::Connection& conn) -> absl::Status {
                         Violations v;
                         if (!IsUuid(placement_id)) v.Add("placement_id", "must be a placement id");
                         if (etag.empty())
                           v.Add("etag", "is required: the placement's etag as last read");
                         if (auto st = v.ToStatus(); !st.ok()) return st;
                         auto p = PlacementStore::LockPlacement(conn, placement_id);
                         if (!p.ok()) return p.status();
                         const auth::Principal& caller = call.principal();
                         if (caller.org_kind != auth::OrgKind::kMunicipality ||
                             caller.org_id != p->municipality_id()) {
                           return NotVisible("placement");
                         }
                         if (etag != p->etag()) {
                           return StaleEtag("placement");
                         }
                         const Actor actor = ActorOf(call);
                         if (auto st = apply(call, conn, *p, actor); !st.ok()) return st;
                         if (auto st = PlacementStore::UpdatePlacement(conn, *p, call.now());
                             !st.ok())
                           return st;
                         call.Audit(kPlacement, placement_id);
                         if (auto st = WithStoredDeadlines(conn, *p, actor.today); !st.ok()) {
                           return st;
                         }
                         *response->mutable_placement() = *std::move(p);
                         return absl::OkStatus();
                       });
}

}  // namespace

grpc::ServerUnaryReactor* PlacementHandlers::EndPlacement(grpc::CallbackServerContext* ctx,
                                                          const v1::EndPlacementRequest* request,
                                                          v1::EndPlacementResponse* response) {
  return ServePlacementVerb(
      rt_, ctx,
      {.method = "EndPlacement",
       .action = auth::Action::kStepPlacementRequest,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id()},
      request->placement_id(), request->etag(), *request, response,
      [this, request](server::CallContext& call, db::Connection& conn, v1::Placement& p,
                      const Actor& actor) -> absl::Status {
        auto r = PlacementStore::LockRequest(conn, p.placement_request_id());
        if (!r.ok()) return r.status();
        const absl::Time since = FromTimestamp(r->transitions().rbegin()->time());
        if (auto st = End(p, *r, *request, actor); !st.ok()) return st;
        *r->mutable_update_time() = ToTimestamp(call.now());
        if (auto st = PlacementStore::UpdateRequest(conn, *r, call.now()); !st.ok()) return st;
        conn.OnCommit([this, spent = call.now() - since] {
          metrics_.LeftState(v1::PLACEMENT_REQUEST_STATE_PLACED, spent);
        });
        call.Audit(kRequest, r->placement_request_id());
        call.Emit(kPlacement, p.placement_id(), EndedEvent(p));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::RecordStatutoryStep(
    grpc::CallbackServerContext* ctx, const v1::RecordStatutoryStepRequest* request,
    v1::RecordStatutoryStepResponse* response) {
  return ServePlacementVerb(
      rt_, ctx,
      {.method = "RecordStatutoryStep",
       .action = auth::Action::kRecordStatutoryStep,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      request->placement_id(), request->etag(), *request, response,
      [request](server::CallContext&, db::Connection&, v1::Placement& p, const Actor& actor) {
        return RecordStep(p, request->step(), NewUuid(), actor);
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::GetPlacement(grpc::CallbackServerContext* ctx,
                                                          const v1::GetPlacementRequest* request,
                                                          v1::GetPlacementResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetPlacement", .action = auth::Action::kReadPlacement}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = CheckUuid("placement_id", request->placement_id(), "a placement"); !st.ok()) {
          return st;
        }
        auto p = PlacementStore::GetPlacement(conn, request->placement_id());
        if (!p.ok()) return p.status();
        const View view = ViewOf(call.principal(), *p);
        if (view == View::kNone) return NotVisible("placement");
        call.Audit(kPlacement, p->placement_id());
        if (auto st = WithDeadlines(conn, *p, Today(call.now())).status(); !st.ok()) return st;
        *response->mutable_placement() = Shown(*std::move(p), view);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::ListPlacements(
    grpc::CallbackServerContext* ctx, const v1::ListPlacementsRequest* request,
    v1::ListPlacementsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListPlacements", .action = auth::Action::kReadPlacement}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const auth::Principal& p = call.principal();
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        PlacementFilter f;
        f.states = EnumNames<v1::PlacementState>(v, "states", request->states());
        if (!v1::PlacementForm_IsValid(request->form())) v.Add("form", "is not known");
        if (request->form() != v1::PLACEMENT_FORM_UNSPECIFIED) {
          f.form = v1::PlacementForm_Name(request->form());
        }
        for (const auto& [field, value] :
             {std::pair{"home_id", &request->home_id()}, {"child_id", &request->child_id()}}) {
          if (!value->empty() && !IsUuid(*value)) v.Add(field, "must be an id");
        }
        validation::CheckText(v, "municipality_id", request->municipality_id(), 16, false);
        validation::CheckText(v, "agency_id", request->agency_id(), 16, false);
        const std::string filters = Filters(*request);
        auto after = DecodeDayKey(request->page_token(), filters);
        if (!after.ok()) v.Add("page_token", "is not a token of this listing");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        if ((p.org_kind == auth::OrgKind::kMunicipality && !request->municipality_id().empty() &&
             request->municipality_id() != p.org_id) ||
            (p.org_kind == auth::OrgKind::kAgency && !request->agency_id().empty() &&
             request->agency_id() != p.org_id)) {
          return PermissionDenied(
              "the filter names an organisation whose placements the caller "
              "may not list");
        }
        f.municipality_id = request->municipality_id();
        f.home_id = request->home_id();
        f.agency_id = request->agency_id();
        f.child_id = request->child_id();
        const std::string scope = p.org_kind == auth::OrgKind::kInternal ? "" : p.org_id;
        auto page = PlacementStore::ListPlacements(conn, scope, f, *page_size, *after);
        if (!page.ok()) return page.status();
        auto rules = PlacementStore::Rules(conn);
        if (!rules.ok()) return rules.status();
        const absl::CivilDay today = Today(call.now());
        for (auto& one : page->items) {
          const View view = ViewOf(p, one);
          if (view == View::kNone) continue;
          call.Audit(kPlacement, one.placement_id());
          for (auto& d : Deadlines(FactsOf(one), *rules, today)) *one.add_deadlines() = d;
          *response->add_placements() = Shown(std::move(one), view);
        }
        if (page->last) {
          response->set_next_page_token(EncodeDayKey(filters, *page->last));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::ListDueStatutoryItems(
    grpc::CallbackServerContext* ctx, const v1::ListDueStatutoryItemsRequest* request,
    v1::ListDueStatutoryItemsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListDueStatutoryItems", .action = auth::Action::kReadStatutoryItems},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const auth::Principal& p = call.principal();
        auto page_size = PageSize(request->page_size(), 100, 1000);
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (request->municipality_id().empty()) v.Add("municipality_id", "is required");
        const auto from = DayOf(request->from_date());
        const auto to = DayOf(request->to_date());
        if (!from) v.Add("from_date", "is required");
        if (!to) v.Add("to_date", "is required");
        if (from && to && *to < *from) v.Add("to_date", "is before from_date");
        if (from && to && *to - *from > 366)
          v.Add("to_date", "is more than 366 days after from_date");
        DueFilter filter{.municipality_id = request->municipality_id()};
        for (int i = 0; i < request->kinds_size(); ++i) {
          const int k = request->kinds(i);
          if (k == 0 || !v1::StatutoryClockKind_IsValid(k)) {
            v.Add(absl::StrCat("kinds[", i, "]"), "is not a known clock");
          } else {
            filter.kinds.push_back(k);
          }
        }
        const std::string filters = Filters(*request);
        // Resumes after the previous page's last (due date, placement, kind).
        auto key = DecodePageToken(request->page_token(), filters, 3);
        std::optional<DueKey> after;
        if (!key.ok()) {
          v.Add("page_token", "is not a token of this listing");
        } else if (!key->empty()) {
          const auto day = KeyDay((*key)[0]);
          DueKey k{.placement_id = (*key)[1]};
          if (!day || !IsUuid(k.placement_id) || !absl::SimpleAtoi((*key)[2], &k.kind)) {
            v.Add("page_token", "is malformed");
          } else {
            k.due = *day;
            after = std::move(k);
          }
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        if (request->municipality_id() != p.org_id) {
          return PermissionDenied("a municipality may list only its own placements' items");
        }
        const absl::CivilDay today = Today(call.now());
        filter.from = *from;
        filter.to = *to;
        if (request->include_overdue()) filter.overdue_before = today;
        auto rules = PlacementStore::Rules(conn);
        if (!rules.ok()) return rules.status();
        std::map<std::string, const v1::StatutoryClockRule*> rule_of;
        for (const auto& r : *rules) rule_of[r.rule_id()] = &r;
        auto page = PlacementStore::ListDue(conn, filter, *page_size, after);
        if (!page.ok()) return page.status();
        for (const auto& row : page->items) {
          const auto rule = rule_of.find(row.rule_id);
          if (rule == rule_of.end()) {
            return absl::InternalError("a stored due date names a rule that does not exist");
          }
          call.Audit(kPlacement, row.placement.placement_id());
          *response->add_items() = DueItem(row.placement, row.kind, row.due, *rule->second, today);
        }
        if (page->last) {
          response->set_next_page_token(
              EncodePageToken(filters, {absl::FormatCivilTime(page->last->due),
                                        page->last->placement_id, absl::StrCat(page->last->kind)}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::ListStatutoryClockRules(
    grpc::CallbackServerContext* ctx, const v1::ListStatutoryClockRulesRequest* request,
    v1::ListStatutoryClockRulesResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListStatutoryClockRules", .action = auth::Action::kReadClockRules},
      *request, response,
      [request, response](server::CallContext&, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size(), 100, 1000);
        if (!page_size.ok()) return page_size.status();
        Violations v;
        std::optional<absl::CivilDay> on;
        if (request->has_in_force_on()) {
          auto day = FromDate(request->in_force_on(), "in_force_on");
          if (!day.ok()) v.Check("in_force_on", day.status());
          if (day.ok()) on = *day;
        }
        std::vector<int> kinds;
        for (int i = 0; i < request->kinds_size(); ++i) {
          if (request->kinds(i) == 0 || !v1::StatutoryClockKind_IsValid(request->kinds(i))) {
            v.Add(absl::StrCat("kinds[", i, "]"), "is not a known clock");
          }
          kinds.push_back(request->kinds(i));
        }
        const std::string filters = Filters(*request);
        auto after = AfterId(request->page_token(), filters);
        if (!after.ok()) v.Add("page_token", "is not a token of this listing");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto rules = PlacementStore::Rules(conn);
        if (!rules.ok()) return rules.status();
        int n = 0;
        std::string last;
        bool more = false;
        for (const auto& rule : *rules) {  // ordered by rule_id
          if (*after && rule.rule_id() <= **after) continue;
          if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), rule.kind()) == kinds.end()) {
            continue;
          }
          if (on) {
            const auto from = DayOf(rule.valid_from());
            const auto to = DayOf(rule.valid_to());
            if ((from && *on < *from) || (to && *to < *on)) continue;
          }
          if (n == *page_size) {
            more = true;
            break;
          }
          *response->add_rules() = rule;
          last = rule.rule_id();
          ++n;
        }
        if (more) response->set_next_page_token(EncodePageToken(filters, {last}));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::SetDelegation(grpc::CallbackServerContext* ctx,
                                                           const v1::SetDelegationRequest* request,
                                                           v1::SetDelegationResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "SetDelegation",
       .action = auth::Action::kSetDelegation,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const auth::Principal& p = call.principal();
        v1::Delegation d = request->delegation();
        if (!d.municipality_id().empty() && d.municipality_id() != p.org_id) {
          return PermissionDenied("a municipality's admin may set only its own delegations");
        }
        if (!d.delegation_id().empty() && !IsUuid(d.delegation_id())) {
          Violations v;
          v.Add("delegation.delegation_id", "must be a delegation id");
          return v.ToStatus();
        }
        if (auto st = ValidateDelegation(d); !st.ok()) return st;
        d.set_municipality_id(p.org_id);
        d.set_updated_by_user_id(p.user);
        *d.mutable_update_time() = ToTimestamp(call.now());
        if (d.delegation_id().empty()) {
          d.set_delegation_id(NewUuid());
          if (auto st = PlacementStore::InsertDelegation(conn, d); !st.ok()) return st;
        } else {
          if (d.etag().empty()) {
            Violations v;
            v.Add("delegation.etag", "is required to replace a delegation");
            return v.ToStatus();
          }
          auto current = PlacementStore::LockDelegation(conn, d.delegation_id(), p.org_id);
          if (!current.ok()) return current.status();
          if (current->etag() != d.etag()) {
            return StaleEtag("delegation");
          }
          if (auto st = PlacementStore::UpdateDelegation(conn, d); !st.ok()) return st;
        }
        call.Audit("delegation", d.delegation_id());
        *response->mutable_delegation() = std::move(d);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlacementHandlers::ListDelegations(
    grpc::CallbackServerContext* ctx, const v1::ListDelegationsRequest* request,
    v1::ListDelegationsResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListDelegations", .action = auth::Action::kReadDelegations}, *request,
      response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (request->municipality_id().empty()) v.Add("municipality_id", "is required");
        validation::CheckText(v, "delegate_user_id", request->delegate_user_id(), 128, false);
        std::optional<absl::CivilDay> on;
        if (request->has_in_force_on()) {
          auto day = FromDate(request->in_force_on(), "in_force_on");
          if (!day.ok()) v.Check("in_force_on", day.status());
          if (day.ok()) on = *day;
        }
        const std::string filters = Filters(*request);
        auto after = AfterId(request->page_token(), filters);
        if (!after.ok()) v.Add("page_token", "is not a token of this listing");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        if (request->municipality_id() != call.principal().org_id) {
          return PermissionDenied("a municipality may list only its own delegations");
        }
        auto page = PlacementStore::ListDelegations(
            conn, request->municipality_id(), request->delegate_user_id(), on, *page_size, *after);
        if (!page.ok()) return page.status();
        for (auto& d : page->items) *response->add_delegations() = std::move(d);
        if (page->last) response->set_next_page_token(EncodePageToken(filters, {*page->last}));
        return absl::OkStatus();
      });
}

}  // namespace fhv::placement
