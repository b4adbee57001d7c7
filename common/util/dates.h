#pragma once

// Calendar dates of the suite: "today" and days are Swedish (Europe/Stockholm).

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fhv/common/v1/types.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace fhv {

// Whole years of age on `day` of someone born on `birth` (negative before the birth).
int AgeOn(absl::CivilDay birth, absl::CivilDay day);

// Today's date in Sweden at `now`.
absl::CivilDay Today(absl::Time now);
// The start of `day` in Sweden.
absl::Time StartOfDay(absl::CivilDay day);

fhv::common::v1::Date ToDate(absl::CivilDay day);
// The day `date` names; nullopt if it is unset (all zero) or not a calendar date.
std::optional<absl::CivilDay> DayOf(const fhv::common::v1::Date& date);

// An instant as a protobuf Timestamp (microsecond precision, as PostgreSQL keeps it), and back.
google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& t);

// INVALID_ARGUMENT naming `field` unless `date` is a valid calendar date.
absl::StatusOr<absl::CivilDay> FromDate(const fhv::common::v1::Date& date,
                                        const std::string& field);

}  // namespace fhv
