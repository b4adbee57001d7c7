#include "services/recruitment/src/storage/home_store.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/status.h"
#include "services/recruitment/sql/statements.h"

namespace fhv::recruitment {
namespace {

// A row of FHV_HOME_COLUMNS.
absl::StatusOr<v1::Home> RowToHome(const db::Result& r, int i) {
  v1::Home h;
  if (!h.ParseFromString(r.Bytes(i, 1))) return absl::InternalError("a stored home does not parse");
  h.set_id(std::string(r.Text(i, 0)));
  h.set_placed_children(static_cast<int32_t>(r.Int64(i, 2)));
  v1::Availability availability;
  if (v1::Availability_Parse(std::string(r.Text(i, 3)), &availability)) {
    h.set_availability(availability);
  }
  h.clear_paused_until();
  if (!r.IsNull(i, 4)) *h.mutable_paused_until() = ToDate(r.Date(i, 4));
  *h.mutable_approved_on() = ToDate(r.Date(i, 5));
  h.set_etag(std::string(r.Text(i, 6)));
  h.set_revoked(r.Bool(i, 7));
  h.clear_shared_with_regions();
  for (auto& region : r.TextArray(i, 8)) h.add_shared_with_regions(std::move(region));
  return h;
}

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& in) {
  return {in.begin(), in.end()};
}

std::vector<std::string> TrainingNames(const v1::Home& h) {
  std::vector<std::string> out;
  for (const auto& t : h.trainings()) out.push_back(t.name());
  return out;
}

db::Param Coordinate(const v1::Home& h, bool latitude) {
  if (!h.has_location()) return db::Param(std::nullopt);
  return db::Param(absl::StrCat(latitude ? h.location().latitude() : h.location().longitude()));
}

// The body keeps the profile and scope; the columns hold the rest.
std::string Body(v1::Home h) {
  h.clear_id();
  h.clear_placed_children();
  h.clear_availability();
  h.clear_paused_until();
  h.clear_approved_on();
  h.clear_etag();
  return h.SerializeAsString();
}

absl::Status SetRegions(db::Connection& conn, const v1::Home& home) {
  if (auto r = conn.Exec(sql::kClearHomeRegions, {home.id()}); !r.ok()) return r.status();
  if (home.shared_with_regions_size() == 0) return absl::OkStatus();
  auto r = conn.Exec(sql::kAddHomeRegions,
                     {home.id(), db::Param::TextArray(Strings(home.shared_with_regions()))});
  return r.status();
}

double Number(absl::string_view text) {
  double v = 0;
  (void)absl::SimpleAtod(text, &v);
  return v;
}

// Columns 0..13 of FHV_MATCH_COLUMNS into `f`.
void ReadFacts(const db::Result& r, int i, HomeFacts& f) {
  f.id = std::string(r.Text(i, 0));
  for (const auto& k : r.TextArray(i, 1)) {
    fhv::common::v1::AssignmentKind parsed;
    if (fhv::common::v1::AssignmentKind_Parse(k, &parsed)) f.approved_kinds.push_back(parsed);
  }
  f.max_children = static_cast<int>(r.Int64(i, 2));
  f.min_age = static_cast<int>(r.Int64(i, 3));
  f.max_age = static_cast<int>(r.Int64(i, 4));
  f.placed_children = static_cast<int>(r.Int64(i, 5));
  (void)v1::SupportTier_Parse(std::string(r.Text(i, 6)), &f.tier);
  (void)v1::Availability_Parse(std::string(r.Text(i, 7)), &f.availability);
  if (!r.IsNull(i, 8)) f.paused_until = r.Date(i, 8);
  if (!r.IsNull(i, 9) && !r.IsNull(i, 10)) {
    f.location = GeoPoint{Number(r.Text(i, 9)), Number(r.Text(i, 10))};
  }
  f.languages = r.TextArray(i, 11);
  f.experience_tags = r.TextArray(i, 12);
  f.trainings = r.TextArray(i, 13);
}

}  // namespace

Viewer Viewer::Of(const auth::Principal& p) {
  return {.org_id = p.org_id,
          .municipality = p.org_kind == auth::OrgKind::kMunicipality,
          .all = p.org_kind == auth::OrgKind::kInternal};
}

