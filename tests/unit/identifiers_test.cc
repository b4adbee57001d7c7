#include "common/validation/identifiers.h"

#include <algorithm>
#include <climits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fhv::validation {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A fixed "today" for every personnummer test.
const absl::CivilDay kToday(2025, 6, 15);

// Computes the check digit over the 9 digits YYMMDDNNN the way Skatteverket describes it
// (weights 2,1,2,1,... from the left, digit sums of the products), independently of the
// implementation under test.
char CheckDigit(std::string_view nine) {
  int sum = 0;
  for (size_t i = 0; i < nine.size(); ++i) {
    const int product = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
    sum += product / 10 + product % 10;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

// Appends the right check digit to `body`, which is YYMMDDNNN or YYYYMMDDNNN.
std::string WithCheck(std::string_view body) {
  std::string number(body);
  number.push_back(CheckDigit(body.substr(body.size() - 9)));
  return number;
}

// `number` with its last digit replaced by a different one.
std::string BreakCheck(std::string number) {
  char& last = number.back();
  last = static_cast<char>('0' + (last - '0' + 1) % 10);
  return number;
}

// "YYMMDDNNNC" -> "YYMMDD<sep>NNNC".
std::string WithSeparator(std::string_view ten, char sep) {
  std::string result(ten.substr(0, 6));
  result.push_back(sep);
  result.append(ten.substr(6));
  return result;
}

// Expects INVALID_ARGUMENT whose message contains `expected` and none of `secrets`.
void ExpectRejected(const absl::Status& status, std::string_view expected,
                    const std::vector<std::string>& secrets = {}) {
  // Debian's abseil has its own absl::string_view; compare as std::string for readable output.
  const std::string message(status.message());
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(message, HasSubstr(std::string(expected)));
  for (const std::string& secret : secrets) {
    EXPECT_THAT(message, Not(HasSubstr(secret)));
  }
}

// ---------------------------------------------------------------------------------------
// Luhn and dates.

TEST(IdentifiersTest, HelperCheckDigitMatchesKnownNumbers) {
  // Skatteverket's test number 19121212-1212 and Volvo's organisationsnummer 556036-0793,
  // verified by hand: 2+2+2+2+2+2+2+2+2 = 18 -> 2; 1+5+3+0+6+6+0+7+9 = 37 -> 3.
  EXPECT_EQ(CheckDigit("121212121"), '2');
  EXPECT_EQ(CheckDigit("556036079"), '3');
}

TEST(IdentifiersTest, LuhnValid) {
  EXPECT_TRUE(LuhnValid("1212121212"));
  EXPECT_TRUE(LuhnValid("5560360793"));
  EXPECT_TRUE(LuhnValid("79927398713"));  // The classic odd-length example.
  EXPECT_FALSE(LuhnValid("1212121213"));
  EXPECT_FALSE(LuhnValid("5560360794"));
  EXPECT_FALSE(LuhnValid("79927398710"));
  EXPECT_FALSE(LuhnValid(""));
  EXPECT_FALSE(LuhnValid("55603-0793"));
  EXPECT_FALSE(LuhnValid("121212121a"));
  for (int i = 0; i < 10; ++i) {
    const std::string body = absl::StrCat("8504", i, "2345");
    const std::string valid = WithCheck(body);
    EXPECT_TRUE(LuhnValid(valid)) << i;
    EXPECT_FALSE(LuhnValid(BreakCheck(valid))) << i;
  }
}

TEST(IdentifiersTest, ParseDateAcceptsEdges) {
  EXPECT_EQ(ParseDate(1900, 1, 1).value(), absl::CivilDay(1900, 1, 1));
  EXPECT_EQ(ParseDate(9999, 12, 31).value(), absl::CivilDay(9999, 12, 31));
  EXPECT_EQ(ParseDate(2024, 2, 29).value(), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(ParseDate(2000, 2, 29).value(), absl::CivilDay(2000, 2, 29));
  EXPECT_EQ(ParseDate(2025, 4, 30).value(), absl::CivilDay(2025, 4, 30));
  EXPECT_EQ(ParseDate(2025, 12, 31).value(), absl::CivilDay(2025, 12, 31));
}

TEST(IdentifiersTest, ParseDateRejectsOutOfRangeYears) {
  ExpectRejected(ParseDate(1899, 12, 31).status(), "year must be between 1900 and 9999");
  ExpectRejected(ParseDate(10000, 1, 1).status(), "year must be between 1900 and 9999");
  ExpectRejected(ParseDate(0, 1, 1).status(), "year must be between 1900 and 9999");
  ExpectRejected(ParseDate(INT_MIN, 1, 1).status(), "year must be between 1900 and 9999");
}

TEST(IdentifiersTest, ParseDateRejectsImpossibleDates) {
  ExpectRejected(ParseDate(2023, 2, 29).status(), "not a valid date");
  ExpectRejected(ParseDate(1900, 2, 29).status(), "not a valid date");  // Not a leap year.
  ExpectRejected(ParseDate(2024, 2, 30).status(), "not a valid date");
  ExpectRejected(ParseDate(2025, 4, 31).status(), "not a valid date");
  ExpectRejected(ParseDate(2025, 1, 32).status(), "not a valid date");
  ExpectRejected(ParseDate(2025, 1, 0).status(), "not a valid date");
  ExpectRejected(ParseDate(2025, 0, 1).status(), "not a valid date");
  ExpectRejected(ParseDate(2025, 13, 1).status(), "not a valid date");
  ExpectRejected(ParseDate(2025, -1, 1).status(), "not a valid date");
  ExpectRejected(ParseDate(2025, INT_MAX, INT_MAX).status(), "not a valid date");
  ExpectRejected(ParseDate(2025, 1, INT_MIN).status(), "not a valid date");
}

// ---------------------------------------------------------------------------------------
// Personnummer and samordningsnummer.

TEST(PersonalIdentityTest, EveryFormNormalisesToTheSameDigits) {
  // Born 2012-12-12 (under 100 years old on kToday).
  for (const std::string_view input : {"201212121212", "20121212-1212", "1212121212", "121212-1212",
                                       "  121212-1212 ", "\t201212121212\n"}) {
    auto id = ParsePersonalIdentity(input, kToday);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->digits, "201212121212");
    EXPECT_EQ(id->birth_date, absl::CivilDay(2012, 12, 12));
    EXPECT_FALSE(id->coordination_number);
  }
  // Born 1912-12-12 (over 100 years old on kToday): the 10-digit form needs '+'.
  for (const std::string_view input : {"191212121212", "19121212-1212", "121212+1212"}) {
    auto id = ParsePersonalIdentity(input, kToday);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->digits, "191212121212");
    EXPECT_EQ(id->birth_date, absl::CivilDay(1912, 12, 12));
  }
}

TEST(PersonalIdentityTest, TenDigitsPickTheLatestCenturyNotAfterToday) {
  const std::string born_today = WithCheck("250615123");  // 2025-06-15 == kToday.
  auto id = ParsePersonalIdentity(born_today, kToday);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->birth_date, absl::CivilDay(2025, 6, 15));
  EXPECT_EQ(id->digits, "20" + born_today);

  const std::string tomorrow = WithCheck("250616123");  // 2025-06-16 would be in the future.
  for (const std::string& input : {tomorrow, WithSeparator(tomorrow, '-')}) {
    id = ParsePersonalIdentity(input, kToday);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->birth_date, absl::CivilDay(1925, 6, 16));
    EXPECT_EQ(id->digits, "19" + tomorrow);
  }

  const std::string born_1999 = WithCheck("991231123");
  id = ParsePersonalIdentity(born_1999, kToday);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->birth_date, absl::CivilDay(1999, 12, 31));
}

