#include "common/util/dates.h"

#include "common/util/status.h"
#include "common/validation/identifiers.h"
#include "google/protobuf/util/time_util.h"

namespace fhv {

int AgeOn(absl::CivilDay birth, absl::CivilDay day) {
  int age = static_cast<int>(day.year() - birth.year());
  if (day.month() < birth.month() || (day.month() == birth.month() && day.day() < birth.day())) {
    --age;
  }
  return age;
}

namespace {

const absl::TimeZone& Sweden() {
  static const absl::TimeZone* sweden = [] {
    auto* tz = new absl::TimeZone;
    if (!absl::LoadTimeZone("Europe/Stockholm", tz)) *tz = absl::FixedTimeZone(3600);
    return tz;
  }();
  return *sweden;
}

}  // namespace

absl::CivilDay Today(absl::Time now) { return absl::ToCivilDay(now, Sweden()); }

absl::Time StartOfDay(absl::CivilDay day) { return absl::FromCivil(day, Sweden()); }

fhv::common::v1::Date ToDate(absl::CivilDay day) {
  fhv::common::v1::Date out;
  out.set_year(static_cast<int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

absl::StatusOr<absl::CivilDay> FromDate(const fhv::common::v1::Date& date,
                                        const std::string& field) {
  auto day = validation::ParseDate(date.year(), date.month(), date.day());
  if (!day.ok()) {
    Violations v;
    v.Add(field, std::string(day.status().message()));
    return v.ToStatus();
  }
  return *day;
}

std::optional<absl::CivilDay> DayOf(const fhv::common::v1::Date& date) {
  auto day = validation::ParseDate(date.year(), date.month(), date.day());
  if (!day.ok()) return std::nullopt;
  return *day;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

}  // namespace fhv
