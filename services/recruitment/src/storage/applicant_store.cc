#include "services/recruitment/src/storage/applicant_store.h"

#include <map>
#include <set>

#include "common/util/dates.h"
#include "common/util/status.h"
#include "services/recruitment/sql/statements.h"

namespace fhv::recruitment {
namespace {

fhv::common::v1::OrganisationKind OrgKind(absl::string_view stored) {
  return stored == "agency" ? fhv::common::v1::ORGANISATION_KIND_AGENCY
                            : fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY;
}

// Rows of kGetApplicants / kListApplicants (same leading columns) with their histories
// and interests.
absl::StatusOr<std::vector<v1::Applicant>> Load(db::Connection& conn, const db::Result& r, int n) {
  std::vector<v1::Applicant> out(n);
  std::map<std::string, v1::Applicant*> by_id;
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    v1::Applicant& a = out[i];
    a.set_id(std::string(r.Text(i, 0)));
    a.mutable_organisation()->set_id(std::string(r.Text(i, 1)));
    a.mutable_organisation()->set_kind(OrgKind(r.Text(i, 2)));
    v1::InterestSource source;
    if (v1::InterestSource_Parse(std::string(r.Text(i, 3)), &source)) a.set_source(source);
    a.set_campaign_id(std::string(r.Text(i, 4)));
    v1::ApplicantState state;
    if (v1::ApplicantState_Parse(std::string(r.Text(i, 5)), &state)) a.set_state(state);
    a.set_etag(std::string(r.Text(i, 6)));
    if (!r.IsNull(i, 8)) {
      const absl::CivilDay day = r.Date(i, 8);
      a.mutable_info_meeting_on()->set_year(static_cast<int32_t>(day.year()));
      a.mutable_info_meeting_on()->set_month(day.month());
      a.mutable_info_meeting_on()->set_day(day.day());
    }
    if (!r.IsNull(i, 10)) a.set_withdrawal_reason(std::string(r.Text(i, 10)));
    for (const auto& k : r.TextArray(i, 9)) {
      fhv::common::v1::AssignmentKind kind;
      if (fhv::common::v1::AssignmentKind_Parse(k, &kind)) a.add_applied_assignments(kind);
    }
    by_id[a.id()] = &a;
    ids.push_back(a.id());
  }
  if (ids.empty()) return out;
  auto steps = conn.Exec(sql::kApplicantTransitions, {db::Param::TextArray(ids)});
  if (!steps.ok()) return steps.status();
  for (int i = 0; i < steps->rows(); ++i) {
    v1::Applicant* a = by_id[std::string(steps->Text(i, 0))];
    auto* t = a->add_history();
    v1::ApplicantState state;
    if (v1::ApplicantState_Parse(std::string(steps->Text(i, 1)), &state)) t->set_state(state);
    *t->mutable_at() = ToTimestamp(steps->Time(i, 2));
    t->set_actor(std::string(steps->Text(i, 3)));
  }
  auto interests = conn.Exec(sql::kApplicantInterests, {db::Param::TextArray(ids)});
  if (!interests.ok()) return interests.status();
  std::map<std::string, std::set<std::string>> seen_adults;
  std::map<std::string, std::set<int>> seen_kinds;
  for (int i = 0; i < interests->rows(); ++i) {
    const std::string id(interests->Text(i, 0));
    v1::Applicant* a = by_id[id];
    v1::Interest interest;
    if (!interest.ParseFromString(interests->Bytes(i, 1))) {
      return absl::InternalError("a stored interest does not parse");
    }
    a->add_interest_ids(interest.id());
    for (const auto& adult : interest.adults()) {
      if (seen_adults[id].insert(adult.personnummer()).second) *a->add_adults() = adult;
    }
    for (int kind : interest.wanted_assignments()) {
      if (seen_kinds[id].insert(kind).second) {
        a->add_wanted_assignments(static_cast<fhv::common::v1::AssignmentKind>(kind));
      }
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<v1::Applicant> ApplicantStore::Get(db::Connection& conn, const std::string& id,
                                                  const std::string& org_id) {
  auto r =
      conn.Exec(sql::kGetApplicants, {db::Param::TextArray({id}), db::Param::NullIfEmpty(org_id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) {
    return PermissionDenied("the applicant does not exist or is not the caller's");
  }
  auto loaded = Load(conn, *r, 1);
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->front());
}

absl::StatusOr<ApplicantPage> ApplicantStore::List(
    db::Connection& conn, const std::string& org_id, const ApplicantFilter& filter, int page_size,
    const std::optional<std::pair<absl::Time, std::string>>& after) {
  auto r =
      conn.Exec(sql::kListApplicants,
                {org_id, page_size + 1, after ? db::Param(after->first) : db::Param(std::nullopt),
                 after ? db::Param(after->second) : db::Param(std::nullopt),
                 filter.state == v1::APPLICANT_STATE_UNSPECIFIED
                     ? db::Param(std::nullopt)
                     : db::Param(v1::ApplicantState_Name(filter.state)),
                 filter.source == v1::INTEREST_SOURCE_UNSPECIFIED
                     ? db::Param(std::nullopt)
                     : db::Param(v1::InterestSource_Name(filter.source)),
                 db::Param::NullIfEmpty(filter.campaign_id)});
  if (!r.ok()) return r.status();
  const int n = std::min(r->rows(), page_size);
  auto loaded = Load(conn, *r, n);
  if (!loaded.ok()) return loaded.status();
  ApplicantPage page;
  page.applicants = *std::move(loaded);
  if (r->rows() > page_size) {
    page.last = std::make_pair(r->Time(n - 1, 7), std::string(r->Text(n - 1, 0)));
  }
  return page;
}

namespace {

// Moves a locked applicant to `to` with the step's details and its history row; a
// terminal state frees the adults to apply again.
absl::Status MoveTo(db::Connection& conn, const StepRequest& request, v1::ApplicantState to,
                    absl::Time now) {
  const std::string state = v1::ApplicantState_Name(to);
  if (auto r = conn.Exec(sql::kSetApplicantState, {request.id, state, now}); !r.ok()) {
    return r.status();
  }
  if (auto r = conn.Exec(sql::kInsertTransition, {request.id, state, now, request.actor});
      !r.ok()) {
    return r.status();
  }
  if (request.info_meeting_on || !request.applied_kinds.empty() || !request.reason.empty()) {
    auto r = conn.Exec(
        sql::kSetApplicantDetails,
        {request.id,
         request.info_meeting_on ? db::Param(*request.info_meeting_on) : db::Param(std::nullopt),
         request.applied_kinds.empty() ? db::Param(std::nullopt)
                                       : db::Param::TextArray(request.applied_kinds),
         db::Param::NullIfEmpty(request.reason)});
    if (!r.ok()) return r.status();
  }
  if (!IsOpen(to)) {
    if (auto r = conn.Exec(sql::kCloseApplicantPersons, {request.id}); !r.ok()) {
      return r.status();
    }
  }
  return absl::OkStatus();
}

// The locked applicant's state and version; PERMISSION_DENIED if there is none.
absl::StatusOr<std::pair<v1::ApplicantState, std::string>> Lock(db::Connection& conn,
                                                                const std::string& id,
                                                                const std::string& org_id) {
  auto current = conn.Exec(sql::kLockApplicant, {id, db::Param::NullIfEmpty(org_id)});
  if (!current.ok()) return current.status();
  if (current->rows() == 0) {
    return PermissionDenied("the applicant does not exist or is not the caller's");
  }
  v1::ApplicantState state = v1::APPLICANT_STATE_UNSPECIFIED;
  (void)v1::ApplicantState_Parse(std::string(current->Text(0, 0)), &state);
  return std::make_pair(state, std::string(current->Text(0, 1)));
}

}  // namespace

absl::StatusOr<v1::Applicant> ApplicantStore::Step(db::Connection& conn, const StepRequest& request,
                                                   absl::Time now) {
  auto current = Lock(conn, request.id, request.org_id);
  if (!current.ok()) return current.status();
  if (!request.etag.empty() && request.etag != current->second) {
    return StaleEtag("applicant");
  }
  auto to = NextState(current->first, request.step);
  if (!to.ok()) return to.status();
  if (auto st = MoveTo(conn, request, *to, now); !st.ok()) return st;
  return Get(conn, request.id, request.org_id);
}

absl::Status ApplicantStore::RecordEvent(db::Connection& conn, const std::string& id,
                                         PipelineStep step, const std::string& actor,
                                         absl::Time now) {
  auto current = Lock(conn, id, "");
  if (current.status().code() == absl::StatusCode::kPermissionDenied) return NotFound("applicant");
  if (!current.ok()) return current.status();
  const v1::ApplicantState to = StateAfterEvent(current->first, step);
  if (to == v1::APPLICANT_STATE_UNSPECIFIED) return absl::OkStatus();
  return MoveTo(conn, {.id = id, .step = step, .actor = actor}, to, now);
}

absl::StatusOr<std::vector<FunnelInput>> ApplicantStore::FunnelInputs(
    db::Connection& conn, const std::vector<std::string>& org_ids, absl::Time from, absl::Time to) {
  auto r = conn.Exec(sql::kFunnelHistories, {db::Param::TextArray(org_ids), from, to});
  if (!r.ok()) return r.status();
  std::vector<FunnelInput> out;
  std::string current;
  for (int i = 0; i < r->rows(); ++i) {
    if (out.empty() || r->Text(i, 0) != current) {
      current = std::string(r->Text(i, 0));
      FunnelInput& in = out.emplace_back();
      v1::InterestSource source;
      if (v1::InterestSource_Parse(std::string(r->Text(i, 1)), &source)) in.source = source;
      in.campaign_id = std::string(r->Text(i, 2));
    }
    v1::ApplicantTransition t;
    v1::ApplicantState state;
    if (v1::ApplicantState_Parse(std::string(r->Text(i, 3)), &state)) t.set_state(state);
    *t.mutable_at() = ToTimestamp(r->Time(i, 4));
    out.back().history.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ApplicantStore::RegionMembers(
    db::Connection& conn, const std::string& region_id) {
  auto r = conn.Exec(sql::kRegionMembers, {region_id});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->Text(i, 0));
  return out;
}

}  // namespace fhv::recruitment
