#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fhv {

// A random (version 4) UUID in lower-case canonical form.
std::string NewUuid();

// True for a UUID in canonical form (8-4-4-4-12 hex digits, any case).
bool IsUuid(absl::string_view s);

// OK for a UUID; otherwise INVALID_ARGUMENT naming `field`: "must be <what> id (a UUID)".
absl::Status CheckUuid(absl::string_view field, absl::string_view id, absl::string_view what);

}  // namespace fhv
