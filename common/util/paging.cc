#include "common/util/paging.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/util/hash.h"
#include "common/util/ids.h"
#include "common/util/status.h"

namespace fhv {
namespace {

constexpr char kSep = '\x1f';

std::string Fingerprint(absl::string_view filters) { return Sha256Hex(filters).substr(0, 16); }

absl::Status BadToken(absl::string_view why) {
  Violations v;
  v.Add("page_token", std::string(why));
  return v.ToStatus();
}

}  // namespace

absl::StatusOr<int> PageSize(int requested, int default_size, int max_size) {
  if (requested < 0) {
    Violations v;
    v.Add("page_size", "must not be negative");
    return v.ToStatus();
  }
  if (requested == 0) return default_size;
  return std::min(requested, max_size);
}

std::string EncodePageToken(absl::string_view filters, const std::vector<std::string>& key) {
  std::string raw = absl::StrCat("v1", std::string(1, kSep), Fingerprint(filters));
  for (const auto& k : key) absl::StrAppend(&raw, std::string(1, kSep), k);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(absl::string_view token,
                                                         absl::string_view filters,
                                                         size_t key_parts) {
  if (token.empty()) return std::vector<std::string>{};
  if (token.size() > 1024) return BadToken("is too long");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return BadToken("is malformed");
  std::vector<std::string> parts = absl::StrSplit(raw, kSep);
  if (parts.size() != key_parts + 2 || parts[0] != "v1") return BadToken("is malformed");
  if (parts[1] != Fingerprint(filters)) {
    return BadToken("belongs to a query with other filters");
  }
  return std::vector<std::string>(parts.begin() + 2, parts.end());
}

absl::StatusOr<std::optional<std::string>> AfterId(absl::string_view token,
                                                   absl::string_view filters) {
  auto key = DecodePageToken(token, filters, 1);
  if (!key.ok()) return key.status();
  if (key->empty()) return std::optional<std::string>();
  return std::optional<std::string>((*key)[0]);
}

absl::StatusOr<std::optional<TimeKey>> DecodeTimeKey(absl::string_view token,
                                                     absl::string_view filters) {
  auto key = DecodePageToken(token, filters, 2);
  if (!key.ok()) return key.status();
  if (key->empty()) return std::optional<TimeKey>();
  int64_t micros = 0;
  if (!absl::SimpleAtoi((*key)[0], &micros) || !IsUuid((*key)[1])) {
    return BadToken("is malformed");
  }
  return std::optional<TimeKey>(TimeKey(absl::FromUnixMicros(micros), (*key)[1]));
}

std::optional<absl::CivilDay> KeyDay(absl::string_view part) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(part, &day) || day.year() < 1000 || day.year() > 9999 ||
      absl::FormatCivilTime(day) != part) {
    return std::nullopt;
  }
  return day;
}

std::string EncodeTimeKey(absl::string_view filters, const TimeKey& key) {
  return EncodePageToken(filters, {std::to_string(absl::ToUnixMicros(key.first)), key.second});
}

absl::StatusOr<std::optional<DayKey>> DecodeDayKey(absl::string_view token,
                                                   absl::string_view filters) {
  auto key = DecodePageToken(token, filters, 2);
  if (!key.ok()) return key.status();
  if (key->empty()) return std::optional<DayKey>();
  const auto day = KeyDay((*key)[0]);
  if (!day || !IsUuid((*key)[1])) return BadToken("is malformed");
  return std::optional<DayKey>(DayKey(*day, (*key)[1]));
}

std::string EncodeDayKey(absl::string_view filters, const DayKey& key) {
  return EncodePageToken(filters, {absl::FormatCivilTime(key.first), key.second});
}

}  // namespace fhv