TEST(PersonalIdentityTest, PlusSeparatorGivesTheEarlierCentury) {
  const std::string ten = WithCheck("250615123");
  auto minus = ParsePersonalIdentity(WithSeparator(ten, '-'), kToday);
  auto plus = ParsePersonalIdentity(WithSeparator(ten, '+'), kToday);
  ASSERT_TRUE(minus.ok()) << minus.status();
  ASSERT_TRUE(plus.ok()) << plus.status();
  EXPECT_EQ(minus->birth_date, absl::CivilDay(2025, 6, 15));
  EXPECT_EQ(plus->birth_date, absl::CivilDay(1925, 6, 15));  // Turns 100 today.
  EXPECT_EQ(plus->digits, "19" + ten);

  const std::string older = WithCheck("250616123");
  plus = ParsePersonalIdentity(WithSeparator(older, '+'), kToday);
  ASSERT_TRUE(plus.ok()) << plus.status();
  EXPECT_EQ(plus->birth_date, absl::CivilDay(1825, 6, 16));
}

TEST(PersonalIdentityTest, SamordningsnummerAccepted) {
  const std::string twelve = WithCheck("19701063123");  // Born 1970-10-03.
  for (const std::string& input : {twelve, twelve.substr(0, 8) + "-" + twelve.substr(8),
                                   twelve.substr(2), WithSeparator(twelve.substr(2), '-')}) {
    auto id = ParsePersonalIdentity(input, kToday);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_EQ(id->digits, twelve);  // The day keeps its +60.
    EXPECT_EQ(id->birth_date, absl::CivilDay(1970, 10, 3));
    EXPECT_TRUE(id->coordination_number);
  }
  // The extremes: day 61 (the 1st) and day 91 (the 31st of a 31-day month).
  auto first = ParsePersonalIdentity(WithCheck("19700161123"), kToday);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->birth_date, absl::CivilDay(1970, 1, 1));
  auto last = ParsePersonalIdentity(WithCheck("19700191123"), kToday);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->birth_date, absl::CivilDay(1970, 1, 31));
  // Feb 29 + 60 in a leap year.
  auto leap = ParsePersonalIdentity(WithCheck("20240289123"), kToday);
  ASSERT_TRUE(leap.ok()) << leap.status();
  EXPECT_EQ(leap->birth_date, absl::CivilDay(2024, 2, 29));
  EXPECT_TRUE(leap->coordination_number);
}

