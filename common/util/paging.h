#pragma once

// Keyset paging (AIP-158): opaque page tokens bound to the query's filters.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace fhv {

// Returns the page size to use: `requested`, or `default_size` for 0, clamped to
// `max_size`. INVALID_ARGUMENT (field page_size) if negative.
absl::StatusOr<int> PageSize(int requested, int default_size = 50, int max_size = 500);

// Encodes the last row's sort key and a fingerprint of the filters.
std::string EncodePageToken(absl::string_view filters, const std::vector<std::string>& key);

// Decodes a token made by EncodePageToken for the same filters. An empty token gives an
// empty key (first page). INVALID_ARGUMENT (field page_token) if the token is malformed,
// has another number of key parts, or was made for other filters.
absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token,
                                                         absl::string_view filters,
                                                         size_t key_parts);

// The last id of the previous page, from a token made for `filters` with one key part
// (nullopt: first page).
absl::StatusOr<std::optional<std::string>> AfterId(absl::string_view token,
                                                   absl::string_view filters);

// A day in a page token's key: YYYY-MM-DD in the years 1000 to 9999 as FormatCivilTime writes
// it; nullopt for anything else (tokens are not signed).
std::optional<absl::CivilDay> KeyDay(absl::string_view part);

// A keyset of (time, id) for lists newest first.
using TimeKey = std::pair<absl::Time, std::string>;

// The (time, id) after which the page starts, from a token made for `filters` by
// EncodeTimeKey (nullopt: first page). INVALID_ARGUMENT naming page_token otherwise.
absl::StatusOr<std::optional<TimeKey>> DecodeTimeKey(absl::string_view token,
                                                     absl::string_view filters);
std::string EncodeTimeKey(absl::string_view filters, const TimeKey& key);

// A keyset of (day, id), e.g. for lists by start date.
using DayKey = std::pair<absl::CivilDay, std::string>;

// The (day, id) after which the page starts, from a token made for `filters` by EncodeDayKey
// (nullopt: first page). INVALID_ARGUMENT naming page_token otherwise, also for a day KeyDay
// refuses.
absl::StatusOr<std::optional<DayKey>> DecodeDayKey(absl::string_view token,
                                                   absl::string_view filters);
std::string EncodeDayKey(absl::string_view filters, const DayKey& key);

}  // namespace fhv
