// Fuzzes keyset page tokens (common/util/paging.h). The first input byte picks a mode.
//
// Properties:
// - Decoding any token never crashes; an error is INVALID_ARGUMENT with one violation of field
//   page_token; a decoded key has the asked number of parts (none for the empty token), and
//   encoding it again decodes to the same key. AfterId and DecodeTimeKey agree with
//   DecodePageToken on the same token; a decoded time key has a UUID and the time its digits say.
// - Round trip: Decode(Encode(filters, key), filters, key.size()) == key for every key without the
//   separator byte 0x1f whose token fits in the 1024 bytes Decode accepts; other filters or
//   another number of parts give an error, never another key; a key with a separator inside a
//   part is refused (not misread) at its own number of parts.
// - Time keys round-trip to the microsecond (rounded down), with the id unchanged; a time key
//   whose id is not a UUID is refused.
// - PageSize(requested, default, max): negative is INVALID_ARGUMENT on page_size, 0 is the
//   default, otherwise min(requested, max).

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/util/ids.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "tests/fuzz/fuzz_input.h"

namespace fhv::fuzz {
namespace {

constexpr size_t kMaxTokenBytes = 1024;  // What DecodePageToken accepts.
constexpr char kSeparator = '\x1f';

enum Mode : uint8_t { kDecode, kRoundTrip, kTimeKey, kPageSize, kModes };

std::string Show(const std::vector<std::string>& key) {
  std::vector<std::string> escaped;
  for (const auto& part : key) escaped.push_back(absl::CHexEscape(part));
  return absl::StrCat("{\"", absl::StrJoin(escaped, "\", \""), "\"}");
}

// An error names page_token (or `field`) and nothing else.
void CheckBadToken(const absl::Status& status, const std::string& context,
                   const std::string& field = "page_token") {
  FHV_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
                 absl::StrCat(context, ": ", status.ToString()));
  const std::vector<FieldViolation> violations = GetViolations(status);
  FHV_FUZZ_CHECK(violations.size() == 1 && violations[0].field == field,
                 absl::StrCat(context, ": ", status.ToString()));
}

void Decode(Reader& in) {
  const std::string filters = in.String(64);
  const size_t parts = in.Int<uint8_t>(0, 4);
  const std::string token = in.Rest();
  const std::string context = absl::StrCat("token \"", absl::CHexEscape(token), "\" parts ", parts);

  auto key = DecodePageToken(token, filters, parts);
  if (!key.ok()) {
    CheckBadToken(key.status(), context);
  } else {
    FHV_FUZZ_CHECK(key->size() == (token.empty() ? 0 : parts), context);
    if (!token.empty()) {
      // Whatever spelling was accepted, the canonical one decodes to the same key.
      auto again = DecodePageToken(EncodePageToken(filters, *key), filters, parts);
      FHV_FUZZ_CHECK(again.ok() && *again == *key, absl::StrCat(context, " -> ", Show(*key)));
    }
  }

  auto after = AfterId(token, filters);
  auto one = DecodePageToken(token, filters, 1);
  FHV_FUZZ_CHECK(after.ok() == one.ok(), context);
  if (after.ok()) {
    FHV_FUZZ_CHECK(after->has_value() == !one->empty(), context);
    if (after->has_value()) FHV_FUZZ_CHECK(**after == (*one)[0], context);
  } else {
    CheckBadToken(after.status(), context);
  }

  auto time_key = DecodeTimeKey(token, filters);
  if (!time_key.ok()) {
    CheckBadToken(time_key.status(), context);
    return;
  }
  auto two = DecodePageToken(token, filters, 2);
  FHV_FUZZ_CHECK(two.ok() && time_key->has_value() == !two->empty(), context);
  if (!time_key->has_value()) return;
  const auto& [time, id] = **time_key;
  int64_t micros = 0;
  FHV_FUZZ_CHECK(IsUuid(id) && id == (*two)[1], context);
  FHV_FUZZ_CHECK(absl::SimpleAtoi((*two)[0], &micros) && time == absl::FromUnixMicros(micros),
                 context);
}

void RoundTrip(Reader& in) {
  const std::string filters = in.String(64);
  std::vector<std::string> key(in.Int<uint8_t>(0, 4));
  for (auto& part : key) part = in.String(300);
  const std::string context =
      absl::StrCat("filters \"", absl::CHexEscape(filters), "\" key ", Show(key));

  const std::string token = EncodePageToken(filters, key);
  FHV_FUZZ_CHECK(!token.empty(), context);  // The empty token means the first page.
  bool has_separator = false;
  for (const auto& part : key) has_separator |= part.find(kSeparator) != std::string::npos;

  auto decoded = DecodePageToken(token, filters, key.size());
  if (has_separator) {
    FHV_FUZZ_CHECK(!decoded.ok(), context);
  } else if (token.size() <= kMaxTokenBytes) {
    FHV_FUZZ_CHECK(
        decoded.ok() && *decoded == key,
        absl::StrCat(context, " -> ", decoded.ok() ? Show(*decoded) : decoded.status().ToString()));
  } else {
    FHV_FUZZ_CHECK(!decoded.ok(), context);
  }
  if (!decoded.ok()) CheckBadToken(decoded.status(), context);

  // Never another key: not for other filters, nor for another number of parts (a part holding
  // the separator does split into more parts: such keys are outside the contract).
  auto other_filters = DecodePageToken(token, filters + "x", key.size());
  FHV_FUZZ_CHECK(!other_filters.ok(), context);
  CheckBadToken(other_filters.status(), context);
  if (!has_separator) {
    FHV_FUZZ_CHECK(!DecodePageToken(token, filters, key.size() + 1).ok(), context);
    if (!key.empty()) {
      FHV_FUZZ_CHECK(!DecodePageToken(token, filters, key.size() - 1).ok(), context);
    }
  }

  if (key.size() == 1 && decoded.ok()) {
    auto after = AfterId(token, filters);
    FHV_FUZZ_CHECK(after.ok() && after->has_value() && **after == key[0], context);
  }
}

std::string Uuid(Reader& in) {
  std::string bytes;
  for (int i = 0; i < 16; ++i) bytes.push_back(static_cast<char>(in.Int<uint8_t>()));
  std::string hex = absl::BytesToHexString(bytes);
  if (in.Bool()) {
    for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

void TimeKeyRoundTrip(Reader& in) {
  const std::string filters = in.String(64);
  const int64_t micros = in.Int<int64_t>();
  const int64_t extra_nanos = in.Int<int64_t>(0, 999);
  const bool uuid_id = !in.Bool();
  const std::string id = uuid_id ? Uuid(in) : in.String(64);
  const absl::Time time = absl::FromUnixMicros(micros) + absl::Nanoseconds(extra_nanos);
  const std::string context =
      absl::StrCat("micros ", micros, "+", extra_nanos, "ns id \"", absl::CHexEscape(id), "\"");

  FHV_FUZZ_CHECK(!uuid_id || IsUuid(id), context);
  auto decoded = DecodeTimeKey(EncodeTimeKey(filters, {time, id}), filters);
  if (IsUuid(id)) {
    FHV_FUZZ_CHECK(decoded.ok() && decoded->has_value(), context);
    FHV_FUZZ_CHECK((*decoded)->first == absl::FromUnixMicros(micros) && (*decoded)->second == id,
                   context);
  } else {
    FHV_FUZZ_CHECK(!decoded.ok(), context);
    CheckBadToken(decoded.status(), context);
  }
}

void CheckPageSize(Reader& in) {
  const int requested = in.Int<int32_t>();
  const int default_size = in.Int<int32_t>(1, 1000);
  const int max_size = in.Int<int32_t>(1, 10000);
  const std::string context = absl::StrCat(requested, " ", default_size, " ", max_size);
  auto size = PageSize(requested, default_size, max_size);
  if (requested < 0) {
    FHV_FUZZ_CHECK(!size.ok(), context);
    CheckBadToken(size.status(), context, "page_size");
  } else {
    FHV_FUZZ_CHECK(size.ok(), context);
    FHV_FUZZ_CHECK(*size == (requested == 0 ? default_size : std::min(requested, max_size)),
                   context);
  }
}

std::vector<std::pair<std::string, std::string>> Seeds() {
  const std::string uuid = "3f2b8c1e-5d4a-4e2f-9b7c-0a1d2e3f4a5b";
  const std::string filters = "municipality=2418";
  std::vector<std::pair<std::string, std::string>> seeds = {
      {"decode-empty", Writer().Int<uint8_t>(kDecode).String(filters).Int<uint8_t>(1).bytes()},
      {"decode-id", Writer()
                        .Int<uint8_t>(kDecode)
                        .String(filters)
                        .Int<uint8_t>(1)
                        .Rest(EncodePageToken(filters, {uuid}))
                        .bytes()},
      {"decode-time-key",
       Writer()
           .Int<uint8_t>(kDecode)
           .String(filters)
           .Int<uint8_t>(2)
           .Rest(EncodeTimeKey(filters, {absl::FromUnixSeconds(1'700'000'000), uuid}))
           .bytes()},
      {"decode-year-version", Writer()
                                  .Int<uint8_t>(kDecode)
                                  .String("rate_tables")
                                  .Int<uint8_t>(2)
                                  .Rest(EncodePageToken("rate_tables", {"2024", "2"}))
                                  .bytes()},
      {"decode-padded", Writer()
                            .Int<uint8_t>(kDecode)
                            .String("")
                            .Int<uint8_t>(0)
                            .Rest(absl::StrCat(EncodePageToken("", {}), "=="))
                            .bytes()},
      {"round-trip-three", Writer()
                               .Int<uint8_t>(kRoundTrip)
                               .String(filters)
                               .Int<uint8_t>(3)
                               .String("2025")
                               .String("3")
                               .String(uuid)
                               .bytes()},
      {"round-trip-separator", Writer()
                                   .Int<uint8_t>(kRoundTrip)
                                   .String("")
                                   .Int<uint8_t>(1)
                                   .String("a\x1f"
                                           "b")
                                   .bytes()},
      {"time-key", Writer()
                       .Int<uint8_t>(kTimeKey)
                       .String(filters)
                       .Int<int64_t>(1'700'000'000'123'456)
                       .Int<int64_t>(789, 0)
                       .Bool(false)
                       .Rest(std::string(16, '\x5a'))
                       .bytes()},
      {"page-size", Writer()
                        .Int<uint8_t>(kPageSize)
                        .Int<int32_t>(600)
                        .Int<int32_t>(50, 1)
                        .Int<int32_t>(500, 1)
                        .bytes()},
  };
  return seeds;
}

}  // namespace
}  // namespace fhv::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fhv::fuzz::MaybeWriteSeeds(*argc, *argv, fhv::fuzz::Seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fhv::fuzz::Reader in(data, size);
  switch (in.Int<uint8_t>(0, fhv::fuzz::kModes - 1)) {
    case fhv::fuzz::kDecode:
      fhv::fuzz::Decode(in);
      break;
    case fhv::fuzz::kRoundTrip:
      fhv::fuzz::RoundTrip(in);
      break;
    case fhv::fuzz::kTimeKey:
      fhv::fuzz::TimeKeyRoundTrip(in);
      break;
    default:
      fhv::fuzz::CheckPageSize(in);
      break;
  }
  return 0;
}
