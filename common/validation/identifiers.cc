#include "common/validation/identifiers.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"

namespace fhv::validation {
namespace {

// The earliest year of birth accepted in a personnummer. Personnummer were introduced in
// 1947; nobody alive then was born before 1800, so an earlier year is a typing error.
constexpr int64_t kMinBirthYear = 1800;
constexpr int64_t kMaxYear = 9999;
constexpr int kMinDateYear = 1900;

// Samordningsnummer add this to the day of birth.
constexpr int kCoordinationDayOffset = 60;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// The value of `s`, which holds only digits and is short enough not to overflow.
int ToInt(std::string_view s) {
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// Days in `month` (1..12) of `year`.
int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

bool IsValidDate(int64_t year, int month, int day) {
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

// Takes a literal: a message must never be built from the input.
absl::Status Invalid(const char* message) { return absl::InvalidArgumentError(message); }

// `s` without leading and trailing ASCII whitespace. (Debian's abseil has its own
// absl::string_view, so absl::StripAsciiWhitespace does not take a std::string_view.)
std::string_view TrimAsciiWhitespace(std::string_view s) {
  constexpr std::string_view kWhitespace = " \t\n\v\f\r";
  const size_t begin = s.find_first_not_of(kWhitespace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kWhitespace) - begin + 1);
}

}  // namespace

bool LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool doubled = false;  // The check digit (rightmost) is not doubled, its neighbour is.
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!IsDigit(*it)) return false;
    int d = *it - '0';
    if (doubled) {
      d *= 2;
      if (d > 9) d -= 9;  // The sum of the digits of 10..18.
    }
    sum += d;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

absl::StatusOr<PersonalIdentity> ParsePersonalIdentity(std::string_view input,
                                                       absl::CivilDay today) {
  const std::string_view s = TrimAsciiWhitespace(input);
  const size_t n = s.size();
  if (AllDigits(s) ? n != 10 && n != 12 : n != 11 && n != 13) {
    return Invalid("must be 10 or 12 digits");
  }

  // The separator, if any, stands before the last four digits.
  const bool has_separator = n == 11 || n == 13;
  char separator = '\0';
  std::string digits;
  digits.reserve(12);
  for (size_t i = 0; i < n; ++i) {
    const char c = s[i];
    if (has_separator && i == n - 5) {
      if (c != '-' && c != '+') {
        return Invalid("separator must be '-' or '+' before the last four digits");
      }
      separator = c;
    } else if (IsDigit(c)) {
      digits.push_back(c);
    } else {
      return Invalid("must be 10 or 12 digits with an optional separator");
    }
  }
  const bool long_form = digits.size() == 12;
  if (long_form && separator == '+') return Invalid("'+' is only allowed with a 2-digit year");

  const std::string_view date_part = std::string_view(digits).substr(0, long_form ? 8 : 6);
  const int month = ToInt(date_part.substr(date_part.size() - 4, 2));
  const int raw_day = ToInt(date_part.substr(date_part.size() - 2, 2));
  const bool coordination = raw_day > kCoordinationDayOffset;
  const int day = coordination ? raw_day - kCoordinationDayOffset : raw_day;

  int64_t year;
  if (long_form) {
    year = ToInt(date_part.substr(0, 4));
  } else {
    // The latest year ending in these two digits that is not after today's year; a century
    // earlier if that would put the birthday after today, and another one for '+'.
    const int64_t yy = ToInt(date_part.substr(0, 2));
    const int64_t this_year = today.year();
    year = this_year - (((this_year - yy) % 100) + 100) % 100;
    if (year == this_year &&
        (month > today.month() || (month == today.month() && day > today.day()))) {
      year -= 100;
    }
    if (separator == '+') year -= 100;
  }

  if (!IsValidDate(year, month, day)) return Invalid("date of birth is not a valid date");
  if (year < kMinBirthYear || year > kMaxYear) {
    return Invalid("year of birth is out of range (1800..9999)");
  }
  const absl::CivilDay birth_date(year, month, day);
  if (birth_date > today) return Invalid("date of birth is in the future");

  const std::string_view ten = std::string_view(digits).substr(long_form ? 2 : 0);
  if (!LuhnValid(ten)) return Invalid("check digit does not match");

  PersonalIdentity identity;
  identity.digits = long_form ? digits : std::to_string(year / 100) + digits;
  identity.birth_date = birth_date;
  identity.coordination_number = coordination;
  return identity;
}

absl::StatusOr<std::string> ParseOrganisationsnummer(std::string_view input) {
  const std::string_view s = TrimAsciiWhitespace(input);
  std::string ten;
  if (s.size() == 10 && AllDigits(s)) {
    ten = std::string(s);
  } else if (s.size() == 11 && s[6] == '-' && AllDigits(s.substr(0, 6)) && AllDigits(s.substr(7))) {
    ten = std::string(s.substr(0, 6));
    ten.append(s.substr(7));
  } else if (s.size() == 12 && AllDigits(s)) {
    if (s.substr(0, 2) != "16") return Invalid("a 12-digit form must start with 16");
    ten = std::string(s.substr(2));
  } else {
    return Invalid("must be 10 digits (optionally NNNNNN-NNNN) or 12 digits starting with 16");
  }
  if (ten[2] < '2') return Invalid("third digit must be 2 or higher");
  if (!LuhnValid(ten)) return Invalid("check digit does not match");
  return ten;
}

absl::Status CheckKommunkod(std::string_view code) {
  if (code.size() != 4 || !AllDigits(code)) return Invalid("must be exactly 4 digits");
  switch (ToInt(code.substr(0, 2))) {
    case 1:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 10:
    case 12:
    case 13:
    case 14:
    case 17:
    case 18:
    case 19:
    case 20:
    case 21:
    case 22:
    case 23:
    case 24:
    case 25:
      return absl::OkStatus();
    default:
      return Invalid("first two digits are not a county code");
  }
}

absl::StatusOr<absl::CivilDay> ParseDate(int year, int month, int day) {
  if (year < kMinDateYear || year > kMaxYear) {
    return Invalid("year must be between 1900 and 9999");
  }
  if (!IsValidDate(year, month, day)) return Invalid("not a valid date");
  return absl::CivilDay(year, month, day);
}

}  // namespace fhv::validation