TEST(PersonalIdentityTest, SamordningsnummerWithImpossibleDayRejected) {
  for (const std::string_view body : {"19700160123",     // Day 60: day 0.
                                      "19700192123",     // Day 92: day 32.
                                      "19700491123",     // April 31.
                                      "20230289123",     // Feb 29 in a non-leap year.
                                      "19700199123"}) {  // Day 39.
    ExpectRejected(ParsePersonalIdentity(WithCheck(body), kToday).status(),
                   "date of birth is not a valid date");
  }
}

TEST(PersonalIdentityTest, WrongCheckDigitRejected) {
  const std::string twelve = WithCheck("19850412345");
  ASSERT_TRUE(ParsePersonalIdentity(twelve, kToday).ok());
  const std::string broken = BreakCheck(twelve);
  for (const std::string& input : {broken, broken.substr(0, 8) + "-" + broken.substr(8),
                                   broken.substr(2), WithSeparator(broken.substr(2), '-')}) {
    ExpectRejected(ParsePersonalIdentity(input, kToday).status(), "check digit does not match");
  }
  // Every wrong digit is caught, not just the neighbour of the right one.
  for (char c = '0'; c <= '9'; ++c) {
    std::string candidate = twelve;
    candidate.back() = c;
    EXPECT_EQ(ParsePersonalIdentity(candidate, kToday).ok(), candidate == twelve) << c;
  }
}

TEST(PersonalIdentityTest, ImpossibleDatesRejected) {
  for (const std::string_view body : {"19850230123",     // Feb 30.
                                      "19851301123",     // Month 13.
                                      "19850001123",     // Month 0.
                                      "19850100123",     // Day 0.
                                      "19850132123",     // Jan 32.
                                      "19850431123",     // Apr 31.
                                      "20230229123",     // Feb 29, 2023 is not a leap year.
                                      "19000229123"}) {  // 1900 is not a leap year.
    const std::string twelve = WithCheck(body);
    ExpectRejected(ParsePersonalIdentity(twelve, kToday).status(),
                   "date of birth is not a valid date");
  }
  for (const std::string_view body : {"850230123", "851301123", "230229123"}) {
    ExpectRejected(ParsePersonalIdentity(WithCheck(body), kToday).status(),
                   "date of birth is not a valid date");
  }
}

TEST(PersonalIdentityTest, LeapDayAcceptedInLeapYears) {
  for (const std::string_view body : {"20240229123", "20000229123", "19960229123"}) {
    auto id = ParsePersonalIdentity(WithCheck(body), kToday);
    ASSERT_TRUE(id.ok()) << body << ": " << id.status();
    EXPECT_EQ(id->birth_date.month(), 2);
    EXPECT_EQ(id->birth_date.day(), 29);
  }
  auto id = ParsePersonalIdentity(WithCheck("240229123"), kToday);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->birth_date, absl::CivilDay(2024, 2, 29));
}

TEST(PersonalIdentityTest, LeapDayResolvedInTheChosenCentury) {
  // On 2000-02-28, "000229" is not yet born in 2000, and 1900 has no Feb 29.
  ExpectRejected(
      ParsePersonalIdentity(WithCheck("000229123"), absl::CivilDay(2000, 2, 28)).status(),
      "date of birth is not a valid date");
  // On 2024-02-28, "240229" falls back to 1924, which is a leap year.
  auto id = ParsePersonalIdentity(WithCheck("240229123"), absl::CivilDay(2024, 2, 28));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->birth_date, absl::CivilDay(1924, 2, 29));
}