absl::StatusOr<v1::Home> HomeStore::Upsert(db::Connection& conn, const v1::Home& home,
                                           absl::CivilDay approved_on, absl::Time now) {
  std::vector<std::string> kinds;
  for (int k : home.approved_kinds()) {
    kinds.push_back(
        fhv::common::v1::AssignmentKind_Name(static_cast<fhv::common::v1::AssignmentKind>(k)));
  }
  const auto paused = DayOf(home.paused_until());
  auto r = conn.Exec(sql::kUpsertHome, {home.id(),
                                        db::Param::NullIfEmpty(home.applicant_id()),
                                        home.owner().id(),
                                        fhv::common::v1::OrganisationKind_Name(home.owner().kind()),
                                        home.municipality(),
                                        v1::SupportTier_Name(home.support_tier()),
                                        db::Param::TextArray(kinds),
                                        home.max_children(),
                                        home.min_age(),
                                        home.max_age(),
                                        v1::Availability_Name(home.availability()),
                                        paused ? db::Param(*paused) : db::Param(std::nullopt),
                                        Coordinate(home, true),
                                        Coordinate(home, false),
                                        db::Param::TextArray(Strings(home.languages())),
                                        db::Param::TextArray(Strings(home.experience_tags())),
                                        db::Param::TextArray(TrainingNames(home)),
                                        approved_on,
                                        now,
                                        db::Param::Bytes(Body(home))});
  if (!r.ok()) return r.status();
  if (auto st = SetRegions(conn, home); !st.ok()) return st;
  return Get(conn, home.id(), {.all = true});
}

absl::StatusOr<std::vector<v1::Home>> HomeStore::GetMany(db::Connection& conn,
                                                         const std::vector<std::string>& ids,
                                                         const Viewer& viewer) {
  auto r = conn.Exec(sql::kGetHomes,
                     {db::Param::TextArray(ids), viewer.org_id, viewer.municipality, viewer.all});
  if (!r.ok()) return r.status();
  std::vector<v1::Home> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto home = RowToHome(*r, i);
    if (!home.ok()) return home.status();
    out.push_back(*std::move(home));
  }
  return out;
}

absl::StatusOr<v1::Home> HomeStore::Get(db::Connection& conn, const std::string& id,
                                        const Viewer& viewer) {
  auto homes = GetMany(conn, {id}, viewer);
  if (!homes.ok()) return homes.status();
  if (homes->empty()) return PermissionDenied("the home does not exist or is not visible");
  return std::move(homes->front());
}

absl::StatusOr<std::vector<v1::Home>> HomeStore::List(db::Connection& conn, const Viewer& viewer,
                                                      const HomeFilter& filter, int limit,
                                                      const std::optional<std::string>& after) {
  auto r = conn.Exec(sql::kListHomes,
                     {limit, viewer.org_id, viewer.municipality, viewer.all,
                      after ? db::Param(*after) : db::Param(std::nullopt),
                      filter.kind == fhv::common::v1::ASSIGNMENT_KIND_UNSPECIFIED
                          ? db::Param(std::nullopt)
                          : db::Param(fhv::common::v1::AssignmentKind_Name(filter.kind)),
                      filter.availability == v1::AVAILABILITY_UNSPECIFIED
                          ? db::Param(std::nullopt)
                          : db::Param(v1::Availability_Name(filter.availability))});
  if (!r.ok()) return r.status();
  std::vector<v1::Home> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto home = RowToHome(*r, i);
    if (!home.ok()) return home.status();
    out.push_back(*std::move(home));
  }
  return out;
}

absl::Status HomeStore::LockForOwner(db::Connection& conn, const std::string& id,
                                     const std::string& owner_org, const std::string& etag) {
  auto r = conn.Exec(sql::kLockHome, {id});
  if (!r.ok()) return r.status();
  if (r->rows() == 0 || r->Text(0, 0) != owner_org) {
    return PermissionDenied("the home does not exist or is not the caller's to change");
  }
  if (etag != r->Text(0, 1)) {
    return StaleEtag("home");
  }
  return absl::OkStatus();
}

