#pragma once

// Storage of interests and applicants: the only place with their SQL.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/db/connection.h"
#include "services/recruitment/src/domain/interest.h"

namespace fhv::recruitment {

struct RegisteredInterest {
  v1::Interest interest;
  bool existing_applicant = false;
};

struct InterestFilter {
  v1::InterestSource source = v1::INTEREST_SOURCE_UNSPECIFIED;
  std::string campaign_id;
};

struct InterestPage {
  std::vector<v1::Interest> interests;
  // The last row's key, set when there may be more rows.
  std::optional<std::pair<absl::Time, std::string>> last;
};

// Stateless; every method runs on the connection it is given.
class InterestStore {
 public:
  // Stores a validated interest for the caller's organisation and links it to the
  // adults' open applicant, or to a new applicant in state NEW. Call in a transaction.
  // Returns ABORTED (retryable) if a concurrent call registered one of the adults first.
  static absl::StatusOr<RegisteredInterest> Register(db::Connection& conn,
                                                     const ValidInterest& valid,
                                                     const auth::Principal& caller, absl::Time now);

  // The interest that `org_id` imported from portal submission `submission_id`, if any.
  static absl::StatusOr<std::optional<v1::Interest>> FindPortal(db::Connection& conn,
                                                                const std::string& org_id,
                                                                const std::string& submission_id);

  // True if interest `id` joined an applicant that already had an interest (as its
  // registration answered with existing_applicant).
  static absl::StatusOr<bool> JoinedExisting(db::Connection& conn, const std::string& id);

  // PERMISSION_DENIED unless the interest exists and belongs to `org_id` (the same answer
  // for both, so that a caller learns nothing about other organisations' records).
  static absl::StatusOr<v1::Interest> Get(db::Connection& conn, const std::string& id,
                                          const std::string& org_id);

  // One page of `org_id`'s interests, newest first, after `after` (exclusive).
  static absl::StatusOr<InterestPage> List(
      db::Connection& conn, const std::string& org_id, const InterestFilter& filter, int page_size,
      const std::optional<std::pair<absl::Time, std::string>>& after);
};

}  // namespace fhv::recruitment
