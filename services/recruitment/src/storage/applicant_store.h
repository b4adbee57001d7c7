#pragma once

// Storage of the applicant pipeline: the only place with its SQL.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "services/recruitment/src/domain/pipeline.h"

namespace fhv::recruitment {

struct ApplicantFilter {
  v1::ApplicantState state = v1::APPLICANT_STATE_UNSPECIFIED;
  v1::InterestSource source = v1::INTEREST_SOURCE_UNSPECIFIED;
  std::string campaign_id;
};

struct ApplicantPage {
  std::vector<v1::Applicant> applicants;
  // The last row's (created_at, id), set when there may be more rows.
  std::optional<std::pair<absl::Time, std::string>> last;
};

// A step to make. `org_id` empty: any organisation's applicant (events from other
// services); `etag` empty: no etag check (events).
struct StepRequest {
  std::string id;
  std::string org_id;
  std::string etag;
  PipelineStep step;
  std::string actor;
  // Recorded with the step when set.
  std::optional<absl::CivilDay> info_meeting_on;
  std::vector<std::string> applied_kinds;  // AssignmentKind names
  std::string reason;                      // why the applicant withdrew
};

// Stateless; every method runs on the connection it is given.
class ApplicantStore {
 public:
  // PERMISSION_DENIED unless the applicant exists and belongs to `org_id`.
  static absl::StatusOr<v1::Applicant> Get(db::Connection& conn, const std::string& id,
                                           const std::string& org_id);

  static absl::StatusOr<ApplicantPage> List(
      db::Connection& conn, const std::string& org_id, const ApplicantFilter& filter, int page_size,
      const std::optional<std::pair<absl::Time, std::string>>& after);

  // Makes one pipeline step under a row lock. PERMISSION_DENIED for an unknown or other
  // organisation's applicant; ABORTED (reason ETAG_MISMATCH) for a stale etag;
  // FAILED_PRECONDITION (INVALID_STATE) from a wrong state. A terminal state frees the
  // adults to apply again. Call in a transaction.
  static absl::StatusOr<v1::Applicant> Step(db::Connection& conn, const StepRequest& request,
                                            absl::Time now);

  // Records a step decided by an investigation event (see StateAfterEvent): no etag, any
  // organisation, never refused for its state. NOT_FOUND for an unknown applicant. Call
  // in a transaction.
  static absl::Status RecordEvent(db::Connection& conn, const std::string& id, PipelineStep step,
                                  const std::string& actor, absl::Time now);

  // The histories of the applicants of `org_ids` registered in [from, to).
  static absl::StatusOr<std::vector<FunnelInput>> FunnelInputs(
      db::Connection& conn, const std::vector<std::string>& org_ids, absl::Time from,
      absl::Time to);

  // The member municipalities of a region (empty if the region does not exist).
  static absl::StatusOr<std::vector<std::string>> RegionMembers(db::Connection& conn,
                                                                const std::string& region_id);
};

}  // namespace fhv::recruitment