absl::Status HomeStore::UpdateProfile(db::Connection& conn, const v1::Home& home, absl::Time now) {
  auto r =
      conn.Exec(sql::kUpdateHomeProfile,
                {home.id(), Coordinate(home, true), Coordinate(home, false),
                 db::Param::TextArray(Strings(home.languages())),
                 db::Param::TextArray(Strings(home.experience_tags())),
                 db::Param::TextArray(TrainingNames(home)), db::Param::Bytes(Body(home)), now});
  if (!r.ok()) return r.status();
  return SetRegions(conn, home);
}

absl::Status HomeStore::SetAvailability(db::Connection& conn, const std::string& id,
                                        v1::Availability availability,
                                        std::optional<absl::CivilDay> paused_until,
                                        absl::Time now) {
  return conn
      .Exec(sql::kSetHomeAvailability,
            {id, v1::Availability_Name(availability),
             paused_until ? db::Param(*paused_until) : db::Param(std::nullopt), now})
      .status();
}

absl::Status HomeStore::Revoke(db::Connection& conn, const std::string& id, absl::Time now) {
  return conn.Exec(sql::kRevokeHome, {id, now}).status();
}

absl::Status HomeStore::RecordPlacement(db::Connection& conn, const std::string& placement_id,
                                        const std::string& home_id, absl::CivilDay start_date,
                                        std::optional<absl::CivilDay> end_date, absl::Time now) {
  auto home = conn.Exec(sql::kLockHome, {home_id});
  if (!home.ok()) return home.status();
  if (home->rows() == 0) return NotFound("home");
  auto r =
      conn.Exec(sql::kRecordPlacement, {placement_id, home_id, start_date,
                                        end_date ? db::Param(*end_date) : db::Param(std::nullopt)});
  if (!r.ok()) return r.status();
  return conn.Exec(sql::kRecountOccupancy, {home_id, now}).status();
}

absl::StatusOr<std::vector<HomeFacts>> HomeStore::MatchFacts(db::Connection& conn,
                                                             const Viewer& viewer,
                                                             const ValidNeeds& needs) {
  std::vector<db::Param> params = {fhv::common::v1::AssignmentKind_Name(needs.kind),
                                   needs.children,
                                   needs.youngest_age,
                                   needs.oldest_age,
                                   needs.start_date,
                                   needs.intensively_reinforced};
  if (!viewer.all) {
    params.push_back(viewer.org_id);
    params.push_back(viewer.municipality);
  }
  auto r = conn.Exec(viewer.all ? sql::kMatchFactsAll : sql::kMatchFacts, params);
  if (!r.ok()) return r.status();
  std::vector<HomeFacts> out(r->rows());
  for (int i = 0; i < r->rows(); ++i) {
    ReadFacts(*r, i, out[i]);
    out[i].visible = true;  // the query returns only visible homes
  }
  return out;
}

absl::StatusOr<std::vector<EvaluatedFacts>> HomeStore::EvaluateFacts(
    db::Connection& conn, const std::vector<std::string>& ids, const Viewer& viewer) {
  auto r = conn.Exec(sql::kEvaluateFacts,
                     {db::Param::TextArray(ids), viewer.org_id, viewer.municipality});
  if (!r.ok()) return r.status();
  std::vector<EvaluatedFacts> out(r->rows());
  for (int i = 0; i < r->rows(); ++i) {
    HomeFacts& f = out[i].facts;
    ReadFacts(*r, i, f);
    f.visible = viewer.all || r->Bool(i, 14);
    out[i].owner.set_id(std::string(r->Text(i, 15)));
    fhv::common::v1::OrganisationKind kind;
    if (fhv::common::v1::OrganisationKind_Parse(std::string(r->Text(i, 16)), &kind)) {
      out[i].owner.set_kind(kind);
    }
    if (r->Bool(i, 17)) f.approved_kinds.clear();
  }
  return out;
}

absl::StatusOr<std::vector<int>> HomeStore::RegionsNotJoinedBy(db::Connection& conn,
                                                               const std::vector<std::string>& ids,
                                                               const std::string& municipality) {
  std::vector<int> out;
  if (ids.empty()) return out;
  auto r = conn.Exec(sql::kRegionsJoined, {municipality, db::Param::TextArray(ids)});
  if (!r.ok()) return r.status();
  std::set<std::string> joined;
  for (int i = 0; i < r->rows(); ++i) joined.emplace(r->Text(i, 0));
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!joined.contains(ids[i])) out.push_back(static_cast<int>(i));
  }
  return out;
}

}  // namespace fhv::recruitment
