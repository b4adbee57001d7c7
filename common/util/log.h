#pragma once

// Structured logs: one JSON object a line on stderr.
// Contract: field values are identifiers, codes, counts and durations only. A
// personnummer, a name or an address is never passed to a log function.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/string_view.h"

namespace fhv::log {

enum class Level { kDebug, kInfo, kWarn, kError };

using Field = std::pair<absl::string_view, absl::string_view>;

// Sets the "service" field of every line. Call once at start-up.
void SetService(absl::string_view service);
// Lines below `level` are dropped. Default: kInfo.
void SetMinLevel(Level level);

// Thread-safe; each call writes one whole line.
void Write(Level level, absl::string_view msg, std::initializer_list<Field> fields = {});
inline void Info(absl::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kInfo, msg, fields);
}
inline void Warn(absl::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kWarn, msg, fields);
}
inline void Error(absl::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::kError, msg, fields);
}

// Appends `s` to `out` as the body of a JSON string (without quotes).
void AppendJsonEscaped(std::string& out, absl::string_view s);

}  // namespace fhv::log
