// RecruitmentHandlers: the registry of approved homes and matching.

#include <map>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "services/recruitment/src/domain/home.h"
#include "services/recruitment/src/domain/matching.h"
#include "services/recruitment/src/grpc/recruitment_handlers.h"
#include "services/recruitment/src/storage/applicant_store.h"
#include "services/recruitment/src/storage/home_store.h"
#include "services/recruitment/src/storage/organisation_store.h"

namespace fhv::recruitment {
namespace {

constexpr char kHome[] = "home";

// The home as `viewer` is shown it: a protected address only to its owner, whoever asks.
v1::Home Shown(v1::Home home, const Viewer& viewer) {
  home.set_availability(EffectiveAvailability(home));
  return ShownTo(std::move(home), viewer.org_id);
}

// INVALID_ARGUMENT naming each region of `home` that its owner does not belong to.
absl::Status CheckRegions(db::Connection& conn, const v1::Home& home) {
  if (home.shared_with_regions_size() == 0) return absl::OkStatus();
  const std::vector<std::string> regions(home.shared_with_regions().begin(),
                                         home.shared_with_regions().end());
  auto outside = HomeStore::RegionsNotJoinedBy(conn, regions, home.owner().id());
  if (!outside.ok()) return outside.status();
  Violations v;
  for (int i : *outside) {
    v.Add(absl::StrCat("home.shared_with_regions[", i, "]"),
          "is not a region the owner municipality belongs to");
  }
  return v.ToStatus();
}

absl::Status CheckIdAndEtag(const std::string& id, const std::string& etag,
                            const std::string& id_field, const std::string& etag_field) {
  Violations v;
  if (!IsUuid(id)) v.Add(id_field, "must be a home id (a UUID)");
  if (etag.empty()) v.Add(etag_field, "is required: the home's current etag");
  return v.ToStatus();
}

}  // namespace

grpc::ServerUnaryReactor* RecruitmentHandlers::RegisterApprovedHome(
    grpc::CallbackServerContext* ctx, const v1::RegisterApprovedHomeRequest* request,
    v1::RegisterApprovedHomeResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "RegisterApprovedHome",
       .action = auth::Action::kRegisterHome,
       .kind = server::CallKind::kWrite,
       .request_id = request->request_id(),
       .request_id_required = true},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto home = ValidateNewHome(request->home());
        if (!home.ok()) return home.status();
        if (!home->applicant_id().empty()) {
          // Its investigation's approval enters it, under the investigation's home id.
          return Error(absl::StatusCode::kFailedPrecondition, "HOME_COMES_FROM_INVESTIGATION",
                       "an applicant's home enters the registry when its investigation is "
                       "approved; register by hand only homes without an applicant");
        }
        const auth::Principal& caller = call.principal();
        if (caller.org_kind != auth::OrgKind::kInternal && home->owner().id() != caller.org_id) {
          return PermissionDenied("an organisation may register only its own homes");
        }
        Violations places;
        auto owner = OrganisationStore::Get(conn, home->owner().id());
        if (!owner.ok() || owner->ref().kind() != home->owner().kind()) {
          places.Add("home.owner.id", "is not a known organisation of that kind");
        }
        auto unknown = OrganisationStore::UnknownMunicipalities(conn, {home->municipality()});
        if (!unknown.ok()) return unknown.status();
        if (!unknown->empty()) places.Add("home.municipality", "is not a known municipality");
        if (auto st = places.ToStatus(); !st.ok()) return st;
        if (auto st = CheckRegions(conn, *home); !st.ok()) return st;

