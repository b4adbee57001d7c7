#pragma once

// Storage of the registry of homes: the only place with its SQL. Visibility is decided
// here, in the queries, so that no path can return a home its viewer may not see.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/db/connection.h"
#include "services/recruitment/src/domain/matching.h"

namespace fhv::recruitment {

// Who is looking: a municipality sees its own homes and those shared with its regions,
// an agency its own, the suite's own services all.
struct Viewer {
  std::string org_id;
  bool municipality = false;
  bool all = false;
  static Viewer Of(const auth::Principal& p);
};

struct HomeFilter {
  v1::Availability availability = v1::AVAILABILITY_UNSPECIFIED;
  fhv::common::v1::AssignmentKind kind = fhv::common::v1::ASSIGNMENT_KIND_UNSPECIFIED;
};

// A home's match facts with its owner.
struct EvaluatedFacts {
  HomeFacts facts;
  fhv::common::v1::OrganisationRef owner;
};

// Stateless; every method runs on the connection it is given.
class HomeStore {
 public:
  // Enters `home` (with its id set) or replaces its scope and profile, with the regions
  // it is shared with. Occupancy and, for an existing home, availability are kept.
  static absl::StatusOr<v1::Home> Upsert(db::Connection& conn, const v1::Home& home,
                                         absl::CivilDay approved_on, absl::Time now);

  // The homes of `ids` that `viewer` may see, in id order (as stored: the caller applies
  // ShownTo).
  static absl::StatusOr<std::vector<v1::Home>> GetMany(db::Connection& conn,
                                                       const std::vector<std::string>& ids,
                                                       const Viewer& viewer);
  // PERMISSION_DENIED unless the home exists and `viewer` may see it.
  static absl::StatusOr<v1::Home> Get(db::Connection& conn, const std::string& id,
                                      const Viewer& viewer);

  // A page of homes `viewer` may see, by id, after `after`; one more row than
  // `page_size` means there are more.
  static absl::StatusOr<std::vector<v1::Home>> List(db::Connection& conn, const Viewer& viewer,
                                                    const HomeFilter& filter, int limit,
                                                    const std::optional<std::string>& after);

  // Locks the home for a change by its owner. PERMISSION_DENIED if it does not exist or
  // `owner_org` is not its owner; ABORTED (ETAG_MISMATCH) if `etag` is stale.
  static absl::Status LockForOwner(db::Connection& conn, const std::string& id,
                                   const std::string& owner_org, const std::string& etag);

  // Stores a changed profile (from ApplyProfile) of a locked home.
  static absl::Status UpdateProfile(db::Connection& conn, const v1::Home& home, absl::Time now);

  static absl::Status SetAvailability(db::Connection& conn, const std::string& id,
                                      v1::Availability availability,
                                      std::optional<absl::CivilDay> paused_until, absl::Time now);

  // Takes the home out of matching (a follow-up rejected it).
  static absl::Status Revoke(db::Connection& conn, const std::string& id, absl::Time now);

  // Records a placement's start (end_date empty) or end and recounts the home's
  // occupancy. NOT_FOUND if the home is unknown.
  static absl::Status RecordPlacement(db::Connection& conn, const std::string& placement_id,
                                      const std::string& home_id, absl::CivilDay start_date,
                                      std::optional<absl::CivilDay> end_date, absl::Time now);

  // The match facts of the homes of `ids` that exist, with whether `viewer` may see each
  // (HomeFacts::visible). A revoked home has no approved kinds here.
  static absl::StatusOr<std::vector<EvaluatedFacts>> EvaluateFacts(
      db::Connection& conn, const std::vector<std::string>& ids, const Viewer& viewer);

  // The facts for matching of the homes `viewer` may see that may meet the hard
  // constraints of `needs` (a superset of those that do: Evaluate decides).
  static absl::StatusOr<std::vector<HomeFacts>> MatchFacts(db::Connection& conn,
                                                           const Viewer& viewer,
                                                           const ValidNeeds& needs);

  // The indexes of the regions of `ids` that `municipality` is not a member of (unknown
  // regions included).
  static absl::StatusOr<std::vector<int>> RegionsNotJoinedBy(db::Connection& conn,
                                                             const std::vector<std::string>& ids,
                                                             const std::string& municipality);
};

}  // namespace fhv::recruitment
