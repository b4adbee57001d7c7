#pragma once

// Storage of SKR's rate tables: the only place with their SQL. Tables are stored in their
// JSON form, as the migration that seeds them writes them.

#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

// Stateless; every method runs on the connection it is given.
class RateStore {
 public:
  // The table of `year`, its latest version when `version` is 0. NOT_FOUND if none.
  static absl::StatusOr<v1::RateTable> Get(db::Connection& conn, int year, int version = 0);
  // Newest year first, every version; `after` is the (year, version) of the previous page's
  // last table. One more than `limit` means there are more.
  static absl::StatusOr<std::vector<v1::RateTable>> List(db::Connection& conn, int limit,
                                                         std::optional<std::pair<int, int>> after);
  // The latest year with a table, if any.
  static absl::StatusOr<std::optional<int>> LatestYear(db::Connection& conn);
  // Adds `table` as the next version of its year and sets version, creator and time.
  static absl::Status Add(db::Connection& conn, v1::RateTable& table, const std::string& user,
                          absl::Time now);
};

}  // namespace fhv::payments
