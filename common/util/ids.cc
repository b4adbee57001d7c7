#include "common/util/ids.h"

#include <openssl/rand.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace fhv {

std::string NewUuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof(b));
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // variant 1
  const std::string hex =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(b), sizeof(b)));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

bool IsUuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

absl::Status CheckUuid(absl::string_view field, absl::string_view id, absl::string_view what) {
  if (IsUuid(id)) return absl::OkStatus();
  Violations v;
  v.Add(std::string(field), absl::StrCat("must be ", what, " id (a UUID)"));
  return v.ToStatus();
}

}  // namespace fhv
