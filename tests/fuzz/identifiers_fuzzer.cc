// Fuzzes the Swedish identifier parsers (common/validation/identifiers.h) with the input as the
// identifier text, checked against several fixed "today"s.
//
// Properties:
// - Every error is INVALID_ARGUMENT and its message holds no run of 5 digits (never the input).
// - A parsed personnummer is 12 digits with a valid Luhn digit over the last 10, a real birth date
//   not after today and from 1800, the day + 60 exactly for a samordningsnummer; and it parses
//   again to the same identity from each of its spellings: YYYYMMDDNNNC, YYYYMMDD-NNNC and
//   YYMMDD-NNNC ('+' from the 100th birthday on), and with whitespace around.
// - A parsed organisationsnummer is 10 digits, third digit >= 2, Luhn-valid, and each of its
//   spellings (NNNNNNNNNN, NNNNNN-NNNN, 16NNNNNNNNNN) parses again to it.
// - CheckKommunkod and LuhnValid agree with independent implementations of their contracts, and
//   exactly one check digit completes any digit string.
// - ParseDate(y, m, d) (ints from the input's first 12 bytes) is OK iff 1900 <= y <= 9999 and the
//   date exists, and then returns exactly that date.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/validation/identifiers.h"
#include "tests/fuzz/fuzz_input.h"

namespace fhv::fuzz {
namespace {

using validation::PersonalIdentity;

// Around today, a leap day, a year end, and a century that is not a leap year.
const absl::CivilDay kTodays[] = {absl::CivilDay(2024, 6, 15), absl::CivilDay(2000, 2, 29),
                                  absl::CivilDay(1999, 12, 31), absl::CivilDay(2100, 3, 1)};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "\\x", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::string DayString(absl::CivilDay d) { return absl::FormatCivilTime(d); }

// An error is INVALID_ARGUMENT with a literal message: no run of 5 digits, so never an identifier.
void CheckError(const absl::Status& status, std::string_view input) {
  FHV_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
                 absl::StrCat(status.ToString(), " for \"", Printable(input), "\""));
  int run = 0;
  for (char c : status.message()) {
    run = IsDigit(c) ? run + 1 : 0;
    FHV_FUZZ_CHECK(run < 5, absl::StrCat("message \"", status.message(), "\""));
  }
}

// The Luhn check, written independently: from the left, doubling the digits whose distance from
// the end is odd.
bool LuhnOracle(std::string_view digits) {
  if (digits.empty() || !AllDigits(digits)) return false;
  int sum = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    int d = digits[i] - '0';
    if ((digits.size() - 1 - i) % 2 == 1) d = d * 2 / 10 + d * 2 % 10;
    sum += d;
  }
  return sum % 10 == 0;
}

bool SameIdentity(const PersonalIdentity& a, const PersonalIdentity& b) {
  return a.digits == b.digits && a.birth_date == b.birth_date &&
         a.coordination_number == b.coordination_number;
}

void CheckReparse(std::string_view spelling, const PersonalIdentity& want, absl::CivilDay today) {
  auto again = validation::ParsePersonalIdentity(spelling, today);
  FHV_FUZZ_CHECK(
      again.ok() && SameIdentity(*again, want),
      absl::StrCat("\"", Printable(spelling), "\" on ", DayString(today), ": ",
                   again.ok() ? again->digits : again.status().ToString(), ", want ", want.digits));
}

void CheckPersonalIdentity(std::string_view input, absl::CivilDay today) {
  auto parsed = validation::ParsePersonalIdentity(input, today);
  if (!parsed.ok()) {
    CheckError(parsed.status(), input);
    return;
  }
  const PersonalIdentity& id = *parsed;
  const std::string context = absl::StrCat("\"", Printable(input), "\" on ", DayString(today),
                                           " -> ", id.digits, " born ", DayString(id.birth_date));
  FHV_FUZZ_CHECK(id.digits.size() == 12 && AllDigits(id.digits), context);
  FHV_FUZZ_CHECK(LuhnOracle(std::string_view(id.digits).substr(2)), context);
  FHV_FUZZ_CHECK(id.birth_date <= today && id.birth_date.year() >= 1800, context);
  const int year = std::stoi(id.digits.substr(0, 4));
  const int month = std::stoi(id.digits.substr(4, 2));
  const int day = std::stoi(id.digits.substr(6, 2));
  FHV_FUZZ_CHECK(id.coordination_number == (day > 60), context);
  const int real_day = id.coordination_number ? day - 60 : day;
  // The digits name the birth date exactly: no normalisation (e.g. 31 April) slipped through.
  FHV_FUZZ_CHECK(id.birth_date.year() == year && id.birth_date.month() == month &&
                     id.birth_date.day() == real_day,
                 context);

  // Every spelling of it parses to the same identity.
  const std::string& d = id.digits;
  CheckReparse(d, id, today);
  CheckReparse(absl::StrCat(d.substr(0, 8), "-", d.substr(8)), id, today);
  CheckReparse(absl::StrCat(" \t", d, "\r\n"), id, today);
  // The 10-digit forms: '-' before the 100th birthday, '+' from it; not expressible from the 200th.
  const auto on_or_after = [&](int years) {
    return std::make_tuple(year + years, month, real_day) <=
           std::make_tuple(static_cast<int>(today.year()), today.month(), today.day());
  };
  if (!on_or_after(200)) {
    const char separator = on_or_after(100) ? '+' : '-';
    CheckReparse(absl::StrCat(d.substr(2, 6), std::string(1, separator), d.substr(8)), id, today);
    if (separator == '-') CheckReparse(d.substr(2), id, today);
  }
}