TEST(PersonalIdentityTest, FutureBirthDateRejected) {
  ExpectRejected(ParsePersonalIdentity(WithCheck("20250616123"), kToday).status(),
                 "date of birth is in the future");
  ExpectRejected(ParsePersonalIdentity(WithCheck("20300101123"), kToday).status(),
                 "date of birth is in the future");
  ExpectRejected(ParsePersonalIdentity(WithCheck("20250676123"), kToday).status(),
                 "date of birth is in the future");  // Samordningsnummer, born 2025-06-16.
  EXPECT_TRUE(ParsePersonalIdentity(WithCheck("20250615123"), kToday).ok());
  EXPECT_TRUE(ParsePersonalIdentity(WithCheck("20250675123"), kToday).ok());
}

TEST(PersonalIdentityTest, YearOfBirthBefore1800Rejected) {
  ExpectRejected(ParsePersonalIdentity(WithCheck("17991231123"), kToday).status(),
                 "year of birth is out of range");
  ExpectRejected(ParsePersonalIdentity(WithCheck("00010101123"), kToday).status(),
                 "year of birth is out of range");
  EXPECT_TRUE(ParsePersonalIdentity(WithCheck("18000101123"), kToday).ok());
}

TEST(PersonalIdentityTest, MalformedInputRejected) {
  const std::string ten = WithCheck("850412345");
  const std::string twelve = "19" + ten;
  ExpectRejected(ParsePersonalIdentity("", kToday).status(), "must be 10 or 12 digits");
  ExpectRejected(ParsePersonalIdentity("   ", kToday).status(), "must be 10 or 12 digits");
  ExpectRejected(ParsePersonalIdentity(ten.substr(1), kToday).status(), "must be 10 or 12 digits");
  ExpectRejected(ParsePersonalIdentity(twelve + "1", kToday).status(), "must be 10 or 12 digits");
  ExpectRejected(ParsePersonalIdentity("1" + ten, kToday).status(), "must be 10 or 12 digits");
  ExpectRejected(ParsePersonalIdentity(ten + "-", kToday).status(), "separator");
  ExpectRejected(ParsePersonalIdentity(WithSeparator(ten, '*'), kToday).status(), "separator");
  ExpectRejected(ParsePersonalIdentity(WithSeparator(ten, ' '), kToday).status(), "separator");
  ExpectRejected(ParsePersonalIdentity(ten.substr(0, 4) + "-" + ten.substr(4), kToday).status(),
                 "separator");  // Separator in the wrong place.
  ExpectRejected(
      ParsePersonalIdentity(twelve.substr(0, 8) + "+" + twelve.substr(8), kToday).status(),
      "'+' is only allowed with a 2-digit year");
  ExpectRejected(ParsePersonalIdentity(ten.substr(0, 6) + "--" + ten.substr(7), kToday).status(),
                 "must be 10 or 12 digits");
  std::string with_letter = ten;
  with_letter[3] = 'a';
  ExpectRejected(ParsePersonalIdentity(with_letter, kToday).status(), "must be 10 or 12 digits");
  std::string with_space = twelve;
  with_space[4] = ' ';
  ExpectRejected(ParsePersonalIdentity(with_space, kToday).status(), "must be 10 or 12 digits");
  // Unicode digits are not digits.
  ExpectRejected(ParsePersonalIdentity("８５０４１２３４５６", kToday).status(),
                 "must be 10 or 12 digits");
}

TEST(PersonalIdentityTest, MessagesNeverContainTheInput) {
  const std::string ten = WithCheck("850412345");  // Born 1985-04-12.
  const std::string twelve = "19" + ten;
  const std::vector<std::string> secrets = {
      ten, twelve, ten.substr(0, 6), ten.substr(6), twelve.substr(0, 8), WithSeparator(ten, '-')};
  struct Case {
    std::string input;
    std::string_view message;
  };
  const std::vector<Case> cases = {
      {BreakCheck(twelve), "check digit does not match"},
      {WithSeparator(BreakCheck(ten), '-'), "check digit does not match"},
      {" " + BreakCheck(ten) + " ", "check digit does not match"},
      {twelve + "7", "must be 10 or 12 digits"},
      {WithSeparator(ten, '/'), "separator"},
      {twelve.substr(0, 8) + "+" + twelve.substr(8), "'+' is only allowed"},
      {twelve.substr(0, 4) + "1301" + twelve.substr(8), "not a valid date"},
      {"17" + ten, "year of birth is out of range"},
      {"20" + ten.substr(0, 2) + twelve.substr(4), "in the future"},  // 2085-04-12.
      {ten.substr(0, 9) + "x", "must be 10 or 12 digits"},
  };
  for (const Case& c : cases) {
    const absl::Status status = ParsePersonalIdentity(c.input, kToday).status();
    ExpectRejected(status, c.message, secrets);
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(c.input)));
  }
}

