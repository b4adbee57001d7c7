#pragma once

// Storage of placement requests, placements, children's ids, delegations and the statutory
// clock rules: the only place with their SQL.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "common/util/paging.h"
#include "fhv/placement/v1/placement_service.pb.h"

namespace fhv::placement {

namespace v1 = ::fhv::placement::v1;

struct RequestFilter {
  std::string municipality_id, addressee_id, urgency, consultant, sibling_group_id, child_id;
  std::vector<std::string> states;  // enum names; empty for all
  std::optional<absl::Time> submitted_before;
};

struct PlacementFilter {
  std::string municipality_id, home_id, agency_id, child_id, form;
  std::vector<std::string> states;
};

// A page of rows and the key of its last row when there may be more.
template <typename T, typename Key>
struct Page {
  std::vector<T> items;
  std::optional<Key> last;
};

// Where a listing of due dates resumes: after this (due date, placement, kind).
struct DueKey {
  absl::CivilDay due;
  std::string placement_id;
  int kind = 0;
};

// The due dates ListDueStatutoryItems asks for: those in [from, to] of the municipality, and
// with overdue_before those before `from` that are also before it.
struct DueFilter {
  std::string municipality_id;
  absl::CivilDay from, to;
  std::optional<absl::CivilDay> overdue_before;
  std::vector<int64_t> kinds;  // StatutoryClockKind numbers; empty for all
};

// One stored due date with its placement.
struct DueRow {
  absl::CivilDay due;
  v1::StatutoryClockKind kind = v1::STATUTORY_CLOCK_KIND_UNSPECIFIED;
  std::string rule_id;
  v1::Placement placement;
};

// Stateless; every method runs on the connection it is given. Records read come with their
// etag set from the row's version. A missing request or placement is PERMISSION_DENIED (the
// same answer as one the caller may not see).
class PlacementStore {
 public:
  // The pseudonymous id of the child with `personnummer`; `new_id` if it has none yet.
  static absl::StatusOr<std::string> ChildId(db::Connection& conn, const std::string& personnummer,
                                             const std::string& new_id);

  static absl::Status InsertRequest(db::Connection& conn, const v1::PlacementRequest& r,
                                    absl::Time now);
  static absl::StatusOr<v1::PlacementRequest> LockRequest(db::Connection& conn,
                                                          const std::string& id);
  static absl::StatusOr<v1::PlacementRequest> GetRequest(db::Connection& conn,
                                                         const std::string& id);
  // Stores a changed request and sets its new etag.
  static absl::Status UpdateRequest(db::Connection& conn, v1::PlacementRequest& r, absl::Time now);
  static absl::StatusOr<std::vector<v1::PlacementRequest>> Siblings(db::Connection& conn,
                                                                    const std::string& group_id);
  // Requests `org_id` owns or is addressed, newest first.
  static absl::StatusOr<Page<v1::PlacementRequest, TimeKey>> ListRequests(
      db::Connection& conn, const std::string& org_id, const RequestFilter& filter, int page_size,
      const std::optional<TimeKey>& after);

  // Serialises capacity decisions on `home_id` until the transaction ends.
  static absl::Status LockHome(db::Connection& conn, const std::string& home_id);
  // Active placements and approved, not started requests in the home (other than
  // `except_request_id`).
  static absl::StatusOr<int> Occupied(db::Connection& conn, const std::string& home_id,
                                      const std::string& except_request_id);

  static absl::Status InsertPlacement(db::Connection& conn, const v1::Placement& p, absl::Time now);
  static absl::StatusOr<v1::Placement> LockPlacement(db::Connection& conn, const std::string& id);
  static absl::StatusOr<v1::Placement> GetPlacement(db::Connection& conn, const std::string& id);
  static absl::Status UpdatePlacement(db::Connection& conn, v1::Placement& p, absl::Time now);
  // Placements `org_id` owns or whose home it holds ("" for all), newest start first.
  static absl::StatusOr<Page<v1::Placement, DayKey>> ListPlacements(
      db::Connection& conn, const std::string& org_id, const PlacementFilter& filter, int page_size,
      const std::optional<DayKey>& after);
  // Up to `limit` placements with ids after `after_id` (a uuid) whose due dates are stale, by
  // id, each locked as LockPlacement locks it; those locked by others are skipped.
  static absl::StatusOr<std::vector<v1::Placement>> LockStaleDue(db::Connection& conn,
                                                                 const std::string& after_id,
                                                                 int limit);
  // The placement's due dates become its deadlines() (none for an ended one), computed with
  // the rules and logic of `fingerprint`; they count as current only if that is the recorded
  // one. Callers store them with every write of the placement.
  static absl::Status StoreDue(db::Connection& conn, const v1::Placement& p,
                               const std::string& fingerprint);
  // Stored due dates of active placements by due date, placement id and kind.
  static absl::StatusOr<Page<DueRow, DueKey>> ListDue(db::Connection& conn, const DueFilter& filter,
                                                      int page_size,
                                                      const std::optional<DueKey>& after);
  // The fingerprint current due dates are computed with ("" before the first is recorded).
  static absl::StatusOr<std::string> DueFingerprint(db::Connection& conn);
  // Records `fingerprint` and, if it was another, marks every active placement's due dates
  // stale; true if it was another. Two statements: run it in a transaction.
  static absl::StatusOr<bool> ChangeDueFingerprint(db::Connection& conn,
                                                   const std::string& fingerprint, absl::Time now);
  // Child ids of the sibling group placed in the home now.
  static absl::StatusOr<std::vector<std::string>> SiblingsInHome(db::Connection& conn,
                                                                 const std::string& group_id,
                                                                 const std::string& home_id);

  static absl::StatusOr<std::vector<v1::StatutoryClockRule>> Rules(db::Connection& conn);

  static absl::Status InsertDelegation(db::Connection& conn, v1::Delegation& d);
  // PERMISSION_DENIED if the municipality has no such delegation.
  static absl::StatusOr<v1::Delegation> LockDelegation(db::Connection& conn, const std::string& id,
                                                       const std::string& municipality_id);
  static absl::Status UpdateDelegation(db::Connection& conn, v1::Delegation& d);
  static absl::StatusOr<Page<v1::Delegation, std::string>> ListDelegations(
      db::Connection& conn, const std::string& municipality_id, const std::string& user,
      std::optional<absl::CivilDay> in_force_on, int page_size,
      const std::optional<std::string>& after);
};

}  // namespace fhv::placement
