#include "services/recruitment/src/storage/organisation_store.h"

#include <set>

#include "absl/strings/numbers.h"
#include "common/util/status.h"
#include "services/recruitment/sql/statements.h"

namespace fhv::recruitment {
namespace {

v1::Organisation RowToOrganisation(const db::Result& r, int row) {
  v1::Organisation o;
  o.mutable_ref()->set_id(std::string(r.Text(row, 0)));
  fhv::common::v1::OrganisationKind kind;
  if (fhv::common::v1::OrganisationKind_Parse(std::string(r.Text(row, 1)), &kind)) {
    o.mutable_ref()->set_kind(kind);
  }
  o.set_name(std::string(r.Text(row, 2)));
  o.set_organisationsnummer(std::string(r.Text(row, 3)));
  if (!r.IsNull(row, 4) && !r.IsNull(row, 5)) {
    double lat = 0, lon = 0;
    (void)absl::SimpleAtod(r.Text(row, 4), &lat);
    (void)absl::SimpleAtod(r.Text(row, 5), &lon);
    o.mutable_location()->set_latitude(lat);
    o.mutable_location()->set_longitude(lon);
  }
  for (auto& region : r.TextArray(row, 6)) o.add_region_ids(std::move(region));
  return o;
}

absl::StatusOr<std::vector<int>> Unknown(db::Connection& conn, const db::Statement& stmt,
                                         const std::vector<std::string>& ids) {
  std::vector<int> unknown;
  if (ids.empty()) return unknown;
  auto r = conn.Exec(stmt, {db::Param::TextArray(ids)});
  if (!r.ok()) return r.status();
  std::set<std::string> known;
  for (int i = 0; i < r->rows(); ++i) known.insert(std::string(r->Text(i, 0)));
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!known.contains(ids[i])) unknown.push_back(static_cast<int>(i));
  }
  return unknown;
}

}  // namespace

absl::StatusOr<v1::Organisation> OrganisationStore::Upsert(db::Connection& conn,
                                                           const v1::Organisation& o,
                                                           absl::Time now) {
  const bool located = o.has_location();
  auto r = conn.Exec(
      sql::kUpsertOrganisation,
      {o.ref().id(), fhv::common::v1::OrganisationKind_Name(o.ref().kind()), o.name(),
       o.organisationsnummer(),
       located ? db::Param(std::to_string(o.location().latitude())) : db::Param(std::nullopt),
       located ? db::Param(std::to_string(o.location().longitude())) : db::Param(std::nullopt),
       now});
  if (!r.ok()) return r.status();
  return Get(conn, o.ref().id());
}

absl::StatusOr<v1::Organisation> OrganisationStore::Get(db::Connection& conn,
                                                        const std::string& id) {
  auto r = conn.Exec(sql::kGetOrganisations, {db::Param::TextArray({id})});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("organisation");
  return RowToOrganisation(*r, 0);
}

absl::StatusOr<std::vector<v1::Organisation>> OrganisationStore::List(
    db::Connection& conn, int limit, const std::optional<std::string>& after,
    fhv::common::v1::OrganisationKind kind) {
  auto r = conn.Exec(sql::kListOrganisations,
                     {limit, after ? db::Param(*after) : db::Param(std::nullopt),
                      kind == fhv::common::v1::ORGANISATION_KIND_UNSPECIFIED
                          ? db::Param(std::nullopt)
                          : db::Param(fhv::common::v1::OrganisationKind_Name(kind))});
  if (!r.ok()) return r.status();
  std::vector<v1::Organisation> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(RowToOrganisation(*r, i));
  return out;
}

absl::StatusOr<std::vector<int>> OrganisationStore::UnknownMunicipalities(
    db::Connection& conn, const std::vector<std::string>& ids) {
  return Unknown(conn, sql::kKnownMunicipalities, ids);
}

absl::StatusOr<std::vector<int>> OrganisationStore::UnknownRegions(
    db::Connection& conn, const std::vector<std::string>& ids) {
  return Unknown(conn, sql::kKnownRegions, ids);
}

absl::Status OrganisationStore::UpsertRegion(db::Connection& conn, const v1::Region& region,
                                             absl::Time now) {
  if (auto r = conn.Exec(sql::kUpsertRegion, {region.id(), region.name(), now}); !r.ok()) {
    return r.status();
  }
  if (auto r = conn.Exec(sql::kClearRegionMembers, {region.id()}); !r.ok()) return r.status();
  std::vector<std::string> members(region.municipalities().begin(), region.municipalities().end());
  return conn.Exec(sql::kAddRegionMembers, {region.id(), db::Param::TextArray(members)}).status();
}

absl::StatusOr<std::vector<v1::Region>> OrganisationStore::ListRegions(
    db::Connection& conn, int limit, const std::optional<std::string>& after) {
  auto r =
      conn.Exec(sql::kListRegions, {limit, after ? db::Param(*after) : db::Param(std::nullopt)});
  if (!r.ok()) return r.status();
  std::vector<v1::Region> out;
  for (int i = 0; i < r->rows(); ++i) {
    v1::Region region;
    region.set_id(std::string(r->Text(i, 0)));
    region.set_name(std::string(r->Text(i, 1)));
    for (auto& m : r->TextArray(i, 2)) region.add_municipalities(std::move(m));
    out.push_back(std::move(region));
  }
  return out;
}

}  // namespace fhv::recruitment