// ---------------------------------------------------------------------------------------
// Organisationsnummer.

TEST(OrganisationsnummerTest, EveryFormNormalisesToTenDigits) {
  for (const std::string_view input :
       {"5560360793", "556036-0793", "165560360793", " 556036-0793\t", " 165560360793 "}) {
    auto number = ParseOrganisationsnummer(input);
    ASSERT_TRUE(number.ok()) << input << ": " << number.status();
    EXPECT_EQ(*number, "5560360793");
  }
  const std::string municipality = WithCheck("212000254");  // A municipality's (group 2).
  auto number = ParseOrganisationsnummer(municipality);
  ASSERT_TRUE(number.ok()) << number.status();
  EXPECT_EQ(*number, municipality);
}

TEST(OrganisationsnummerTest, ThirdDigitMustBeTwoOrMore) {
  EXPECT_TRUE(ParseOrganisationsnummer(WithCheck("552036079")).ok());
  EXPECT_TRUE(ParseOrganisationsnummer(WithCheck("559036079")).ok());
  for (const std::string_view body : {"551036079", "550036079"}) {
    const std::string ten = WithCheck(body);
    ExpectRejected(ParseOrganisationsnummer(ten).status(), "third digit must be 2 or higher");
    ExpectRejected(ParseOrganisationsnummer("16" + ten).status(),
                   "third digit must be 2 or higher");
  }
  // A personnummer (a sole trader's) is not an organisationsnummer here.
  ExpectRejected(ParseOrganisationsnummer("121212-1212").status(),
                 "third digit must be 2 or higher");
}

TEST(OrganisationsnummerTest, WrongCheckDigitRejected) {
  for (const std::string_view input : {"5560360794", "556036-0794", "165560360794", "5560360790"}) {
    ExpectRejected(ParseOrganisationsnummer(input).status(), "check digit does not match");
  }
}

TEST(OrganisationsnummerTest, MalformedInputRejected) {
  ExpectRejected(ParseOrganisationsnummer("175560360793").status(),
                 "a 12-digit form must start with 16");
  for (const std::string_view input :
       {"", "556036079", "55603607931", "55603-60793", "556036+0793", "556036 0793",
        "16556036-0793", "5560360793-", "556036--0793", "55603a0793", "1655603607931"}) {
    ExpectRejected(ParseOrganisationsnummer(input).status(), "must be 10 digits");
  }
}

TEST(OrganisationsnummerTest, MessagesNeverContainTheInput) {
  for (const std::string_view input :
       {"5560360794", "556036-0794", "175560360793", "5510360793", "556036+0793"}) {
    ExpectRejected(ParseOrganisationsnummer(input).status(), "",
                   {std::string(input), "556036", "0793", "0794"});
  }
}

// ---------------------------------------------------------------------------------------
// Kommunkod.

TEST(KommunkodTest, ValidCodesAccepted) {
  for (const std::string_view code : {"2418", "0834", "2081", "0180", "0114", "2584"}) {
    EXPECT_TRUE(CheckKommunkod(code).ok()) << code;
  }
}

TEST(KommunkodTest, InvalidCodesRejected) {
  for (const std::string_view code : {"0234", "2600", "0034", "1100", "1534", "1634", "9999"}) {
    ExpectRejected(CheckKommunkod(code), "first two digits are not a county code");
  }
  for (const std::string_view code :
       {"123", "", "12a4", "24180", " 2418", "2418 ", "-418", "24.8"}) {
    ExpectRejected(CheckKommunkod(code), "must be exactly 4 digits");
  }
}

TEST(KommunkodTest, ExactlyTheTwentyOneCountiesAccepted) {
  const std::vector<int> counties = {1,  3,  4,  5,  6,  7,  8,  9,  10, 12, 13,
                                     14, 17, 18, 19, 20, 21, 22, 23, 24, 25};
  int accepted = 0;
  for (int county = 0; county < 100; ++county) {
    const std::string code = absl::StrCat(county / 10, county % 10, "01");
    const bool ok = CheckKommunkod(code).ok();
    accepted += ok;
    EXPECT_EQ(ok, std::find(counties.begin(), counties.end(), county) != counties.end()) << code;
  }
  EXPECT_EQ(accepted, 21);
}

}  // namespace
}  // namespace fhv::validation
