#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace fhv {

// A random (version 4) UUID in lower-case canonical form.
std::string NewUuid();

// True for a UUID in canonical form (8-4-4-4-12 hex digits, any case).
bool IsUuid(absl::string_view s);

}  // namespace fhv