void CheckOrganisationsnummer(std::string_view input) {
  auto parsed = validation::ParseOrganisationsnummer(input);
  if (!parsed.ok()) {
    CheckError(parsed.status(), input);
    return;
  }
  const std::string& ten = *parsed;
  const std::string context = absl::StrCat("\"", Printable(input), "\" -> ", ten);
  FHV_FUZZ_CHECK(ten.size() == 10 && AllDigits(ten) && ten[2] >= '2' && LuhnOracle(ten), context);
  for (const std::string& spelling :
       {ten, absl::StrCat(ten.substr(0, 6), "-", ten.substr(6)), absl::StrCat("16", ten)}) {
    auto again = validation::ParseOrganisationsnummer(spelling);
    FHV_FUZZ_CHECK(again.ok() && *again == ten, absl::StrCat(context, " again from ", spelling));
  }
}

void CheckKommunkod(std::string_view input) {
  static const std::set<std::string_view> kCounties = {"01", "03", "04", "05", "06", "07", "08",
                                                       "09", "10", "12", "13", "14", "17", "18",
                                                       "19", "20", "21", "22", "23", "24", "25"};
  const bool want = input.size() == 4 && AllDigits(input) && kCounties.count(input.substr(0, 2));
  const absl::Status status = validation::CheckKommunkod(input);
  FHV_FUZZ_CHECK(status.ok() == want, absl::StrCat("\"", Printable(input), "\""));
  if (!status.ok()) CheckError(status, input);
}

void CheckLuhn(std::string_view input) {
  FHV_FUZZ_CHECK(validation::LuhnValid(input) == LuhnOracle(input),
                 absl::StrCat("\"", Printable(input), "\""));
  if (input.empty() || !AllDigits(input)) return;
  int completions = 0;
  for (char c = '0'; c <= '9'; ++c) completions += validation::LuhnValid(std::string(input) + c);
  FHV_FUZZ_CHECK(completions == 1,
                 absl::StrCat("\"", std::string(input), "\": ", completions, " check digits"));
}

void CheckParseDate(const uint8_t* data, size_t size) {
  Reader in(data, size);
  const int year = in.Int<int32_t>();
  const int month = in.Int<int32_t>();
  const int day = in.Int<int32_t>();
  const absl::CivilDay normalised(year, month, day);  // absl normalises any int triple.
  const bool want = year >= 1900 && year <= 9999 && normalised.year() == year &&
                    normalised.month() == month && normalised.day() == day;
  auto parsed = validation::ParseDate(year, month, day);
  const std::string context = absl::StrCat(year, "-", month, "-", day);
  FHV_FUZZ_CHECK(parsed.ok() == want, context);
  if (parsed.ok()) {
    FHV_FUZZ_CHECK(*parsed == normalised, context);
  } else {
    CheckError(parsed.status(), context);
  }
}

std::vector<std::pair<std::string, std::string>> Seeds() {
  return {
      // Personnummer in each spelling (Skatteverket's published examples and test numbers).
      {"pnr-10", "8112189876"},
      {"pnr-10-dash", "811218-9876"},
      {"pnr-12", "198112189876"},
      {"pnr-12-dash", "19811218-9876"},
      {"pnr-plus", "121212+1212"},
      {"pnr-test-1912", "19121212-1212"},
      {"pnr-leap-day", "20000229-0005"},
      {"pnr-whitespace", " 811218-9876\n"},
      // Samordningsnummer: day + 60.
      {"samordningsnummer", "701063-2391"},
      {"samordningsnummer-12", "197010632391"},
      // Organisationsnummer: with and without hyphen, and the 16 prefix.
      {"orgnr", "5560160680"},
      {"orgnr-dash", "556016-0680"},
      {"orgnr-16", "165560160680"},
      {"orgnr-municipality", "212000-1355"},
      // Kommunkoder and a date triple (2024-02-29 as three little-endian int32).
      {"kommunkod", "0180"},
      {"kommunkod-2418", "2418"},
      {"date", std::string("\xe8\x07\x00\x00\x02\x00\x00\x00\x1d\x00\x00\x00", 12)},
      // Near misses: a wrong check digit, a bad separator, 31 April.
      {"pnr-bad-luhn", "811218-9875"},
      {"pnr-bad-separator", "811218/9876"},
      {"pnr-31-april", "19810431-9872"},
  };
}

}  // namespace
}  // namespace fhv::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fhv::fuzz::MaybeWriteSeeds(*argc, *argv, fhv::fuzz::Seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const absl::CivilDay today : fhv::fuzz::kTodays) {
    fhv::fuzz::CheckPersonalIdentity(input, today);
  }
  fhv::fuzz::CheckOrganisationsnummer(input);
  fhv::fuzz::CheckKommunkod(input);
  fhv::fuzz::CheckLuhn(input);
  fhv::fuzz::CheckParseDate(data, size);
  return 0;
}
