#pragma once

// Small translations shared by the recruitment handlers: page keys and ids (dates are in
// common/util/dates.h).

#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/util/dates.h"

namespace fhv::recruitment {

// INVALID_ARGUMENT naming `field` unless `id` is a UUID.
absl::Status CheckUuid(const std::string& field, const std::string& id, const std::string& what);

// The last id of the previous page, from a token made for `filters` (nullopt: first page).
absl::StatusOr<std::optional<std::string>> AfterId(const std::string& token,
                                                   const std::string& filters);

// A keyset of (time, id) for lists newest first.
using TimeKey = std::pair<absl::Time, std::string>;

// The (time, id) after which the page starts, from a token made for `filters` by
// EncodeTimeKey (nullopt: first page). INVALID_ARGUMENT naming page_token otherwise.
absl::StatusOr<std::optional<TimeKey>> DecodeTimeKey(const std::string& token,
                                                     const std::string& filters);
std::string EncodeTimeKey(const std::string& filters, const TimeKey& key);

}  // namespace fhv::recruitment
