#pragma once

#include "absl/strings/string_view.h"
#include "common/util/status.h"

namespace fhv::validation {

// A client's request_id: required, 1..128 printable ASCII characters.
void CheckRequestId(Violations& v, absl::string_view field, absl::string_view request_id);

// Free text: at most `max_bytes` bytes of valid UTF-8 without control characters
// other than newline and tab.
void CheckText(Violations& v, absl::string_view field, absl::string_view text, size_t max_bytes,
               bool required);

}  // namespace fhv::validation
