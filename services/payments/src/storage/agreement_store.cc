#include "services/payments/src/storage/agreement_store.h"

#include "common/util/dates.h"
#include "common/util/status.h"
#include "services/payments/sql/statements.h"

namespace fhv::payments {
namespace {

std::string Body(v1::Agreement a) {
  a.clear_etag();
  return a.SerializeAsString();
}

absl::StatusOr<v1::Agreement> Parse(const db::Result& r, int row) {
  v1::Agreement a;
  if (!a.ParseFromString(r.Bytes(row, 0))) {
    return absl::InternalError("a stored agreement does not parse");
  }
  a.set_etag(std::string(r.Text(row, 1)));
  return a;
}

absl::StatusOr<v1::Agreement> One(db::Connection& conn, const db::Statement& stmt,
                                  const std::string& id) {
  auto r = conn.Exec(stmt, {id});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) {
    return PermissionDenied("the agreement does not exist or is not the caller's");
  }
  return Parse(*r, 0);
}

db::Param OptionalDay(const fhv::common::v1::Date& d) {
  const auto day = DayOf(d);
  return day ? db::Param(*day) : db::Param(std::nullopt);
}

}  // namespace

absl::StatusOr<bool> AgreementStore::Insert(db::Connection& conn, v1::Agreement& a,
                                            absl::Time now) {
  auto r = conn.Exec(sql::kInsertAgreement,
                     {a.agreement_id(), v1::AgreementSource_Name(a.source()),
                      db::Param::NullIfEmpty(a.placement_id()), a.paying_municipality_id(),
                      a.home_id(), db::Param::NullIfEmpty(a.child_id()),
                      fhv::common::v1::AssignmentKind_Name(a.assignment_kind()), a.agency_home(),
                      v1::AgreementState_Name(a.state()), *DayOf(a.valid_from()),
                      OptionalDay(a.valid_to()), now, db::Param::Bytes(Body(a))});
  if (!r.ok()) return r.status();
  a.set_etag("1");
  return r->affected() == 1;
}

absl::StatusOr<v1::Agreement> AgreementStore::Lock(db::Connection& conn, const std::string& id) {
  return One(conn, sql::kLockAgreement, id);
}

absl::StatusOr<v1::Agreement> AgreementStore::Get(db::Connection& conn, const std::string& id) {
  return One(conn, sql::kGetAgreement, id);
}

absl::StatusOr<std::optional<v1::Agreement>> AgreementStore::LockOfPlacement(
    db::Connection& conn, const std::string& placement_id) {
  auto r = conn.Exec(sql::kLockAgreementOfPlacement, {placement_id});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<v1::Agreement>();
  auto a = Parse(*r, 0);
  if (!a.ok()) return a.status();
  return std::optional<v1::Agreement>(*std::move(a));
}

absl::Status AgreementStore::Update(db::Connection& conn, v1::Agreement& a, absl::Time now,
                                    std::optional<absl::CivilDay> changed_from) {
  auto r = conn.Exec(sql::kUpdateAgreement,
                     {a.agreement_id(), v1::AgreementState_Name(a.state()),
                      OptionalDay(a.valid_to()), db::Param::Bytes(Body(a)), now,
                      changed_from ? db::Param(*changed_from) : db::Param(std::nullopt)});
  if (!r.ok()) return r.status();
  if (r->rows() != 1) return absl::InternalError("the agreement vanished while locked");
  a.set_etag(std::string(r->Text(0, 0)));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Agreement>> AgreementStore::List(
    db::Connection& conn, const std::string& municipality_id, const AgreementFilter& f, int limit,
    const std::optional<std::string>& after) {
  auto r = conn.Exec(
      sql::kListAgreements,
      {db::Param::NullIfEmpty(municipality_id), limit,
       after ? db::Param(*after) : db::Param(std::nullopt), db::Param::NullIfEmpty(f.home_id),
       db::Param::NullIfEmpty(f.placement_id), db::Param::NullIfEmpty(f.child_id),
       f.states.empty() ? db::Param(std::nullopt) : db::Param::TextArray(f.states),
       db::Param::NullIfEmpty(f.assignment_kind),
       f.active_on ? db::Param(*f.active_on) : db::Param(std::nullopt)});
  if (!r.ok()) return r.status();
  std::vector<v1::Agreement> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto a = Parse(*r, i);
    if (!a.ok()) return a.status();
    out.push_back(*std::move(a));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Agreement>> AgreementStore::OfHome(db::Connection& conn,
                                                                  const std::string& home_id) {
  auto r = conn.Exec(sql::kAgreementsOfHome, {home_id});
  if (!r.ok()) return r.status();
  std::vector<v1::Agreement> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto a = Parse(*r, i);
    if (!a.ok()) return a.status();
    out.push_back(*std::move(a));
  }
  return out;
}

}  // namespace fhv::payments
