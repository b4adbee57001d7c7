#pragma once

// Storage of organisations and regions: the only place with their SQL.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"

namespace fhv::recruitment {

namespace v1 = ::fhv::recruitment::v1;

// Stateless; every method runs on the connection it is given.
class OrganisationStore {
 public:
  // Inserts or replaces a validated organisation; returns it as stored.
  static absl::StatusOr<v1::Organisation> Upsert(db::Connection& conn,
                                                 const v1::Organisation& organisation,
                                                 absl::Time now);
  // NOT_FOUND if there is no organisation `id`.
  static absl::StatusOr<v1::Organisation> Get(db::Connection& conn, const std::string& id);
  // One page ordered by id, after `after` (exclusive); kind UNSPECIFIED means all.
  static absl::StatusOr<std::vector<v1::Organisation>> List(db::Connection& conn, int limit,
                                                            const std::optional<std::string>& after,
                                                            fhv::common::v1::OrganisationKind kind);

  // The indexes in `ids` of those that are not known municipalities / regions.
  static absl::StatusOr<std::vector<int>> UnknownMunicipalities(
      db::Connection& conn, const std::vector<std::string>& ids);
  static absl::StatusOr<std::vector<int>> UnknownRegions(db::Connection& conn,
                                                         const std::vector<std::string>& ids);

  // Inserts or replaces a validated region with exactly its members. Call in a transaction.
  static absl::Status UpsertRegion(db::Connection& conn, const v1::Region& region, absl::Time now);
  static absl::StatusOr<std::vector<v1::Region>> ListRegions(
      db::Connection& conn, int limit, const std::optional<std::string>& after);
};

}  // namespace fhv::recruitment
