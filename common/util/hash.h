#pragma once

// SHA-256 of bytes: request fingerprints, migration checksums, stored files.

#include <string>

#include "absl/strings/string_view.h"

namespace fhv {

// Raw 32-byte SHA-256 of `data`.
std::string Sha256(absl::string_view data);
// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

}  // namespace fhv