        home->set_id(NewUuid());
        auto stored = HomeStore::Upsert(conn, *home, Today(call.now()), call.now());
        if (!stored.ok()) return stored.status();
        call.Audit(kHome, stored->id());
        *response->mutable_home() = Shown(*std::move(stored), Viewer::Of(caller));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::GetHome(grpc::CallbackServerContext* ctx,
                                                       const v1::GetHomeRequest* request,
                                                       v1::GetHomeResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "GetHome", .action = auth::Action::kReadHomes}, *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = CheckUuid("id", request->id(), "a home"); !st.ok()) return st;
        const Viewer viewer = Viewer::Of(call.principal());
        auto home = HomeStore::Get(conn, request->id(), viewer);
        if (!home.ok()) return home.status();
        call.Audit(kHome, home->id());
        *response->mutable_home() = Shown(*std::move(home), viewer);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::ListHomes(grpc::CallbackServerContext* ctx,
                                                         const v1::ListHomesRequest* request,
                                                         v1::ListHomesResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "ListHomes", .action = auth::Action::kReadHomes}, *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size());
        if (!page_size.ok()) return page_size.status();
        Violations v;
        if (!v1::Availability_IsValid(request->availability())) {
          v.Add("availability", "is not an availability");
        }
        if (!fhv::common::v1::AssignmentKind_IsValid(request->kind())) {
          v.Add("kind", "is not a kind of assignment");
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const Viewer viewer = Viewer::Of(call.principal());
        const std::string filters = absl::StrCat("homes|", viewer.org_id, "|",
                                                 request->availability(), "|", request->kind());
        auto after = AfterId(request->page_token(), filters);
        if (!after.ok()) return after.status();
        if (*after && !IsUuid(**after)) {
          Violations bad;
          bad.Add("page_token", "is malformed");
          return bad.ToStatus();
        }
        auto homes = HomeStore::List(
            conn, viewer, {.availability = request->availability(), .kind = request->kind()},
            *page_size + 1, *after);
        if (!homes.ok()) return homes.status();
        const bool more = static_cast<int>(homes->size()) > *page_size;
        if (more) homes->resize(*page_size);
        for (auto& home : *homes) {
          call.Audit(kHome, home.id());
          *response->add_homes() = Shown(std::move(home), viewer);
        }
        if (more) {
          response->set_next_page_token(
              EncodePageToken(filters, {response->homes().rbegin()->id()}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::UpdateHomeProfile(
    grpc::CallbackServerContext* ctx, const v1::UpdateHomeProfileRequest* request,
    v1::UpdateHomeProfileResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "UpdateHomeProfile",
       .action = auth::Action::kUpdateHome,
       .kind = server::CallKind::kWrite},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const v1::Home& update = request->home();
        if (auto st = CheckIdAndEtag(update.id(), update.etag(), "home.id", "home.etag");
            !st.ok()) {
          return st;
        }
        const Viewer viewer = Viewer::Of(call.principal());
        if (auto st = HomeStore::LockForOwner(conn, update.id(), viewer.org_id, update.etag());
            !st.ok()) {
          return st;
        }
        auto stored = HomeStore::Get(conn, update.id(), viewer);
        if (!stored.ok()) return stored.status();
        auto changed = ApplyProfile(*stored, update);
        if (!changed.ok()) return changed.status();
        if (auto st = CheckRegions(conn, *changed); !st.ok()) return st;
        if (auto st = HomeStore::UpdateProfile(conn, *changed, call.now()); !st.ok()) return st;
        auto home = HomeStore::Get(conn, update.id(), viewer);
        if (!home.ok()) return home.status();
        call.Audit(kHome, home->id());
        *response->mutable_home() = Shown(*std::move(home), viewer);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::SetHomeAvailability(
    grpc::CallbackServerContext* ctx, const v1::SetHomeAvailabilityRequest* request,
    v1::SetHomeAvailabilityResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "SetHomeAvailability",
       .action = auth::Action::kUpdateHome,
       .kind = server::CallKind::kWrite},
      *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (auto st = CheckIdAndEtag(request->id(), request->etag(), "id", "etag"); !st.ok()) {
          return st;
        }
        std::optional<absl::CivilDay> paused_until;
        Violations v;
        if (request->availability() == v1::AVAILABILITY_PAUSED) {
          auto day = FromDate(request->paused_until(), "paused_until");
          if (!day.ok()) {
            v.Add("paused_until", "is required when PAUSED, and must be a date");
          } else if (*day < Today(call.now())) {
            v.Add("paused_until", "must not be in the past");
          } else {
            paused_until = *day;
          }
        } else if (request->availability() != v1::AVAILABILITY_AVAILABLE) {
          v.Add("availability", "must be AVAILABLE or PAUSED (FULL follows from occupancy)");
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        const Viewer viewer = Viewer::Of(call.principal());
        if (auto st = HomeStore::LockForOwner(conn, request->id(), viewer.org_id, request->etag());
            !st.ok()) {
          return st;
        }
        if (auto st = HomeStore::SetAvailability(conn, request->id(), request->availability(),
                                                 paused_until, call.now());
            !st.ok()) {
          return st;
        }
        auto home = HomeStore::Get(conn, request->id(), viewer);
        if (!home.ok()) return home.status();
        call.Audit(kHome, home->id());
        *response->mutable_home() = Shown(*std::move(home), viewer);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::FindCandidateHomes(
    grpc::CallbackServerContext* ctx, const v1::FindCandidateHomesRequest* request,
    v1::FindCandidateHomesResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "FindCandidateHomes", .action = auth::Action::kFindHomes}, *request,
      response,
      [this, request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        auto page_size = PageSize(request->page_size(), 20, 100);
        if (!page_size.ok()) return page_size.status();
        auto needs = ValidateNeeds(request->needs());
        if (!needs.ok()) return needs.status();
        auto municipality = OrganisationStore::Get(conn, needs->home_municipality);
        if (!municipality.ok() ||
            municipality->ref().kind() != fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY) {
          Violations v;
          v.Add("needs.home_municipality", "is not a known municipality");
          return v.ToStatus();
        }
        const Viewer viewer = Viewer::Of(call.principal());
        // The token is bound to the asker and the exact needs (hashed, never readable).
        const std::string filters =
            absl::StrCat("match|", viewer.org_id, "|", request->needs().SerializeAsString());
        auto key = DecodePageToken(request->page_token(), filters, 2);
        if (!key.ok()) return key.status();
        int after_score = 0;
        if (!key->empty() && (!absl::SimpleAtoi((*key)[0], &after_score) || !IsUuid((*key)[1]))) {
          Violations bad;
          bad.Add("page_token", "is malformed");
          return bad.ToStatus();
        }

        const absl::Time started = absl::Now();
        auto facts = HomeStore::MatchFacts(conn, viewer, *needs);
        if (!facts.ok()) return facts.status();
        Origin origin{.name = municipality->name()};
        if (municipality->has_location()) {
          origin.location =
              GeoPoint{municipality->location().latitude(), municipality->location().longitude()};
        }
        // Rate every home fast; explain only the page returned.
        std::vector<Candidate> candidates;
        candidates.reserve(facts->size());
        for (const HomeFacts& f : *facts) {
          candidates.push_back(Evaluate(f, *needs, origin, /*explain=*/false));
        }
        candidates = Rank(std::move(candidates));
        metrics_.matching_seconds().Observe(absl::ToDoubleSeconds(absl::Now() - started));

        // Resume after the previous page's last (score, id) in rank order.
        auto begin = candidates.begin();
        if (!key->empty()) {
          const std::string& after_id = (*key)[1];
          begin = std::find_if(candidates.begin(), candidates.end(), [&](const Candidate& c) {
            return c.score < after_score || (c.score == after_score && c.home_id > after_id);
          });
        }
        const auto end =
            candidates.end() - begin > *page_size ? begin + *page_size : candidates.end();
        std::vector<std::string> ids;
        std::map<std::string, const HomeFacts*> facts_of;
        for (auto it = begin; it != end; ++it) ids.push_back(it->home_id);
        const std::set<std::string> wanted(ids.begin(), ids.end());
        for (const HomeFacts& f : *facts) {
          if (wanted.contains(f.id)) facts_of[f.id] = &f;
        }
        auto homes = HomeStore::GetMany(conn, ids, viewer);
        if (!homes.ok()) return homes.status();
        std::map<std::string, v1::Home*> by_id;
        for (auto& h : *homes) by_id[h.id()] = &h;
        for (auto it = begin; it != end; ++it) {
          auto found = by_id.find(it->home_id);
          if (found == by_id.end()) continue;  // gone since the facts were read
          auto* out = response->add_candidates();
          call.Audit(kHome, it->home_id);
          *out->mutable_home() = Shown(std::move(*found->second), viewer);
          Candidate explained = Evaluate(*facts_of.at(it->home_id), *needs, origin);
          out->set_score(explained.score);
          for (auto& c : explained.criteria) *out->add_criteria() = std::move(c);
        }
        if (end != candidates.end() && end != begin) {
          const Candidate& last = *(end - 1);
          response->set_next_page_token(
              EncodePageToken(filters, {std::to_string(last.score), last.home_id}));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RecruitmentHandlers::EvaluateHomes(
    grpc::CallbackServerContext* ctx, const v1::EvaluateHomesRequest* request,
    v1::EvaluateHomesResponse* response) {
  return server::Serve(
      rt_, ctx, {.method = "EvaluateHomes", .action = auth::Action::kFindHomes}, *request, response,
      [request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        if (call.principal().org_kind != auth::OrgKind::kInternal) {
          return PermissionDenied("EvaluateHomes is for the suite's own services");
        }
        Violations v;
        const auto& ids = request->home_ids();
        if (ids.empty() || ids.size() > 10) v.Add("home_ids", "must name one to ten homes");
        std::set<std::string> seen;
        for (int i = 0; i < ids.size(); ++i) {
          if (!IsUuid(ids[i])) {
            v.Add(absl::StrCat("home_ids[", i, "]"), "must be a home id");
          } else if (!seen.insert(ids[i]).second) {
            v.Add(absl::StrCat("home_ids[", i, "]"), "names a home twice");
          }
        }
        const auto& org = request->on_behalf_of();
        if (org.id().empty() || org.kind() == fhv::common::v1::ORGANISATION_KIND_UNSPECIFIED) {
          v.Add("on_behalf_of", "is required: the organisation whose view counts");
        }
        auto needs = ValidateNeeds(request->needs());
        if (!needs.ok()) {
          for (const auto& fv : GetViolations(needs.status())) v.Add(fv.field, fv.description);
        }
        if (auto st = v.ToStatus(); !st.ok()) return st;
        auto municipality = OrganisationStore::Get(conn, needs->home_municipality);
        if (!municipality.ok() ||
            municipality->ref().kind() != fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY) {
          Violations bad;
          bad.Add("needs.home_municipality", "is not a known municipality");
          return bad.ToStatus();
        }
        Origin origin{.name = municipality->name()};
        if (municipality->has_location()) {
          origin.location =
              GeoPoint{municipality->location().latitude(), municipality->location().longitude()};
        }
        const Viewer viewer{
            .org_id = org.id(),
            .municipality = org.kind() == fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY};
        const std::vector<std::string> wanted(ids.begin(), ids.end());
        auto facts = HomeStore::EvaluateFacts(conn, wanted, viewer);
        if (!facts.ok()) return facts.status();
        auto homes = HomeStore::GetMany(conn, wanted, viewer);
        if (!homes.ok()) return homes.status();
        std::map<std::string, const EvaluatedFacts*> facts_of;
        for (const auto& f : *facts) facts_of[f.facts.id] = &f;
        std::map<std::string, v1::Home*> home_of;
        for (auto& h : *homes) home_of[h.id()] = &h;
        for (const std::string& id : wanted) {
          auto* out = response->add_evaluations();
          out->set_home_id(id);
          auto found = facts_of.find(id);
          if (found == facts_of.end()) continue;
          out->set_found(true);
          *out->mutable_owner() = found->second->owner;
          Candidate c = Evaluate(found->second->facts, *needs, origin);
          out->set_eligible(c.eligible);
          out->set_score(c.score);
          for (auto& criterion : c.criteria) *out->add_criteria() = std::move(criterion);
          if (auto h = home_of.find(id); h != home_of.end()) {
            call.Audit(kHome, id);
            *out->mutable_home() = Shown(std::move(*h->second), viewer);
          }
        }
        return absl::OkStatus();
      });
}

}  // namespace fhv::recruitment
