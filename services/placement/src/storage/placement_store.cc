#include "services/placement/src/storage/placement_store.h"

#include "common/util/dates.h"
#include "common/util/status.h"
#include "services/placement/sql/statements.h"

namespace fhv::placement {
namespace {

// Only what the service decides is stored; computed and per-caller fields are not.
template <typename Message>
std::string Body(Message m) {
  m.clear_etag();
  if constexpr (std::is_same_v<Message, v1::PlacementRequest>) m.clear_child_redacted();
  if constexpr (std::is_same_v<Message, v1::Placement>) m.clear_deadlines();
  return m.SerializeAsString();
}

template <typename Message>
absl::StatusOr<Message> Parse(const db::Result& r, int row) {
  Message m;
  if (!m.ParseFromString(r.Bytes(row, 0))) {
    return absl::InternalError("a stored record does not parse");
  }
  m.set_etag(std::string(r.Text(row, 1)));
  return m;
}

template <typename Message>
absl::StatusOr<Message> One(db::Connection& conn, const db::Statement& stmt,
                            const std::vector<db::Param>& params, absl::string_view what) {
  auto r = conn.Exec(stmt, params);
  if (!r.ok()) return r.status();
  if (r->rows() == 0) {
    return PermissionDenied(absl::StrCat("the ", what, " does not exist or is not the caller's"));
  }
  return Parse<Message>(*r, 0);
}

template <typename Message>
absl::StatusOr<std::vector<Message>> All(const db::Result& r, int limit) {
  std::vector<Message> out;
  for (int i = 0; i < std::min(r.rows(), limit); ++i) {
    auto m = Parse<Message>(r, i);
    if (!m.ok()) return m.status();
    out.push_back(*std::move(m));
  }
  return out;
}

db::Param OptionalTextArray(const std::vector<std::string>& v) {
  return v.empty() ? db::Param(std::nullopt) : db::Param::TextArray(v);
}

// The home a request holds or asks for: the selected proposal's, from decision on.
std::string HomeOf(const v1::PlacementRequest& r) {
  switch (r.state()) {
    case v1::PLACEMENT_REQUEST_STATE_AWAITING_DECISION:
    case v1::PLACEMENT_REQUEST_STATE_APPROVED:
    case v1::PLACEMENT_REQUEST_STATE_PLACED:
    case v1::PLACEMENT_REQUEST_STATE_ENDED:
      for (const auto& p : r.proposals()) {
        if (p.proposal_id() == r.selected_proposal_id()) return p.home_id();
      }
      return "";
    default:
      return "";
  }
}

}  // namespace

absl::StatusOr<std::string> PlacementStore::ChildId(db::Connection& conn,
                                                    const std::string& personnummer,
                                                    const std::string& new_id) {
  auto r = conn.Exec(sql::kChildId, {new_id, personnummer});
  if (!r.ok()) return r.status();
  return std::string(r->Text(0, 0));
}

absl::Status PlacementStore::InsertRequest(db::Connection& conn, const v1::PlacementRequest& r,
                                           absl::Time now) {
  return conn
      .Exec(sql::kInsertRequest,
            {r.placement_request_id(), r.municipality_id(), r.addressee().id(),
             v1::PlacementRequestState_Name(r.state()), v1::PlacementUrgency_Name(r.urgency()),
             db::Param::NullIfEmpty(r.consultant_user_id()),
             db::Param::NullIfEmpty(r.sibling_group_id()), r.child().child_id(), now,
             db::Param::Bytes(Body(r))})
      .status();
}

absl::StatusOr<v1::PlacementRequest> PlacementStore::LockRequest(db::Connection& conn,
                                                                 const std::string& id) {
  return One<v1::PlacementRequest>(conn, sql::kLockRequest, {id}, "placement request");
}

absl::StatusOr<v1::PlacementRequest> PlacementStore::GetRequest(db::Connection& conn,
                                                                const std::string& id) {
  return One<v1::PlacementRequest>(conn, sql::kGetRequest, {id}, "placement request");
}

absl::Status PlacementStore::UpdateRequest(db::Connection& conn, v1::PlacementRequest& r,
                                           absl::Time now) {
  auto res = conn.Exec(
      sql::kUpdateRequest,
      {r.placement_request_id(), r.addressee().id(), v1::PlacementRequestState_Name(r.state()),
       db::Param::NullIfEmpty(r.consultant_user_id()), r.child().child_id(),
       db::Param::Bytes(Body(r)), db::Param::NullIfEmpty(HomeOf(r)), now});
  if (!res.ok()) return res.status();
  if (res->rows() != 1) return absl::InternalError("the request vanished while locked");
  r.set_etag(std::string(res->Text(0, 0)));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::PlacementRequest>> PlacementStore::Siblings(
    db::Connection& conn, const std::string& group_id) {
  auto r = conn.Exec(sql::kSiblings, {group_id});
  if (!r.ok()) return r.status();
  return All<v1::PlacementRequest>(*r, r->rows());
}

absl::StatusOr<Page<v1::PlacementRequest, TimeKey>> PlacementStore::ListRequests(
    db::Connection& conn, const std::string& org_id, const RequestFilter& f, int page_size,
    const std::optional<TimeKey>& after) {
  auto r =
      conn.Exec(sql::kListRequests,
                {org_id, page_size + 1, after ? db::Param(after->first) : db::Param(std::nullopt),
                 after ? db::Param(after->second) : db::Param(std::nullopt),
                 db::Param::NullIfEmpty(f.municipality_id), db::Param::NullIfEmpty(f.addressee_id),
                 OptionalTextArray(f.states), db::Param::NullIfEmpty(f.urgency),
                 db::Param::NullIfEmpty(f.consultant), db::Param::NullIfEmpty(f.sibling_group_id),
                 db::Param::NullIfEmpty(f.child_id),
                 f.submitted_before ? db::Param(*f.submitted_before) : db::Param(std::nullopt)});
  if (!r.ok()) return r.status();
  Page<v1::PlacementRequest, TimeKey> page;
  auto items = All<v1::PlacementRequest>(*r, page_size);
  if (!items.ok()) return items.status();
  page.items = *std::move(items);
  if (r->rows() > page_size) {
    page.last = TimeKey(r->Time(page_size - 1, 2), std::string(r->Text(page_size - 1, 3)));
  }
  return page;
}

absl::Status PlacementStore::LockHome(db::Connection& conn, const std::string& home_id) {
  return conn.Exec(sql::kLockHome, {home_id}).status();
}

absl::StatusOr<int> PlacementStore::Occupied(db::Connection& conn, const std::string& home_id,
                                             const std::string& except_request_id) {
  auto r = conn.Exec(sql::kOccupied,
                     {home_id, except_request_id.empty() ? "00000000-0000-0000-0000-000000000000"
                                                         : except_request_id});
  if (!r.ok()) return r.status();
  return static_cast<int>(r->Int64(0, 0));
}

absl::Status PlacementStore::InsertPlacement(db::Connection& conn, const v1::Placement& p,
                                             absl::Time now) {
  return conn
      .Exec(sql::kInsertPlacement,
            {p.placement_id(), p.placement_request_id(), p.municipality_id(), p.home_id(),
             p.home_owner().id(), p.child().child_id(), v1::PlacementState_Name(p.state()),
             v1::PlacementForm_Name(p.form()), *DayOf(p.start_date()), now,
             db::Param::Bytes(Body(p))})
      .status();
}

absl::StatusOr<v1::Placement> PlacementStore::LockPlacement(db::Connection& conn,
                                                            const std::string& id) {
  return One<v1::Placement>(conn, sql::kLockPlacement, {id}, "placement");
}

absl::StatusOr<v1::Placement> PlacementStore::GetPlacement(db::Connection& conn,
                                                           const std::string& id) {
  return One<v1::Placement>(conn, sql::kGetPlacement, {id}, "placement");
}

absl::Status PlacementStore::UpdatePlacement(db::Connection& conn, v1::Placement& p,
                                             absl::Time now) {
  auto r = conn.Exec(sql::kUpdatePlacement, {p.placement_id(), v1::PlacementState_Name(p.state()),
                                             db::Param::Bytes(Body(p)), now});
  if (!r.ok()) return r.status();
  if (r->rows() != 1) return absl::InternalError("the placement vanished while locked");
  p.set_etag(std::string(r->Text(0, 0)));
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Placement, DayKey>> PlacementStore::ListPlacements(
    db::Connection& conn, const std::string& org_id, const PlacementFilter& f, int page_size,
    const std::optional<DayKey>& after) {
  auto r = conn.Exec(sql::kListPlacements,
                     {db::Param::NullIfEmpty(org_id), page_size + 1,
                      after ? db::Param(after->first) : db::Param(std::nullopt),
                      after ? db::Param(after->second) : db::Param(std::nullopt),
                      db::Param::NullIfEmpty(f.municipality_id), db::Param::NullIfEmpty(f.home_id),
                      db::Param::NullIfEmpty(f.agency_id), db::Param::NullIfEmpty(f.child_id),
                      OptionalTextArray(f.states), db::Param::NullIfEmpty(f.form)});
  if (!r.ok()) return r.status();
  Page<v1::Placement, DayKey> page;
  auto items = All<v1::Placement>(*r, page_size);
  if (!items.ok()) return items.status();
  page.items = *std::move(items);
  if (r->rows() > page_size) {
    page.last = DayKey(r->Date(page_size - 1, 2), std::string(r->Text(page_size - 1, 3)));
  }
  return page;
}

absl::StatusOr<std::vector<v1::Placement>> PlacementStore::LockStaleDue(db::Connection& conn,
                                                                        const std::string& after_id,
                                                                        int limit) {
  auto r = conn.Exec(sql::kLockStaleDue, {after_id, limit});
  if (!r.ok()) return r.status();
  return All<v1::Placement>(*r, r->rows());
}

absl::Status PlacementStore::StoreDue(db::Connection& conn, const v1::Placement& p,
                                      const std::string& fingerprint) {
  std::vector<int64_t> kinds;
  std::vector<std::string> rules, days;
  for (const auto& d : p.deadlines()) {
    kinds.push_back(d.kind());
    rules.push_back(d.rule_id());
    days.push_back(absl::FormatCivilTime(*DayOf(d.due_date())));
  }
  return conn
      .Exec(sql::kStoreDue, {p.placement_id(), p.municipality_id(), db::Param::Int64Array(kinds),
                             db::Param::TextArray(rules), db::Param::TextArray(days), fingerprint})
      .status();
}

absl::StatusOr<Page<DueRow, DueKey>> PlacementStore::ListDue(db::Connection& conn,
                                                             const DueFilter& f, int page_size,
                                                             const std::optional<DueKey>& after) {
  // Without a key the listing starts before the lowest date with the nil id: one plan serves
  // every page.
  const db::Param low = f.overdue_before ? db::Param("-infinity") : db::Param(f.from);
  auto r = conn.Exec(
      sql::kListDue,
      {f.municipality_id, low, f.to, f.from,
       f.overdue_before ? db::Param(*f.overdue_before) : db::Param(std::nullopt),
       f.kinds.empty() ? db::Param(std::nullopt) : db::Param::Int64Array(f.kinds),
       after ? db::Param(after->due) : low,
       after ? db::Param(after->placement_id) : db::Param("00000000-0000-0000-0000-000000000000"),
       after ? after->kind : -1, page_size + 1});
  if (!r.ok()) return r.status();
  Page<DueRow, DueKey> page;
  for (int i = 0; i < std::min(r->rows(), page_size); ++i) {
    auto placement = Parse<v1::Placement>(*r, i);
    if (!placement.ok()) return placement.status();
    page.items.push_back({.due = r->Date(i, 2),
                          .kind = static_cast<v1::StatutoryClockKind>(r->Int64(i, 3)),
                          .rule_id = std::string(r->Text(i, 4)),
                          .placement = *std::move(placement)});
  }
  if (r->rows() > page_size) {
    const DueRow& last = page.items.back();
    page.last = DueKey{last.due, last.placement.placement_id(), last.kind};
  }
  return page;
}

absl::StatusOr<std::string> PlacementStore::DueFingerprint(db::Connection& conn) {
  auto r = conn.Exec(sql::kDueFingerprint);
  if (!r.ok()) return r.status();
  return r->rows() == 0 ? std::string() : std::string(r->Text(0, 0));
}

absl::StatusOr<bool> PlacementStore::ChangeDueFingerprint(db::Connection& conn,
                                                          const std::string& fingerprint,
                                                          absl::Time now) {
  auto r = conn.Exec(sql::kChangeDueFingerprint, {fingerprint, now});
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return false;
  if (auto st = conn.Exec(sql::kInvalidateDue).status(); !st.ok()) return st;
  return true;
}

absl::StatusOr<std::vector<std::string>> PlacementStore::SiblingsInHome(
    db::Connection& conn, const std::string& group_id, const std::string& home_id) {
  auto r = conn.Exec(sql::kSiblingsInHome, {group_id, home_id});
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->Text(i, 0));
  return out;
}

absl::StatusOr<std::vector<v1::StatutoryClockRule>> PlacementStore::Rules(db::Connection& conn) {
  auto r = conn.Exec(sql::kRules);
  if (!r.ok()) return r.status();
  std::vector<v1::StatutoryClockRule> out;
  for (int i = 0; i < r->rows(); ++i) {
    v1::StatutoryClockRule& rule = out.emplace_back();
    rule.set_rule_id(std::string(r->Text(i, 0)));
    v1::StatutoryClockKind kind;
    if (v1::StatutoryClockKind_Parse(std::string(r->Text(i, 1)), &kind)) rule.set_kind(kind);
    rule.set_name(std::string(r->Text(i, 2)));
    rule.set_description(std::string(r->Text(i, 3)));
    rule.set_legal_citation(std::string(r->Text(i, 4)));
    *rule.mutable_valid_from() = ToDate(r->Date(i, 5));
    if (!r->IsNull(i, 6)) *rule.mutable_valid_to() = ToDate(r->Date(i, 6));
    for (const auto& b : r->TextArray(i, 7)) {
      v1::LegalBasis basis;
      if (v1::LegalBasis_Parse(b, &basis)) rule.add_legal_bases(basis);
    }
    for (const auto& f : r->TextArray(i, 8)) {
      v1::PlacementForm form;
      if (v1::PlacementForm_Parse(f, &form)) rule.add_forms(form);
    }
    v1::StatutoryClockAnchor anchor;
    if (v1::StatutoryClockAnchor_Parse(std::string(r->Text(i, 9)), &anchor)) {
      rule.set_anchor(anchor);
    }
    rule.set_first_due_after_months(static_cast<int>(r->Int64(i, 10)));
    rule.set_repeat_every_months(static_cast<int>(r->Int64(i, 11)));
    rule.set_repeat_from_last_step(r->Bool(i, 12));
  }
  return out;
}

absl::Status PlacementStore::InsertDelegation(db::Connection& conn, v1::Delegation& d) {
  const auto to = DayOf(d.valid_to());
  auto r = conn.Exec(sql::kInsertDelegation,
                     {d.delegation_id(), d.municipality_id(), d.delegate_user_id(),
                      *DayOf(d.valid_from()), to ? db::Param(*to) : db::Param(std::nullopt),
                      absl::FromUnixSeconds(d.update_time().seconds()), db::Param::Bytes(Body(d))});
  if (!r.ok()) return r.status();
  d.set_etag("1");
  return absl::OkStatus();
}

absl::StatusOr<v1::Delegation> PlacementStore::LockDelegation(db::Connection& conn,
                                                              const std::string& id,
                                                              const std::string& municipality_id) {
  return One<v1::Delegation>(conn, sql::kLockDelegation, {id, municipality_id}, "delegation");
}

absl::Status PlacementStore::UpdateDelegation(db::Connection& conn, v1::Delegation& d) {
  const auto to = DayOf(d.valid_to());
  auto r = conn.Exec(sql::kUpdateDelegation,
                     {d.delegation_id(), d.delegate_user_id(), *DayOf(d.valid_from()),
                      to ? db::Param(*to) : db::Param(std::nullopt), db::Param::Bytes(Body(d)),
                      absl::FromUnixSeconds(d.update_time().seconds())});
  if (!r.ok()) return r.status();
  if (r->rows() != 1) return absl::InternalError("the delegation vanished while locked");
  d.set_etag(std::string(r->Text(0, 0)));
  return absl::OkStatus();
}

absl::StatusOr<Page<v1::Delegation, std::string>> PlacementStore::ListDelegations(
    db::Connection& conn, const std::string& municipality_id, const std::string& user,
    std::optional<absl::CivilDay> in_force_on, int page_size,
    const std::optional<std::string>& after) {
  auto r =
      conn.Exec(sql::kListDelegations,
                {municipality_id, page_size + 1,
                 after ? db::Param(*after) : db::Param(std::nullopt), db::Param::NullIfEmpty(user),
                 in_force_on ? db::Param(*in_force_on) : db::Param(std::nullopt)});
  if (!r.ok()) return r.status();
  Page<v1::Delegation, std::string> page;
  auto items = All<v1::Delegation>(*r, page_size);
  if (!items.ok()) return items.status();
  page.items = *std::move(items);
  if (r->rows() > page_size) page.last = std::string(r->Text(page_size - 1, 2));
  return page;
}

}  // namespace fhv::placement
