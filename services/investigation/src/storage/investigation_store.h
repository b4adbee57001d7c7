#pragma once

// Storage of investigations and register notes: the only place with their SQL.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "common/util/paging.h"
#include "fhv/investigation/v1/investigation_service.pb.h"

namespace fhv::investigation {

namespace v1 = ::fhv::investigation::v1;

struct Stored {
  v1::Investigation investigation;  // with etag set from the row's version
  std::string org_id;
};

struct ListFilter {
  std::vector<std::string> states;  // enum names; empty for all
  std::string investigator;
  std::string applicant_id;
  std::string home_id;
  std::string kind;                         // enum name or ""
  std::optional<absl::CivilDay> opened_by;  // opened on or before
};

struct Page {
  std::vector<v1::Investigation> investigations;
  std::optional<TimeKey> last;  // set when there may be more
};

// Stateless; every method runs on the connection it is given.
class InvestigationStore {
 public:
  // FAILED_PRECONDITION (reason INVESTIGATION_ALREADY_OPEN) if the applicant or home
  // already has an undecided investigation.
  static absl::Status Insert(db::Connection& conn, const v1::Investigation& inv, absl::Time now);

  // Locks for a change. `org_id` empty: any organisation. PERMISSION_DENIED if there is
  // no such investigation (of that organisation).
  static absl::StatusOr<v1::Investigation> Lock(db::Connection& conn, const std::string& id,
                                                const std::string& org_id);
  static absl::StatusOr<v1::Investigation> Get(db::Connection& conn, const std::string& id,
                                               const std::string& org_id);

  // Stores a changed investigation and sets its new etag.
  static absl::Status Update(db::Connection& conn, v1::Investigation& inv, absl::Time now);

  static absl::StatusOr<Page> List(db::Connection& conn, const std::string& org_id,
                                   const ListFilter& filter, int page_size,
                                   const std::optional<TimeKey>& after);

  // The latest approved or rejected investigation of a home, if any.
  static absl::StatusOr<std::optional<Stored>> LatestDecided(db::Connection& conn,
                                                             const std::string& home_id);

  // The state of the applicant's decided initial investigation, if any.
  static absl::StatusOr<std::optional<std::string>> DecidedInitial(db::Connection& conn,
                                                                   const std::string& applicant_id);

  // Undecided investigations of `org_id` ("" for all organisations).
  static absl::StatusOr<std::vector<Stored>> Undecided(db::Connection& conn,
                                                       const std::string& org_id);

  static absl::Status PutNote(db::Connection& conn, const std::string& check_id,
                              const std::string& investigation_id, const std::string& note);
  // NOT_FOUND if the check has no note.
  static absl::StatusOr<std::string> GetNote(db::Connection& conn, const std::string& check_id,
                                             const std::string& investigation_id);
};

}  // namespace fhv::investigation
