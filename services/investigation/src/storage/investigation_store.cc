#include "services/investigation/src/storage/investigation_store.h"

#include "common/util/status.h"
#include "services/investigation/sql/statements.h"

namespace fhv::investigation {
namespace {

// Only what the service decides is stored; computed fields are filled at read time.
std::string Body(v1::Investigation inv) {
  inv.clear_etag();
  inv.clear_missing_steps();
  inv.clear_days_open();
  for (auto& c : *inv.mutable_register_checks()) c.clear_days_waiting();
  return inv.SerializeAsString();
}

absl::StatusOr<v1::Investigation> Parse(const db::Result& r, int row) {
  v1::Investigation inv;
  if (!inv.ParseFromString(r.Bytes(row, 0))) {
    return absl::InternalError("a stored investigation does not parse");
  }
  inv.set_etag(std::string(r.Text(row, 1)));
  return inv;
}

absl::StatusOr<v1::Investigation> One(db::Connection& conn, const db::Statement& stmt,
                                      const std::string& id, const std::string& org_id) {
  auto r = conn.Exec(stmt, {id, db::Param::NullIfEmpty(org_id)});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) {
    return PermissionDenied("the investigation does not exist or is not the caller's");
  }
  return Parse(*r, 0);
}

absl::StatusOr<std::vector<Stored>> Many(const db::Result& r) {
  std::vector<Stored> out;
  for (int i = 0; i < r.rows(); ++i) {
    v1::Investigation inv;
    if (!inv.ParseFromString(r.Bytes(i, 0))) {
      return absl::InternalError("a stored investigation does not parse");
    }
    out.push_back({std::move(inv), std::string(r.Text(i, 1))});
  }
  return out;
}

}  // namespace

absl::Status InvestigationStore::Insert(db::Connection& conn, const v1::Investigation& inv,
                                        absl::Time now) {
  const auto& d = inv.opened_date();
  auto r =
      conn.Exec(sql::kInsert,
                {inv.investigation_id(), v1::InvestigationKind_Name(inv.kind()),
                 inv.organisation().id(), inv.applicant_id(), db::Param::NullIfEmpty(inv.home_id()),
                 v1::InvestigationState_Name(inv.state()), inv.investigator_user_id(),
                 absl::CivilDay(d.year(), d.month(), d.day()), now, db::Param::Bytes(Body(inv))});
  if (r.status().code() == absl::StatusCode::kAlreadyExists) {
    return Error(absl::StatusCode::kFailedPrecondition, "INVESTIGATION_ALREADY_OPEN",
                 "an undecided investigation of this applicant or home exists");
  }
  return r.status();
}

absl::StatusOr<v1::Investigation> InvestigationStore::Lock(db::Connection& conn,
                                                           const std::string& id,
                                                           const std::string& org_id) {
  return One(conn, sql::kLock, id, org_id);
}

absl::StatusOr<v1::Investigation> InvestigationStore::Get(db::Connection& conn,
                                                          const std::string& id,
                                                          const std::string& org_id) {
  return One(conn, sql::kGet, id, org_id);
}

absl::Status InvestigationStore::Update(db::Connection& conn, v1::Investigation& inv,
                                        absl::Time now) {
  auto r =
      conn.Exec(sql::kUpdate, {inv.investigation_id(), v1::InvestigationState_Name(inv.state()),
                               inv.investigator_user_id(), db::Param::NullIfEmpty(inv.home_id()),
                               db::Param::Bytes(Body(inv)), now});
  if (!r.ok()) return r.status();
  if (r->rows() != 1) return absl::InternalError("the investigation vanished while locked");
  inv.set_etag(std::string(r->Text(0, 0)));
  return absl::OkStatus();
}

absl::StatusOr<Page> InvestigationStore::List(db::Connection& conn, const std::string& org_id,
                                              const ListFilter& f, int page_size,
                                              const std::optional<TimeKey>& after) {
  auto r = conn.Exec(
      sql::kList, {org_id, page_size + 1, after ? db::Param(after->first) : db::Param(std::nullopt),
                   after ? db::Param(after->second) : db::Param(std::nullopt),
                   f.states.empty() ? db::Param(std::nullopt) : db::Param::TextArray(f.states),
                   db::Param::NullIfEmpty(f.investigator), db::Param::NullIfEmpty(f.applicant_id),
                   db::Param::NullIfEmpty(f.home_id), db::Param::NullIfEmpty(f.kind),
                   f.opened_by ? db::Param(*f.opened_by) : db::Param(std::nullopt)});
  if (!r.ok()) return r.status();
  Page page;
  const int n = std::min(r->rows(), page_size);
  for (int i = 0; i < n; ++i) {
    auto inv = Parse(*r, i);
    if (!inv.ok()) return inv.status();
    page.investigations.push_back(*std::move(inv));
  }
  if (r->rows() > page_size) page.last = TimeKey(r->Time(n - 1, 2), std::string(r->Text(n - 1, 3)));
  return page;
}

absl::StatusOr<std::optional<Stored>> InvestigationStore::LatestDecided(
    db::Connection& conn, const std::string& home_id) {
  auto r = conn.Exec(sql::kLatestDecided, {home_id});
  if (!r.ok()) return r.status();
  auto many = Many(*r);
  if (!many.ok()) return many.status();
  if (many->empty()) return std::optional<Stored>();
  return std::optional<Stored>(std::move(many->front()));
}

absl::StatusOr<std::optional<std::string>> InvestigationStore::DecidedInitial(
    db::Connection& conn, const std::string& applicant_id) {
  auto r = conn.Exec(sql::kDecidedInitial, {applicant_id});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(r->Text(0, 0)));
}

absl::StatusOr<std::vector<Stored>> InvestigationStore::Undecided(db::Connection& conn,
                                                                  const std::string& org_id) {
  auto r = conn.Exec(sql::kUndecided, {db::Param::NullIfEmpty(org_id)});
  if (!r.ok()) return r.status();
  return Many(*r);
}

absl::Status InvestigationStore::PutNote(db::Connection& conn, const std::string& check_id,
                                         const std::string& investigation_id,
                                         const std::string& note) {
  return conn.Exec(sql::kInsertNote, {check_id, investigation_id, note}).status();
}

absl::StatusOr<std::string> InvestigationStore::GetNote(db::Connection& conn,
                                                        const std::string& check_id,
                                                        const std::string& investigation_id) {
  auto r = conn.Exec(sql::kGetNote, {check_id, investigation_id});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) {
    return Error(absl::StatusCode::kNotFound, "NOTE_NOT_FOUND",
                 "the register check does not exist or has no note");
  }
  return std::string(r->Text(0, 0));
}

}  // namespace fhv::investigation
