#include "common/validation/request.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

namespace fhv::validation {

void CheckRequestId(Violations& v, absl::string_view field, absl::string_view request_id) {
  if (request_id.empty()) {
    v.Add(std::string(field), "is required: a client-chosen id that makes retries safe");
    return;
  }
  if (request_id.size() > 128) {
    v.Add(std::string(field), "must be at most 128 characters");
    return;
  }
  for (char c : request_id) {
    if (c <= 0x20 || c >= 0x7f) {
      v.Add(std::string(field), "must be printable ASCII without spaces");
      return;
    }
  }
}

void CheckText(Violations& v, absl::string_view field, absl::string_view text, size_t max_bytes,
               bool required) {
  if (text.empty()) {
    if (required) v.Add(std::string(field), "is required");
    return;
  }
  if (text.size() > max_bytes) {
    v.Add(std::string(field), absl::StrCat("must be at most ", max_bytes, " bytes"));
    return;
  }
  // Protobuf has checked UTF-8 already; refuse control characters.
  for (unsigned char c : text) {
    if (c < 0x20 && c != '\n' && c != '\t') {
      v.Add(std::string(field), "must not contain control characters");
      return;
    }
  }
}

bool IsCode(absl::string_view s, size_t max_bytes) {
  if (s.empty() || s.size() > max_bytes) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}

void CheckCodes(Violations& v, absl::string_view field,
                const google::protobuf::RepeatedPtrField<std::string>& codes, size_t max_bytes,
                int max_count) {
  if (codes.size() > max_count)
    v.Add(std::string(field), absl::StrCat("must list at most ", max_count));
  std::set<std::string> seen;
  for (int i = 0; i < codes.size() && i < max_count; ++i) {
    if (!IsCode(codes[i], max_bytes)) {
      v.Add(absl::StrCat(field, "[", i, "]"),
            absl::StrCat("must be a lower-case code of at most ", max_bytes,
                         " characters (a-z, 0-9, '_', '-')"));
    } else if (!seen.insert(codes[i]).second) {
      v.Add(absl::StrCat(field, "[", i, "]"), "is named twice");
    }
  }
}

std::string Printable(absl::string_view text, size_t max_bytes) {
  size_t end = std::min(text.size(), max_bytes);
  // Back up over continuation bytes so that no character is cut in two.
  if (end < text.size()) {
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  std::string out(text.substr(0, end));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

}  // namespace fhv::validation
