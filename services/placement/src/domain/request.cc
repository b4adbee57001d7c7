#include "services/placement/src/domain/request.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "common/validation/request.h"
#include "google/protobuf/util/field_mask_util.h"

namespace fhv::placement {
namespace {

using fhv::common::v1::ORGANISATION_KIND_AGENCY;
using fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY;
using S = v1::PlacementRequestState;

constexpr int64_t kMaxDailyRateOre = 2'000'000;
constexpr int64_t kMaxMonthlyFeeOre = 20'000'000;

bool IsMunicipality(const auth::Principal& p) { return p.org_kind == auth::OrgKind::kMunicipality; }
bool IsOwner(const auth::Principal& p, const v1::PlacementRequest& r) {
  return IsMunicipality(p) && p.org_id == r.municipality_id();
}
bool IsAddressee(const auth::Principal& p, const v1::PlacementRequest& r) {
  return p.org_kind != auth::OrgKind::kInternal && p.org_id == r.addressee().id();
}
bool HasAny(const auth::Principal& p, std::initializer_list<const char*> roles) {
  for (const char* role : roles) {
    if (p.HasRole(role)) return true;
  }
  return false;
}

absl::Status Denied(absl::string_view who) {
  return PermissionDenied(absl::StrCat("only ", who, " may take this step"));
}

// The owning municipality's case worker.
absl::Status OwnerCaseWorker(const Actor& a, const v1::PlacementRequest& r) {
  if (IsOwner(a.caller, r) && a.caller.HasRole("case_worker")) return absl::OkStatus();
  return Denied("the owning municipality's case worker");
}
absl::Status AddresseeManager(const Actor& a, const v1::PlacementRequest& r) {
  if (IsAddressee(a.caller, r) && a.caller.HasRole("operations_manager")) {
    return absl::OkStatus();
  }
  return Denied("the addressee's operations manager");
}
bool IsAssignedConsultant(const Actor& a, const v1::PlacementRequest& r) {
  return IsAddressee(a.caller, r) && a.caller.HasRole("consultant") &&
         !r.consultant_user_id().empty() && a.caller.user == r.consultant_user_id();
}

bool In(S state, std::initializer_list<S> states) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

void Enter(v1::PlacementRequest& r, S state, const Actor& a, const std::string& reason = "") {
  r.set_state(state);
  auto* t = r.add_transitions();
  t->set_state(state);
  *t->mutable_time() = ToTimestamp(a.now);
  t->set_actor_user_id(a.caller.user);
  t->set_reason(reason);
}

int CurrentRound(const v1::PlacementRequest& r) {
  int round = 0;
  for (const auto& p : r.proposals()) round = std::max(round, p.round());
  return round;
}

// Proposals still open or selected become SUPERSEDED.
void SupersedeOpen(v1::PlacementRequest& r) {
  for (auto& p : *r.mutable_proposals()) {
    if (p.status() == v1::PROPOSAL_STATUS_OPEN || p.status() == v1::PROPOSAL_STATUS_SELECTED) {
      p.set_status(v1::PROPOSAL_STATUS_SUPERSEDED);
    }
  }
}

v1::Proposal* FindProposal(v1::PlacementRequest& r, const std::string& id) {
  for (auto& p : *r.mutable_proposals()) {
    if (p.proposal_id() == id) return &p;
  }
  return nullptr;
}

void CheckName(Violations& v, const std::string& field, const fhv::common::v1::PersonName& n,
               bool required) {
  validation::CheckText(v, field + ".given_name", n.given_name(), 100, required);
  validation::CheckText(v, field + ".family_name", n.family_name(), 100, required);
}

void CheckAddress(Violations& v, const std::string& field,
                  const fhv::common::v1::PostalAddress& a) {
  validation::CheckText(v, field + ".street", a.street(), 200, false);
  validation::CheckText(v, field + ".city", a.city(), 100, false);
  std::string digits;
  for (char c : a.postal_code()) {
    if (c != ' ') digits.push_back(c);
  }
  if (!a.postal_code().empty() &&
      (digits.size() != 5 || !std::all_of(digits.begin(), digits.end(), ::isdigit))) {
    v.Add(field + ".postal_code", "must be five digits");
  }
}

// The child's details; returns the personnummer normalised (or "").
std::string CheckChild(Violations& v, const std::string& field, const v1::ChildDetails& c,
                       absl::CivilDay today) {
  std::string personnummer;
  std::optional<absl::CivilDay> pn_birth;
  if (!c.personnummer().empty()) {
    auto id = validation::ParsePersonalIdentity(c.personnummer(), today);
    if (!id.ok()) {
      v.Add(field + ".personnummer", std::string(id.status().message()));
    } else {
      personnummer = id->digits;
      pn_birth = id->birth_date;
    }
  }
  const auto birth = DayOf(c.birth_date());
  if (!birth) {
    v.Add(field + ".birth_date", "is required: the child's date of birth");
  } else if (*birth > today) {
    v.Add(field + ".birth_date", "is in the future");
  } else if (pn_birth && *pn_birth != *birth) {
    v.Add(field + ".birth_date", "does not match the personnummer");
  } else if (*birth < absl::CivilDay(today.year() - 21, today.month(), today.day())) {
    v.Add(field + ".birth_date", "is more than 21 years ago");
  }
  CheckName(v, field + ".name", c.name(), false);
  CheckAddress(v, field + ".address", c.address());
  validation::CheckCodes(v, field + ".needs_tags", c.needs_tags(), 40);
  validation::CheckCodes(v, field + ".languages", c.languages(), 8, 10);
  validation::CheckText(v, field + ".description", c.description(), 10000, false);
  validation::CheckText(v, field + ".internal_note", c.internal_note(), 10000, false);
  if (!c.school_municipality_id().empty()) {
    v.Check(field + ".school_municipality_id",
            validation::CheckKommunkod(c.school_municipality_id()));
  }
  return personnummer;
}

bool ValidEnum(int value, bool (*is_valid)(int)) { return value != 0 && is_valid(value); }

}  // namespace

// --- Access ---------------------------------------------------------------------------------

View ViewOf(const auth::Principal& p, const v1::PlacementRequest& r) {
  if (IsOwner(p, r)) {
    if (HasAny(p, {"case_worker", "admin"})) return View::kFull;
    const bool put_up =
        r.state() == v1::PLACEMENT_REQUEST_STATE_AWAITING_DECISION || r.decisions_size() > 0;
    if (put_up && HasAny(p, {"committee_member", "committee_chair", "delegated_decider"})) {
      return View::kFull;
    }
  }
  // The addressee, also the owner's own foster-home team, while the request is addressed to it.
  if (IsAddressee(p, r) && HasAny(p, {"operations_manager", "consultant"})) {
    return View::kRedacted;
  }
  return View::kNone;
}

v1::PlacementRequest Shown(v1::PlacementRequest r, View view) {
  if (view != View::kRedacted) return r;
  v1::ChildDetails& c = *r.mutable_child();
  c.clear_internal_note();
  const bool identity = c.share_identity_with_addressee() && !c.protected_identity();
  if (!identity) {
    c.clear_personnummer();
    c.clear_name();
    for (auto& visit : *r.mutable_visits()) {
      for (auto& part : *visit.mutable_participants()) {
        if (part.kind() == v1::VISIT_PARTICIPANT_KIND_CHILD ||
            part.kind() == v1::VISIT_PARTICIPANT_KIND_GUARDIAN) {
          part.clear_name();
        }
      }
    }
  }
  if (!identity || c.hidden_whereabouts()) c.clear_address();
  r.set_child_redacted(true);
  return r;
}

View ViewOf(const auth::Principal& p, const v1::Placement& placement) {
  if (p.org_kind == auth::OrgKind::kInternal) return View::kFull;
  if (IsMunicipality(p) && p.org_id == placement.municipality_id() &&
      HasAny(p, {"case_worker", "admin", "committee_member", "committee_chair"})) {
    return View::kFull;
  }
  if (p.org_kind == auth::OrgKind::kAgency && p.org_id == placement.home_owner().id() &&
      HasAny(p, {"operations_manager", "consultant"})) {
    return View::kRedacted;
  }
  return View::kNone;
}

v1::Placement Shown(v1::Placement placement, View view) {
  if (view != View::kRedacted) return placement;
  placement.clear_end_note();
  for (auto& step : *placement.mutable_statutory_steps()) step.clear_note();
  return placement;
}

// --- Creating and changing a request ----------------------------------------------------------

absl::StatusOr<v1::PlacementRequest> NewRequest(const v1::CreatePlacementRequestRequest& in,
                                                const std::string& request_id, const Actor& actor) {
  const auth::Principal& p = actor.caller;
  Violations v;
  v1::PlacementRequest r;
  const std::string personnummer = CheckChild(v, "child", in.child(), actor.today);
  if (!ValidEnum(in.legal_basis(), v1::LegalBasis_IsValid)) {
    v.Add("legal_basis", "is required: voluntary, or compulsory care on one of its grounds");
  }
  if (!ValidEnum(in.urgency(), v1::PlacementUrgency_IsValid)) {
    v.Add("urgency", "is required: emergency or planned");
  }
  if (!ValidEnum(in.form(), v1::PlacementForm_IsValid)) {
    v.Add("form", "is required: the form of placement wanted");
  }
  const auto start = DayOf(in.wanted_start_date());
  if (!start) {
    v.Add("wanted_start_date", "is required");
  } else if (*start < actor.today) {
    v.Add("wanted_start_date", "is in the past");
  }
  const auto& to = in.addressee();
  if (to.kind() == ORGANISATION_KIND_AGENCY) {
    auto orgnr = validation::ParseOrganisationsnummer(to.id());
    if (!orgnr.ok()) v.Add("addressee.id", "must be an agency's organisationsnummer");
    if (orgnr.ok()) r.mutable_addressee()->set_id(*orgnr);
  } else if (to.kind() == ORGANISATION_KIND_MUNICIPALITY) {
    if (to.id() != p.org_id) {
      v.Add("addressee.id", "a municipality may address only an agency or its own team");
    }
    r.mutable_addressee()->set_id(p.org_id);
  } else {
    v.Add("addressee.kind", "is required: an agency, or the caller's own municipality");
  }
  if (!in.sibling_of_request_id().empty() && !IsUuid(in.sibling_of_request_id())) {
    v.Add("sibling_of_request_id", "must be a placement request id");
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;

  r.set_placement_request_id(request_id);
  r.set_municipality_id(p.org_id);
  r.mutable_addressee()->set_kind(to.kind());
  *r.mutable_child() = in.child();
  r.mutable_child()->set_personnummer(personnummer);
  r.mutable_child()->clear_child_id();
  r.set_place_with_siblings(in.place_with_siblings());
  r.set_legal_basis(in.legal_basis());
  r.set_urgency(in.urgency());
  r.set_form(in.form());
  *r.mutable_wanted_start_date() = in.wanted_start_date();
  r.set_case_worker_user_id(p.user);
  *r.mutable_create_time() = ToTimestamp(actor.now);
  *r.mutable_update_time() = ToTimestamp(actor.now);
  Enter(r, v1::PLACEMENT_REQUEST_STATE_SUBMITTED, actor);
  return r;
}

absl::Status Update(v1::PlacementRequest& r, const v1::PlacementRequest& patch,
                    const std::vector<std::string>& mask, const Actor& actor) {
  if (auto st = OwnerCaseWorker(actor, r); !st.ok()) return st;
  if (!In(r.state(), {S::PLACEMENT_REQUEST_STATE_SUBMITTED, S::PLACEMENT_REQUEST_STATE_INTAKE,
                      S::PLACEMENT_REQUEST_STATE_DECLINED, S::PLACEMENT_REQUEST_STATE_MATCHING,
                      S::PLACEMENT_REQUEST_STATE_PROPOSED})) {
    return WrongState(r.state(), "may be changed only before it is put up for decision");
  }
  static const std::set<std::string> kChildPaths = {"personnummer",
                                                    "name",
                                                    "birth_date",
                                                    "address",
                                                    "protected_identity",
                                                    "hidden_whereabouts",
                                                    "needs_tags",
                                                    "description",
                                                    "languages",
                                                    "school_municipality_id",
                                                    "share_identity_with_addressee",
                                                    "internal_note"};
  Violations v;
  if (mask.empty()) v.Add("update_mask", "is required: the fields to change");
  google::protobuf::FieldMask fm;
  for (size_t i = 0; i < mask.size(); ++i) {
    const std::string& path = mask[i];
    if (path == "wanted_start_date" || path == "child" ||
        (path.rfind("child.", 0) == 0 && kChildPaths.contains(path.substr(6)))) {
      fm.add_paths(path);
    } else {
      v.Add(absl::StrCat("update_mask.paths[", i, "]"),
            "may name only child, its fields except child_id, and wanted_start_date");
    }
  }
  v1::PlacementRequest next = r;
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(patch, fm, options, &next);
  v1::ChildDetails& c = *next.mutable_child();
  c.set_child_id(r.child().child_id());
  if (std::find(mask.begin(), mask.end(), "wanted_start_date") != mask.end()) {
    const auto day = DayOf(next.wanted_start_date());
    if (!day) {
      v.Add("placement_request.wanted_start_date", "is required");
    } else if (*day < actor.today) {
      v.Add("placement_request.wanted_start_date", "is in the past");
    }
  }
  const std::string personnummer = CheckChild(v, "placement_request.child", c, actor.today);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  c.set_personnummer(personnummer);
  r = std::move(next);
  return absl::OkStatus();
}

absl::Status Accept(v1::PlacementRequest& r, const v1::AcceptPlacementRequestRequest& in,
                    const std::vector<std::string>& statement_ids, const Actor& actor) {
  if (auto st = AddresseeManager(actor, r); !st.ok()) return st;
  if (r.state() != S::PLACEMENT_REQUEST_STATE_SUBMITTED) {
    return WrongState(r.state(), "can be accepted only when submitted");
  }
  Violations v;
  for (int i = 0; i < in.statements_size(); ++i) {
    const std::string f = absl::StrCat("statements[", i, "]");
    validation::CheckText(v, f + ".source", in.statements(i).source(), 200, true);
    validation::CheckText(v, f + ".text", in.statements(i).text(), 20000, true);
  }
  if (in.statements_size() > 20) v.Add("statements", "at most 20 at once");
  if (auto st = v.ToStatus(); !st.ok()) return st;
  for (int i = 0; i < in.statements_size(); ++i) {
    auto* s = r.add_intake_statements();
    s->set_statement_id(statement_ids.at(i));
    s->set_source(in.statements(i).source());
    s->set_text(in.statements(i).text());
    s->set_added_by_user_id(actor.caller.user);
    *s->mutable_add_time() = ToTimestamp(actor.now);
  }
  Enter(r, S::PLACEMENT_REQUEST_STATE_INTAKE, actor);
  return absl::OkStatus();
}

absl::Status Decline(v1::PlacementRequest& r, const v1::DeclinePlacementRequestRequest& in,
                     const Actor& actor) {
  if (auto st = AddresseeManager(actor, r); !st.ok()) return st;
  if (!In(r.state(), {S::PLACEMENT_REQUEST_STATE_SUBMITTED, S::PLACEMENT_REQUEST_STATE_INTAKE})) {
    return WrongState(r.state(), "can be declined only when submitted or in intake");
  }
  Violations v;
  if (!ValidEnum(in.reason(), v1::DeclineReason_IsValid)) v.Add("reason", "is required");
  validation::CheckText(v, "note", in.note(), 2000, in.reason() == v1::DECLINE_REASON_OTHER);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  auto* d = r.add_declines();
  *d->mutable_addressee() = r.addressee();
  d->set_reason(in.reason());
  d->set_note(in.note());
  d->set_declined_by_user_id(actor.caller.user);
  *d->mutable_decline_time() = ToTimestamp(actor.now);
  Enter(r, S::PLACEMENT_REQUEST_STATE_DECLINED, actor, v1::DeclineReason_Name(in.reason()));
  return absl::OkStatus();
}

absl::Status Readdress(v1::PlacementRequest& r, const fhv::common::v1::OrganisationRef& addressee,
                       const Actor& actor) {
  if (auto st = OwnerCaseWorker(actor, r); !st.ok()) return st;
  if (r.state() != S::PLACEMENT_REQUEST_STATE_DECLINED) {
    return WrongState(r.state(), "can be addressed elsewhere only when declined");
  }
  if (addressee.id() == r.addressee().id()) {
    Violations v;
    v.Add("addressee", "is the addressee that declined the request");
    return v.ToStatus();
  }
  *r.mutable_addressee() = addressee;
  r.clear_consultant_user_id();
  Enter(r, S::PLACEMENT_REQUEST_STATE_SUBMITTED, actor);
  return absl::OkStatus();
}

absl::Status AddStatement(v1::PlacementRequest& r, const v1::IntakeStatement& statement,
                          const std::string& statement_id, const Actor& actor) {
  const bool addressee =
      IsAddressee(actor.caller, r) && HasAny(actor.caller, {"operations_manager", "consultant"});
  if (!addressee && !OwnerCaseWorker(actor, r).ok()) {
    return Denied("the addressee's staff or the owning municipality's case worker");
  }
  if (!In(r.state(), {S::PLACEMENT_REQUEST_STATE_INTAKE, S::PLACEMENT_REQUEST_STATE_MATCHING,
                      S::PLACEMENT_REQUEST_STATE_PROPOSED})) {
    return WrongState(r.state(), "takes statements only in intake, matching or proposed");
  }
  Violations v;
  validation::CheckText(v, "statement.source", statement.source(), 200, true);
  validation::CheckText(v, "statement.text", statement.text(), 20000, true);
  if (r.intake_statements_size() >= 200) v.Add("statement", "the request has 200 statements");
  if (auto st = v.ToStatus(); !st.ok()) return st;
  auto* s = r.add_intake_statements();
  s->set_statement_id(statement_id);
  s->set_source(statement.source());
  s->set_text(statement.text());
  s->set_added_by_user_id(actor.caller.user);
  *s->mutable_add_time() = ToTimestamp(actor.now);
  return absl::OkStatus();
}

absl::Status AssignConsultant(v1::PlacementRequest& r, const std::string& consultant_user_id,
                              const Actor& actor) {
  if (auto st = AddresseeManager(actor, r); !st.ok()) return st;
  if (!In(r.state(),
          {S::PLACEMENT_REQUEST_STATE_INTAKE, S::PLACEMENT_REQUEST_STATE_MATCHING,
           S::PLACEMENT_REQUEST_STATE_PROPOSED, S::PLACEMENT_REQUEST_STATE_AWAITING_DECISION})) {
    return WrongState(r.state(), "gets a consultant only from intake until the decision");
  }
  Violations v;
  validation::CheckText(v, "consultant_user_id", consultant_user_id, 128, true);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  r.set_consultant_user_id(consultant_user_id);
  if (r.state() == S::PLACEMENT_REQUEST_STATE_INTAKE) {
    Enter(r, S::PLACEMENT_REQUEST_STATE_MATCHING, actor);
  }
  return absl::OkStatus();
}

absl::Status CheckHome(const HomeCheck& h, const Group& group) {
  const std::string& id = h.proposed.home_id();
  const auto& e = h.evaluation;
  if (!e.found()) {
    return Error(absl::StatusCode::kNotFound, "HOME_NOT_FOUND",
                 "the recruitment registry has no such home", {{"home_id", id}});
  }
  std::vector<std::string> unmet;
  for (const auto& c : e.criteria()) {
    if (c.hard() && !c.met()) unmet.push_back(c.detail().empty() ? c.name() : c.detail());
  }
  if (!e.eligible() || !unmet.empty()) {
    return Error(absl::StatusCode::kFailedPrecondition, "HOME_NOT_ELIGIBLE",
                 absl::StrCat("the home does not qualify: ", absl::StrJoin(unmet, "; ")),
                 {{"home_id", id}});
  }
  if (e.home().support_tier() == fhv::recruitment::v1::SUPPORT_TIER_INTENSIVELY_REINFORCED &&
      h.occupied > 0) {
    return Error(absl::StatusCode::kFailedPrecondition, "HOME_NOT_ELIGIBLE",
                 "the intensively reinforced home already has a child placed or approved",
                 {{"home_id", id}});
  }
  if (h.occupied + group.children > e.home().max_children()) {
    return Error(absl::StatusCode::kFailedPrecondition, "HOME_NOT_ELIGIBLE",
                 absl::StrCat("the home has ", std::max(0, e.home().max_children() - h.occupied),
                              " free place(s) counting approved placements not yet started; ",
                              group.children, " needed"),
                 {{"home_id", id}});
  }
  return absl::OkStatus();
}

absl::Status CheckProposal(const v1::PlacementRequest& r, const std::vector<HomeCheck>& homes,
                           const Group& group, const Actor& actor) {
  if (!IsAssignedConsultant(actor, r)) return Denied("the consultant assigned to the request");
  if (r.state() != S::PLACEMENT_REQUEST_STATE_MATCHING) {
    return WrongState(r.state(), "takes proposals only in matching");
  }
  for (const HomeCheck& h : homes) {
    if (auto st = CheckHome(h, group); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::Status Propose(v1::PlacementRequest& r, const std::vector<HomeCheck>& homes,
                     const std::vector<std::string>& proposal_ids, const Actor& actor) {
  Violations v;
  if (homes.empty() || homes.size() > 3) v.Add("homes", "must name one to three homes");
  std::set<std::string> seen;
  for (size_t i = 0; i < homes.size(); ++i) {
    const auto& h = homes[i].proposed;
    const std::string f = absl::StrCat("homes[", i, "]");
    if (!seen.insert(h.home_id()).second) v.Add(f + ".home_id", "names a home twice");
    validation::CheckText(v, f + ".motivation", h.motivation(), 5000, false);
    const bool agency_home = homes[i].evaluation.owner().kind() == ORGANISATION_KIND_AGENCY;
    if (agency_home &&
        (h.agency_daily_rate_ore() <= 0 || h.agency_daily_rate_ore() > kMaxDailyRateOre)) {
      v.Add(f + ".agency_daily_rate_ore",
            "is required for an agency home: more than 0 and at most 2 000 000 öre");
    } else if (!agency_home && h.agency_daily_rate_ore() != 0) {
      v.Add(f + ".agency_daily_rate_ore", "must be 0 for a municipality's own home");
    }
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  SupersedeOpen(r);
  const int round = CurrentRound(r) + 1;
  for (size_t i = 0; i < homes.size(); ++i) {
    const auto& e = homes[i].evaluation;
    auto* p = r.add_proposals();
    p->set_proposal_id(proposal_ids.at(i));
    p->set_home_id(homes[i].proposed.home_id());
    *p->mutable_home_owner() = e.owner();
    p->set_home_display_name(e.home().display_name());
    auto* m = p->mutable_match();
    m->set_total_score(e.score());
    for (const auto& c : e.criteria()) {
      auto* out = m->add_criteria();
      out->set_name(c.name());
      out->set_kind(c.hard() ? v1::MATCH_CRITERION_KIND_HARD_CONSTRAINT
                             : v1::MATCH_CRITERION_KIND_SOFT);
      out->set_met(c.met());
      out->set_points(c.points());
      out->set_detail(c.detail());
    }
    *m->mutable_evaluate_time() = ToTimestamp(actor.now);
    p->set_motivation(homes[i].proposed.motivation());
    p->set_agency_daily_rate_ore(homes[i].proposed.agency_daily_rate_ore());
    p->set_status(v1::PROPOSAL_STATUS_OPEN);
    p->set_round(round);
    p->set_proposed_by_user_id(actor.caller.user);
    *p->mutable_propose_time() = ToTimestamp(actor.now);
  }
  Enter(r, S::PLACEMENT_REQUEST_STATE_PROPOSED, actor);
  return absl::OkStatus();
}

absl::Status ReturnToMatching(v1::PlacementRequest& r, const std::string& reason,
                              const Actor& actor) {
  if (auto st = OwnerCaseWorker(actor, r); !st.ok()) return st;
  if (r.state() != S::PLACEMENT_REQUEST_STATE_PROPOSED) {
    return WrongState(r.state(), "returns to matching only from proposed");
  }
  Violations v;
  validation::CheckText(v, "reason", reason, 2000, true);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  SupersedeOpen(r);
  Enter(r, S::PLACEMENT_REQUEST_STATE_MATCHING, actor, reason);
  return absl::OkStatus();
}

absl::Status ScheduleVisit(v1::PlacementRequest& r, const v1::Visit& visit,
                           const std::string& visit_id, const Actor& actor) {
  if (!IsAssignedConsultant(actor, r) && !OwnerCaseWorker(actor, r).ok()) {
    return Denied("the assigned consultant or the owning municipality's case worker");
  }
  if (!In(r.state(),
          {S::PLACEMENT_REQUEST_STATE_PROPOSED, S::PLACEMENT_REQUEST_STATE_AWAITING_DECISION})) {
    return WrongState(r.state(), "takes visits only when proposed or awaiting decision");
  }
  Violations v;
  if (!visit.has_scheduled_time()) {
    v.Add("visit.scheduled_time", "is required");
  } else if (FromTimestamp(visit.scheduled_time()) < actor.now) {
    v.Add("visit.scheduled_time", "is in the past");
  }
  validation::CheckText(v, "visit.location", visit.location(), 500, false);
  if (visit.participants_size() == 0 || visit.participants_size() > 20) {
    v.Add("visit.participants", "must name one to twenty participants");
  }
  for (int i = 0; i < visit.participants_size(); ++i) {
    const auto& part = visit.participants(i);
    const std::string f = absl::StrCat("visit.participants[", i, "]");
    if (!ValidEnum(part.kind(), v1::VisitParticipantKind_IsValid))
      v.Add(f + ".kind", "is required");
    validation::CheckText(v, f + ".user_id", part.user_id(), 128, false);
    CheckName(v, f + ".name", part.name(), false);
    if (part.user_id().empty() && part.name().given_name().empty()) {
      v.Add(f, "needs a user id or a name");
    }
  }
  if (r.visits_size() >= 100) v.Add("visit", "the request has 100 visits");
  if (auto st = v.ToStatus(); !st.ok()) return st;
  v1::Proposal* p = FindProposal(r, visit.proposal_id());
  if (p == nullptr) return NotFound("proposal");
  if (p->status() == v1::PROPOSAL_STATUS_SUPERSEDED ||
      p->status() == v1::PROPOSAL_STATUS_REJECTED) {
    return FailedPrecondition("PROPOSAL_CLOSED", "the proposal is superseded or rejected");
  }
  auto* out = r.add_visits();
  *out = visit;
  out->set_visit_id(visit_id);
  out->set_status(v1::VISIT_STATUS_SCHEDULED);
  out->clear_outcome_note();
  out->set_scheduled_by_user_id(actor.caller.user);
  *out->mutable_create_time() = ToTimestamp(actor.now);
  return absl::OkStatus();
}

absl::Status RecordVisitOutcome(v1::PlacementRequest& r, const v1::RecordVisitOutcomeRequest& in,
                                const Actor& actor) {
  if (!IsAssignedConsultant(actor, r) && !OwnerCaseWorker(actor, r).ok()) {
    return Denied("the assigned consultant or the owning municipality's case worker");
  }
  Violations v;
  if (in.status() != v1::VISIT_STATUS_HELD && in.status() != v1::VISIT_STATUS_CANCELLED) {
    v.Add("status", "must be HELD or CANCELLED");
  }
  validation::CheckText(v, "outcome_note", in.outcome_note(), 5000, false);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  for (auto& visit : *r.mutable_visits()) {
    if (visit.visit_id() != in.visit_id()) continue;
    if (visit.status() != v1::VISIT_STATUS_SCHEDULED) {
      return FailedPrecondition("VISIT_CLOSED", "the visit was already held or cancelled");
    }
    if (in.status() == v1::VISIT_STATUS_HELD && FromTimestamp(visit.scheduled_time()) > actor.now) {
      Violations early;
      early.Add("status", "a visit cannot be held before its time");
      return early.ToStatus();
    }
    visit.set_status(in.status());
    visit.set_outcome_note(in.outcome_note());
    return absl::OkStatus();
  }
  return NotFound("visit");
}

absl::StatusOr<const v1::Proposal*> CheckPutUp(const v1::PlacementRequest& r,
                                               const std::string& proposal_id, const Actor& actor) {
  if (auto st = OwnerCaseWorker(actor, r); !st.ok()) return st;
  if (r.state() != S::PLACEMENT_REQUEST_STATE_PROPOSED) {
    return WrongState(r.state(), "is put up for decision only when proposed");
  }
  for (const auto& p : r.proposals()) {
    if (p.proposal_id() != proposal_id) continue;
    if (p.status() != v1::PROPOSAL_STATUS_OPEN || p.round() != CurrentRound(r)) {
      return FailedPrecondition("PROPOSAL_CLOSED", "the proposal is not open in this round");
    }
    return &p;
  }
  return NotFound("proposal");
}

absl::Status PutUp(v1::PlacementRequest& r, const std::string& proposal_id, const Actor& actor) {
  auto checked = CheckPutUp(r, proposal_id, actor);
  if (!checked.ok()) return checked.status();
  FindProposal(r, proposal_id)->set_status(v1::PROPOSAL_STATUS_SELECTED);
  r.set_selected_proposal_id(proposal_id);
  Enter(r, S::PLACEMENT_REQUEST_STATE_AWAITING_DECISION, actor);
  return absl::OkStatus();
}

absl::Status Decide(v1::PlacementRequest& r, const v1::DecidePlacementRequestRequest& in,
                    const std::vector<v1::Delegation>& delegations, const std::string& decision_id,
                    const Actor& actor) {
  const auth::Principal& p = actor.caller;
  if (!IsOwner(p, r)) return Denied("the owning municipality's committee");
  const char* role = in.decider_kind() == v1::DECIDER_KIND_COMMITTEE_MEMBER  ? "committee_member"
                     : in.decider_kind() == v1::DECIDER_KIND_DELEGATED       ? "delegated_decider"
                     : in.decider_kind() == v1::DECIDER_KIND_CHAIR_EMERGENCY ? "committee_chair"
                                                                             : nullptr;
  Violations v;
  if (role == nullptr) v.Add("decider_kind", "is required");
  if (in.outcome() != v1::PLACEMENT_DECISION_OUTCOME_APPROVED &&
      in.outcome() != v1::PLACEMENT_DECISION_OUTCOME_REJECTED) {
    v.Add("outcome", "must be APPROVED or REJECTED");
  }
  const auto day = DayOf(in.decision_date());
  if (!day) {
    v.Add("decision_date", "is required");
  } else if (*day > actor.today) {
    v.Add("decision_date", "is in the future");
  } else if (*day < SubmittedOn(r)) {
    v.Add("decision_date", "is before the request was submitted");
  }
  validation::CheckText(v, "minute_reference", in.minute_reference(), 200, true);
  validation::CheckText(v, "reason", in.reason(), 5000,
                        in.outcome() == v1::PLACEMENT_DECISION_OUTCOME_REJECTED);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (!p.HasRole(role)) {
    return PermissionDenied(absl::StrCat("a decision of this kind needs the role ", role));
  }
  if (r.state() != S::PLACEMENT_REQUEST_STATE_AWAITING_DECISION) {
    return WrongState(r.state(), "is decided only when awaiting decision");
  }
  if (in.decider_kind() == v1::DECIDER_KIND_CHAIR_EMERGENCY &&
      r.urgency() != v1::PLACEMENT_URGENCY_EMERGENCY) {
    return FailedPrecondition("NOT_AN_EMERGENCY",
                              "the chair alone may decide only an emergency request");
  }
  std::string delegation_id;
  if (in.decider_kind() == v1::DECIDER_KIND_DELEGATED) {
    for (const auto& d : delegations) {
      if (d.delegate_user_id() == p.user && Covers(d, r, *day)) delegation_id = d.delegation_id();
    }
    if (delegation_id.empty()) {
      return Error(absl::StatusCode::kPermissionDenied, "NO_DELEGATION",
                   "no delegation of the caller in force on the decision date covers this "
                   "request's form, legal basis and urgency");
    }
  }
  v1::Proposal* selected = FindProposal(r, r.selected_proposal_id());
  if (selected == nullptr) return absl::InternalError("the request has no selected proposal");
  auto* d = r.add_decisions();
  d->set_decision_id(decision_id);
  d->set_proposal_id(selected->proposal_id());
  d->set_home_id(selected->home_id());
  d->set_outcome(in.outcome());
  d->set_decider_kind(in.decider_kind());
  d->set_decider_user_id(p.user);
  d->set_delegation_id(delegation_id);
  *d->mutable_decision_date() = in.decision_date();
  d->set_minute_reference(in.minute_reference());
  d->set_reason(in.reason());
  d->set_reported_to_committee_at_next_meeting(in.decider_kind() ==
                                               v1::DECIDER_KIND_CHAIR_EMERGENCY);
  *d->mutable_record_time() = ToTimestamp(actor.now);
  if (in.outcome() == v1::PLACEMENT_DECISION_OUTCOME_APPROVED) {
    selected->set_status(v1::PROPOSAL_STATUS_APPROVED);
    Enter(r, S::PLACEMENT_REQUEST_STATE_APPROVED, actor);
  } else {
    selected->set_status(v1::PROPOSAL_STATUS_REJECTED);
    SupersedeOpen(r);
    Enter(r, S::PLACEMENT_REQUEST_STATE_MATCHING, actor, in.reason());
  }
  return absl::OkStatus();
}

absl::Status RecordReported(v1::PlacementRequest& r, const v1::RecordDecisionReportedRequest& in,
                            const Actor& actor) {
  if (!IsOwner(actor.caller, r) || !HasAny(actor.caller, {"committee_member", "committee_chair"})) {
    return Denied("the owning municipality's committee member or chair");
  }
  v1::PlacementDecision* d = nullptr;
  for (auto& one : *r.mutable_decisions()) {
    if (one.decision_id() == in.decision_id()) d = &one;
  }
  if (d == nullptr) return NotFound("decision");
  Violations v;
  const auto day = DayOf(in.reported_date());
  if (!day) {
    v.Add("reported_date", "is required");
  } else if (*day > actor.today) {
    v.Add("reported_date", "is in the future");
  } else if (*day < *DayOf(d->decision_date())) {
    v.Add("reported_date", "is before the decision");
  }
  validation::CheckText(v, "minute_reference", in.minute_reference(), 200, true);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (!d->reported_to_committee_at_next_meeting() || d->has_reported_date()) {
    return FailedPrecondition("NO_REPORT_DUE",
                              "the decision needs no report or was already reported");
  }
  *d->mutable_reported_date() = in.reported_date();
  d->set_reported_minute_reference(in.minute_reference());
  return absl::OkStatus();
}

absl::Status Withdraw(v1::PlacementRequest& r, const std::string& reason, const Actor& actor) {
  if (auto st = OwnerCaseWorker(actor, r); !st.ok()) return st;
  if (In(r.state(), {S::PLACEMENT_REQUEST_STATE_PLACED, S::PLACEMENT_REQUEST_STATE_ENDED,
                     S::PLACEMENT_REQUEST_STATE_WITHDRAWN})) {
    return WrongState(r.state(), "cannot be withdrawn once placed, ended or withdrawn");
  }
  Violations v;
  validation::CheckText(v, "reason", reason, 2000, true);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  SupersedeOpen(r);
  r.set_withdrawal_reason(reason);
  Enter(r, S::PLACEMENT_REQUEST_STATE_WITHDRAWN, actor, reason);
  return absl::OkStatus();
}

const v1::Proposal* ApprovedProposal(const v1::PlacementRequest& r) {
  for (const auto& p : r.proposals()) {
    if (p.status() == v1::PROPOSAL_STATUS_APPROVED) return &p;
  }
  return nullptr;
}

absl::StatusOr<v1::Placement> Start(v1::PlacementRequest& r, const v1::StartPlacementRequest& in,
                                    const std::string& placement_id, const Actor& actor) {
  if (auto st = OwnerCaseWorker(actor, r); !st.ok()) return st;
  if (r.state() != S::PLACEMENT_REQUEST_STATE_APPROVED) {
    return WrongState(r.state(), "starts a placement only when approved");
  }
  const v1::Proposal* approved = ApprovedProposal(r);
  if (approved == nullptr) return absl::InternalError("an approved request has no approved home");
  const bool agency_home = approved->home_owner().kind() == ORGANISATION_KIND_AGENCY;
  Violations v;
  const auto start = DayOf(in.start_date());
  const auto care = in.has_care_start_date() ? DayOf(in.care_start_date()) : start;
  if (!start) {
    v.Add("start_date", "is required");
  } else if (*start > actor.today) {
    v.Add("start_date", "is in the future");
  }
  if (in.has_care_start_date() && !care) {
    v.Add("care_start_date", "is not a date");
  } else if (start && care && *care > *start) {
    v.Add("care_start_date", "is after the start date");
  }
  if (in.agreed_monthly_fee_ore() < 0 || in.agreed_monthly_fee_ore() > kMaxMonthlyFeeOre) {
    v.Add("agreed_monthly_fee_ore", "must be 0 to 20 000 000 öre");
  } else if (agency_home && in.agreed_monthly_fee_ore() != 0) {
    v.Add("agreed_monthly_fee_ore", "must be 0 for an agency home");
  }
  if (in.agency_daily_rate_ore() < 0 || in.agency_daily_rate_ore() > kMaxDailyRateOre) {
    v.Add("agency_daily_rate_ore", "must be 0 to 2 000 000 öre");
  } else if (!agency_home && in.agency_daily_rate_ore() != 0) {
    v.Add("agency_daily_rate_ore", "must be 0 for a municipality's own home");
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  const auto& decision = *r.decisions().rbegin();
  if (*start < *DayOf(decision.decision_date())) {
    return FailedPrecondition("START_BEFORE_DECISION",
                              "the placement cannot start before the decision date");
  }
  v1::Placement p;
  p.set_placement_id(placement_id);
  p.set_placement_request_id(r.placement_request_id());
  p.set_municipality_id(r.municipality_id());
  p.mutable_child()->set_child_id(r.child().child_id());
  *p.mutable_child()->mutable_birth_date() = r.child().birth_date();
  p.set_home_id(approved->home_id());
  *p.mutable_home_owner() = approved->home_owner();
  p.set_agency_home(agency_home);
  p.set_form(r.form());
  p.set_legal_basis(r.legal_basis());
  *p.mutable_start_date() = in.start_date();
  *p.mutable_care_start_date() = ToDate(*care);
  p.set_state(v1::PLACEMENT_STATE_ACTIVE);
  auto* t = p.add_transitions();
  t->set_state(v1::PLACEMENT_STATE_ACTIVE);
  *t->mutable_time() = ToTimestamp(actor.now);
  t->set_actor_user_id(actor.caller.user);
  p.set_agreed_monthly_fee_ore(in.agreed_monthly_fee_ore());
  p.set_agency_daily_rate_ore(agency_home ? (in.agency_daily_rate_ore() > 0
                                                 ? in.agency_daily_rate_ore()
                                                 : approved->agency_daily_rate_ore())
                                          : 0);
  *p.mutable_create_time() = ToTimestamp(actor.now);
  *p.mutable_update_time() = ToTimestamp(actor.now);
  r.set_placement_id(placement_id);
  Enter(r, S::PLACEMENT_REQUEST_STATE_PLACED, actor);
  return p;
}

absl::Status End(v1::Placement& placement, v1::PlacementRequest& r,
                 const v1::EndPlacementRequest& in, const Actor& actor) {
  if (auto st = OwnerCaseWorker(actor, r); !st.ok()) return st;
  if (placement.state() != v1::PLACEMENT_STATE_ACTIVE) {
    return Error(absl::StatusCode::kFailedPrecondition, "INVALID_STATE",
                 "the placement has already ended",
                 {{"state", v1::PlacementState_Name(placement.state())}});
  }
  Violations v;
  const auto end = DayOf(in.end_date());
  if (!end) {
    v.Add("end_date", "is required");
  } else if (*end > actor.today) {
    v.Add("end_date", "is in the future");
  } else if (*end < *DayOf(placement.start_date())) {
    v.Add("end_date", "is before the start date");
  }
  if (!ValidEnum(in.reason(), v1::PlacementEndReason_IsValid)) v.Add("reason", "is required");
  validation::CheckText(v, "note", in.note(), 2000, in.reason() == v1::PLACEMENT_END_REASON_OTHER);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  *placement.mutable_end_date() = in.end_date();
  placement.set_end_reason(in.reason());
  placement.set_end_note(in.note());
  placement.set_state(v1::PLACEMENT_STATE_ENDED);
  auto* t = placement.add_transitions();
  t->set_state(v1::PLACEMENT_STATE_ENDED);
  *t->mutable_time() = ToTimestamp(actor.now);
  t->set_actor_user_id(actor.caller.user);
  *placement.mutable_update_time() = ToTimestamp(actor.now);
  Enter(r, S::PLACEMENT_REQUEST_STATE_ENDED, actor, v1::PlacementEndReason_Name(in.reason()));
  return absl::OkStatus();
}

absl::Status RecordStep(v1::Placement& placement, const v1::StatutoryStep& step,
                        const std::string& step_id, const Actor& actor) {
  const auth::Principal& p = actor.caller;
  const bool owner = IsMunicipality(p) && p.org_id == placement.municipality_id();
  const bool committee_step = step.kind() == v1::STATUTORY_STEP_KIND_REVIEW_HELD ||
                              step.kind() == v1::STATUTORY_STEP_KIND_RE_DECISION_MADE;
  const bool role = p.HasRole("case_worker") ||
                    (committee_step && HasAny(p, {"committee_member", "delegated_decider"}));
  if (!owner || !role) {
    return Denied(committee_step ? "the owning municipality's case worker or committee"
                                 : "the owning municipality's case worker");
  }
  Violations v;
  if (!ValidEnum(step.kind(), v1::StatutoryStepKind_IsValid)) v.Add("step.kind", "is required");
  const auto day = DayOf(step.step_date());
  const auto start = *DayOf(placement.start_date());
  if (!day) {
    v.Add("step.step_date", "is required");
  } else if (*day > actor.today) {
    v.Add("step.step_date", "is in the future");
  } else if (*day < start && step.kind() != v1::STATUTORY_STEP_KIND_CHILD_INVESTIGATION_FINISHED) {
    v.Add("step.step_date", "is before the placement started");
  }
  validation::CheckText(v, "step.minute_reference", step.minute_reference(), 200,
                        step.kind() == v1::STATUTORY_STEP_KIND_RE_DECISION_MADE);
  const bool extension = step.kind() == v1::STATUTORY_STEP_KIND_JOURHEM_EXTENDED;
  validation::CheckText(v, "step.note", step.note(), 5000, extension);
  const auto until = DayOf(step.extended_until());
  if (extension && !until) v.Add("step.extended_until", "is required for an extension");
  if (extension && until && day && *until <= *day) {
    v.Add("step.extended_until", "must be after the step date");
  }
  if (auto st = v.ToStatus(); !st.ok()) return st;
  const bool jourhem_step =
      step.kind() == v1::STATUTORY_STEP_KIND_CHILD_INVESTIGATION_FINISHED || extension;
  if (jourhem_step && placement.form() != v1::PLACEMENT_FORM_JOURHEM) {
    return FailedPrecondition("STEP_NOT_APPLICABLE",
                              "a jourhem step for a placement in another form");
  }
  if (step.kind() == v1::STATUTORY_STEP_KIND_CUSTODY_TRANSFER_CONSIDERED &&
      placement.form() == v1::PLACEMENT_FORM_JOURHEM) {
    return FailedPrecondition("STEP_NOT_APPLICABLE",
                              "custody transfer is considered for family homes, not a jourhem");
  }
  if (step.kind() == v1::STATUTORY_STEP_KIND_RE_DECISION_MADE &&
      placement.legal_basis() != v1::LEGAL_BASIS_LVU_OWN_BEHAVIOUR) {
    return FailedPrecondition("STEP_NOT_APPLICABLE",
                              "a re-decision applies only to care on the young person's own "
                              "behaviour");
  }
  if (step.kind() == v1::STATUTORY_STEP_KIND_REVIEW_HELD &&
      placement.legal_basis() == v1::LEGAL_BASIS_LVU_OWN_BEHAVIOUR) {
    return FailedPrecondition("STEP_NOT_APPLICABLE",
                              "care on the young person's own behaviour is re-decided, not "
                              "reviewed: record a re-decision");
  }
  if (extension) {
    bool finished = false;
    for (const auto& s : placement.statutory_steps()) {
      finished |= s.kind() == v1::STATUTORY_STEP_KIND_CHILD_INVESTIGATION_FINISHED;
    }
    if (!finished) {
      return FailedPrecondition("STEP_NOT_APPLICABLE",
                                "a jourhem stay is extended only after the child investigation "
                                "was finished");
    }
  }
  if (const auto end = DayOf(placement.end_date()); end && *day > *end) {
    return FailedPrecondition("PLACEMENT_ENDED", "the placement ended before the step's date");
  }
  if (placement.statutory_steps_size() >= 500) {
    return FailedPrecondition("TOO_MANY_STEPS", "the placement has 500 steps");
  }
  auto* out = placement.add_statutory_steps();
  *out = step;
  out->set_step_id(step_id);
  if (!extension) out->clear_extended_until();
  out->set_recorded_by_user_id(p.user);
  *out->mutable_record_time() = ToTimestamp(actor.now);
  *placement.mutable_update_time() = ToTimestamp(actor.now);
  return absl::OkStatus();
}

// --- Delegations ------------------------------------------------------------------------------

absl::Status ValidateDelegation(const v1::Delegation& d) {
  Violations v;
  validation::CheckText(v, "delegation.delegate_user_id", d.delegate_user_id(), 128, true);
  validation::CheckText(v, "delegation.delegate_title", d.delegate_title(), 200, false);
  validation::CheckText(v, "delegation.delegation_order_reference", d.delegation_order_reference(),
                        100, false);
  auto check = [&v](const char* field, const auto& values, bool (*valid)(int)) {
    if (values.empty()) v.Add(field, "must name at least one");
    for (int value : values) {
      if (!ValidEnum(value, valid)) v.Add(field, "holds an unknown value");
    }
  };
  check("delegation.forms", d.forms(), v1::PlacementForm_IsValid);
  check("delegation.legal_bases", d.legal_bases(), v1::LegalBasis_IsValid);
  check("delegation.urgencies", d.urgencies(), v1::PlacementUrgency_IsValid);
  const auto from = DayOf(d.valid_from());
  if (!from) v.Add("delegation.valid_from", "is required");
  if (d.has_valid_to()) {
    const auto to = DayOf(d.valid_to());
    if (!to) {
      v.Add("delegation.valid_to", "is not a date");
    } else if (from && *to < *from) {
      v.Add("delegation.valid_to", "is before valid_from");
    }
  }
  return v.ToStatus();
}

bool Covers(const v1::Delegation& d, const v1::PlacementRequest& r, absl::CivilDay day) {
  auto has = [](const auto& values, int value) {
    return std::find(values.begin(), values.end(), value) != values.end();
  };
  const auto from = DayOf(d.valid_from());
  const auto to = DayOf(d.valid_to());
  return from && *from <= day && (!to || day <= *to) && has(d.forms(), r.form()) &&
         has(d.legal_bases(), r.legal_basis()) && has(d.urgencies(), r.urgency());
}

// --- Helpers ------------------------------------------------------------------------------

absl::Status WrongState(v1::PlacementRequestState state, absl::string_view what) {
  return Error(
      absl::StatusCode::kFailedPrecondition, "INVALID_STATE",
      absl::StrCat("the request ", what, "; it is ", v1::PlacementRequestState_Name(state)),
      {{"state", v1::PlacementRequestState_Name(state)}});
}

fhv::recruitment::v1::ChildNeeds NeedsOf(const v1::PlacementRequest& r, const Group& group) {
  fhv::recruitment::v1::ChildNeeds n;
  n.set_youngest_age(group.youngest_age);
  n.set_oldest_age(group.oldest_age);
  n.set_children(group.children);
  n.set_kind(r.form() == v1::PLACEMENT_FORM_JOURHEM ? fhv::common::v1::ASSIGNMENT_KIND_JOURHEM
                                                    : fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  n.set_intensively_reinforced(r.form() == v1::PLACEMENT_FORM_INTENSIVELY_REINFORCED_FAMILJEHEM);
  *n.mutable_start_date() = r.wanted_start_date();
  n.set_home_municipality(r.child().school_municipality_id().empty()
                              ? r.municipality_id()
                              : r.child().school_municipality_id());
  for (const auto& l : r.child().languages()) n.add_languages(l);
  for (const auto& t : r.child().needs_tags()) n.add_needs_tags(t);
  return n;
}

int AgeOn(const fhv::common::v1::Date& birth_date, absl::CivilDay day) {
  const auto born = DayOf(birth_date);
  if (!born) return 0;
  return std::max(0, fhv::AgeOn(*born, day));
}

absl::CivilDay SubmittedOn(const v1::PlacementRequest& r) {
  return Today(FromTimestamp(r.create_time()));
}

}  // namespace fhv::placement
