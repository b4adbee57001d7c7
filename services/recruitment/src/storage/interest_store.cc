#include "services/recruitment/src/storage/interest_store.h"

#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/status.h"
#include "services/recruitment/sql/statements.h"

namespace fhv::recruitment {
namespace {

absl::StatusOr<v1::Interest> ParseBody(const db::Result& r, int row, int col) {
  v1::Interest interest;
  if (!interest.ParseFromString(r.Bytes(row, col))) {
    return absl::InternalError("a stored interest does not parse");
  }
  return interest;
}

fhv::common::v1::OrganisationKind KindOf(auth::OrgKind kind) {
  return kind == auth::OrgKind::kAgency ? fhv::common::v1::ORGANISATION_KIND_AGENCY
                                        : fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY;
}

}  // namespace

absl::StatusOr<RegisteredInterest> InterestStore::Register(db::Connection& conn,
                                                           const ValidInterest& valid,
                                                           const auth::Principal& caller,
                                                           absl::Time now) {
  RegisteredInterest out;
  v1::Interest& interest = out.interest;
  interest = valid.interest;
  interest.set_id(NewUuid());
  interest.mutable_receiving_organisation()->set_id(caller.org_id);
  interest.mutable_receiving_organisation()->set_kind(KindOf(caller.org_kind));
  *interest.mutable_received_at() = ToTimestamp(now);
  const std::string source = SourceName(interest.source());
  const std::string org_kind(auth::OrgKindName(caller.org_kind));

  auto open =
      conn.Exec(sql::kFindOpenApplicant, {caller.org_id, db::Param::TextArray(valid.personnummer)});
  if (!open.ok()) return open.status();
  std::string applicant_id;
  if (open->rows() > 0) {
    applicant_id = std::string(open->Text(0, 0));
    out.existing_applicant = true;
    auto locked = conn.Exec(sql::kLockOpenApplicant, {applicant_id});
    if (!locked.ok()) return locked.status();
    // Closed by a concurrent step since we looked: retry, which makes a new applicant.
    if (locked->rows() == 0) return db::StatusFromSqlState("40001", sql::kLockOpenApplicant.name);
    if (auto r = conn.Exec(sql::kAddPersons,
                           {applicant_id, caller.org_id, db::Param::TextArray(valid.personnummer)});
        !r.ok()) {
      return r.status();
    }
    if (auto r = conn.Exec(sql::kTouchApplicant, {applicant_id, now}); !r.ok()) return r.status();
  } else {
    applicant_id = NewUuid();
    if (auto r = conn.Exec(sql::kInsertApplicant, {applicant_id, caller.org_id, org_kind, source,
                                                   interest.campaign_id(), now});
        !r.ok()) {
      return r.status();
    }
    auto persons = conn.Exec(sql::kInsertPersons, {applicant_id, caller.org_id,
                                                   db::Param::TextArray(valid.personnummer)});
    if (!persons.ok()) {
      // Another call registered one of these adults since we looked: retry and join it.
      if (persons.status().code() == absl::StatusCode::kAlreadyExists) {
        return db::StatusFromSqlState("40001", sql::kInsertPersons.name);
      }
      return persons.status();
    }
    if (auto r = conn.Exec(sql::kInsertTransition,
                           {applicant_id, "APPLICANT_STATE_NEW", now, caller.user});
        !r.ok()) {
      return r.status();
    }
  }
  interest.set_applicant_id(applicant_id);
  auto r = conn.Exec(sql::kInsertInterest, {interest.id(), caller.org_id, org_kind, applicant_id,
                                            source, interest.campaign_id(), now,
                                            db::Param::NullIfEmpty(interest.portal_submission_id()),
                                            db::Param::Bytes(interest.SerializeAsString())});
  if (!r.ok()) {
    // A concurrent import of the same portal submission won: retry and find it.
    if (r.status().code() == absl::StatusCode::kAlreadyExists &&
        !interest.portal_submission_id().empty()) {
      return db::StatusFromSqlState("40001", sql::kInsertInterest.name);
    }
    return r.status();
  }
  return out;
}

absl::StatusOr<std::optional<v1::Interest>> InterestStore::FindPortal(
    db::Connection& conn, const std::string& org_id, const std::string& submission_id) {
  auto r = conn.Exec(sql::kFindPortalInterest, {org_id, submission_id});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<v1::Interest>();
  auto interest = ParseBody(*r, 0, 0);
  if (!interest.ok()) return interest.status();
  return std::optional<v1::Interest>(*std::move(interest));
}

absl::StatusOr<bool> InterestStore::JoinedExisting(db::Connection& conn, const std::string& id) {
  auto r = conn.Exec(sql::kJoinedExisting, {id});
  if (!r.ok()) return r.status();
  return r->Bool(0, 0);
}

absl::StatusOr<v1::Interest> InterestStore::Get(db::Connection& conn, const std::string& id,
                                                const std::string& org_id) {
  auto r = conn.Exec(sql::kGetInterest, {id, org_id});
  if (!r.ok()) return r.status();
  // Unknown and another organisation's: the same answer, so nothing leaks.
  if (r->rows() == 0) return PermissionDenied("the interest does not exist or is not the caller's");
  return ParseBody(*r, 0, 0);
}

absl::StatusOr<InterestPage> InterestStore::List(
    db::Connection& conn, const std::string& org_id, const InterestFilter& filter, int page_size,
    const std::optional<std::pair<absl::Time, std::string>>& after) {
  const db::Param source = filter.source == v1::INTEREST_SOURCE_UNSPECIFIED
                               ? db::Param(std::nullopt)
                               : db::Param(SourceName(filter.source));
  auto r =
      conn.Exec(sql::kListInterests,
                {org_id, page_size + 1, after ? db::Param(after->first) : db::Param(std::nullopt),
                 after ? db::Param(after->second) : db::Param(std::nullopt), source,
                 db::Param::NullIfEmpty(filter.campaign_id)});
  if (!r.ok()) return r.status();
  InterestPage page;
  const int n = std::min(r->rows(), page_size);
  for (int i = 0; i < n; ++i) {
    auto interest = ParseBody(*r, i, 2);
    if (!interest.ok()) return interest.status();
    page.interests.push_back(*std::move(interest));
  }
  if (r->rows() > page_size) {
    page.last = std::make_pair(r->Time(n - 1, 1), std::string(r->Text(n - 1, 0)));
  }
  return page;
}

}  // namespace fhv::recruitment
