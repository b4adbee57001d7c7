#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "common/util/status.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace fhv::validation {

// A client's request_id: required, 1..128 printable ASCII characters.
void CheckRequestId(Violations& v, absl::string_view field, absl::string_view request_id);

// Free text: at most `max_bytes` bytes of valid UTF-8 without control characters
// other than newline and tab.
void CheckText(Violations& v, absl::string_view field, absl::string_view text, size_t max_bytes,
               bool required);

// A code: 1..max_bytes of a-z, 0-9, '_' and '-' (tags, language codes, region and
// campaign ids).
bool IsCode(absl::string_view s, size_t max_bytes = 64);

// At most `max_count` distinct codes of at most `max_bytes`; each bad one is named as
// field[i].
void CheckCodes(Violations& v, absl::string_view field,
                const google::protobuf::RepeatedPtrField<std::string>& codes, size_t max_bytes,
                int max_count = 30);

// `text` made safe to store as given by a client whose input was not yet checked (e.g.
// in an audit row written before validation): at most `max_bytes`, cut at a UTF-8
// character boundary, control characters (NUL included) replaced by spaces.
std::string Printable(absl::string_view text, size_t max_bytes);

}  // namespace fhv::validation
