#include "services/recruitment/src/grpc/convert.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"

namespace fhv::recruitment {
absl::Status CheckUuid(const std::string& field, const std::string& id, const std::string& what) {
  if (IsUuid(id)) return absl::OkStatus();
  Violations v;
  v.Add(field, absl::StrCat("must be ", what, " id (a UUID)"));
  return v.ToStatus();
}

absl::StatusOr<std::optional<std::string>> AfterId(const std::string& token,
                                                   const std::string& filters) {
  auto key = DecodePageToken(token, filters, 1);
  if (!key.ok()) return key.status();
  if (key->empty()) return std::optional<std::string>();
  return std::optional<std::string>((*key)[0]);
}

absl::StatusOr<std::optional<TimeKey>> DecodeTimeKey(const std::string& token,
                                                     const std::string& filters) {
  auto key = DecodePageToken(token, filters, 2);
  if (!key.ok()) return key.status();
  if (key->empty()) return std::optional<TimeKey>();
  int64_t micros = 0;
  if (!absl::SimpleAtoi((*key)[0], &micros) || !IsUuid((*key)[1])) {
    Violations v;
    v.Add("page_token", "is malformed");
    return v.ToStatus();
  }
  return std::optional<TimeKey>(TimeKey(absl::FromUnixMicros(micros), (*key)[1]));
}

std::string EncodeTimeKey(const std::string& filters, const TimeKey& key) {
  return EncodePageToken(filters, {std::to_string(absl::ToUnixMicros(key.first)), key.second});
}

}  // namespace fhv::recruitment
