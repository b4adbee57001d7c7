// A contact family's stays: Swedish public holidays, a Friday-to-Sunday stay as 2.5 days, the
// raised fee on weekends and holidays within a stay's first 14 days, and the per-day allowance.

#include "services/payments/src/domain/stays.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/status.h"

namespace fhv::payments {
namespace {

// Shaped like SKR's 2023 contact family figures (pbb 52 500 SEK).
v1::RateTable Table() {
  v1::RateTable t;
  t.set_year(2024);
  t.mutable_prisbasbelopp()->set_amount_ore(5'250'000);
  auto* young = t.add_contact_family_bands();
  young->set_min_age_years(0);
  young->set_max_age_years(12);
  young->mutable_expense_allowance_min()->set_basis_points(10500);
  young->mutable_expense_allowance_max()->set_basis_points(15000);
  young->mutable_fee_per_day()->set_amount_ore(22'500);
  auto* old = t.add_contact_family_bands();
  old->set_min_age_years(13);
  old->set_max_age_years(120);
  old->mutable_expense_allowance_min()->set_basis_points(12000);
  old->mutable_expense_allowance_max()->set_basis_points(17000);
  old->mutable_fee_per_day()->set_amount_ore(29'200);
  t.mutable_contact_family_holiday_fee_multiplier()->set_basis_points(20000);
  t.set_contact_family_holiday_fee_max_days(14);
  t.set_contact_family_weekend_days_tenths(25);
  return t;
}

TEST(Stays, SwedishPublicHolidays) {
  EXPECT_EQ(EasterSunday(2024), absl::CivilDay(2024, 3, 31));
  EXPECT_EQ(EasterSunday(2025), absl::CivilDay(2025, 4, 20));
  EXPECT_EQ(EasterSunday(2026), absl::CivilDay(2026, 4, 5));
  for (const absl::CivilDay d :
       {absl::CivilDay(2024, 1, 1), absl::CivilDay(2024, 1, 6), absl::CivilDay(2024, 3, 29),
        absl::CivilDay(2024, 4, 1), absl::CivilDay(2024, 5, 1), absl::CivilDay(2024, 5, 9),
        absl::CivilDay(2024, 5, 19), absl::CivilDay(2024, 6, 6), absl::CivilDay(2024, 6, 22),
        absl::CivilDay(2024, 11, 2), absl::CivilDay(2024, 12, 25), absl::CivilDay(2024, 12, 26)}) {
    EXPECT_TRUE(IsPublicHoliday(d)) << d;
  }
  // Midsummer Eve and Christmas Eve are not public holidays; an ordinary Wednesday is not.
  EXPECT_FALSE(IsPublicHoliday(absl::CivilDay(2024, 6, 21)));
  EXPECT_FALSE(IsPublicHoliday(absl::CivilDay(2024, 12, 24)));
  EXPECT_FALSE(IsPublicHoliday(absl::CivilDay(2024, 3, 13)));
}

TEST(Stays, AFridayToSundayStayCountsTwoAndAHalfDaysWithOneWeekendDay) {
  // Friday 12 to Sunday 14 April 2024: the nights of Friday and Saturday.
  const StayCount c = CountStay(absl::CivilDay(2024, 4, 12), absl::CivilDay(2024, 4, 14), Table());
  EXPECT_EQ(c.days_tenths, 25);
  EXPECT_EQ(c.premium_days, 1);
  // Thursday to Sunday is three days, not a weekend stay.
  EXPECT_EQ(
      CountStay(absl::CivilDay(2024, 4, 11), absl::CivilDay(2024, 4, 14), Table()).days_tenths, 30);
  // A visit without a night counts one day.
  EXPECT_EQ(
      CountStay(absl::CivilDay(2024, 4, 10), absl::CivilDay(2024, 4, 10), Table()).days_tenths, 10);
}

TEST(Stays, TheRaisedFeeCoversWeekendsAndHolidaysOfTheFirstFourteenDaysOnly) {
  // Monday 1 July to Wednesday 31 July 2024: 30 days; weekends on 6–7, 13–14 within the first 14
  // days (1–14 July), the later weekends at the ordinary fee.
  const StayCount c = CountStay(absl::CivilDay(2024, 7, 1), absl::CivilDay(2024, 7, 31), Table());
  EXPECT_EQ(c.days_tenths, 300);
  EXPECT_EQ(c.premium_days, 4);
  // Christmas: Monday 23 to Friday 27 December 2024: the 25th and 26th are holidays.
  EXPECT_EQ(
      CountStay(absl::CivilDay(2024, 12, 23), absl::CivilDay(2024, 12, 27), Table()).premium_days,
      2);
}

TEST(Stays, TheLinesOfAWeekendStay) {
  const v1::AgreementTerms terms;  // the band's minimum allowance
  auto lines = StayLines(terms, absl::CivilDay(2015, 5, 5), absl::CivilDay(2024, 4, 12),
                         absl::CivilDay(2024, 4, 14), Table());
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 2u);
  // 2.5 days × 225 SEK plus one Saturday's extra 225 SEK.
  EXPECT_EQ((*lines)[0].kind, v1::PAYMENT_LINE_KIND_CONTACT_FAMILY_FEE);
  EXPECT_TRUE((*lines)[0].taxable);
  EXPECT_EQ((*lines)[0].amount_ore, 25 * 2'250 + 22'500);
  // 52 500 SEK × 105 % / 365 × 2.5 = 377.57 SEK, tax-free.
  EXPECT_EQ((*lines)[1].kind, v1::PAYMENT_LINE_KIND_CONTACT_FAMILY_EXPENSE_ALLOWANCE);
  EXPECT_FALSE((*lines)[1].taxable);
  EXPECT_EQ((*lines)[1].amount_ore, 37'757);
  EXPECT_EQ((*lines)[1].age_band, "0-12");
}

TEST(Stays, AnAllowanceAboveTheBandsMaximumIsTaxedAndATeenagerHasTheOlderBand) {
  v1::AgreementTerms terms;
  terms.set_contact_family_expense_allowance_bp(20000);  // above the 13+ band's 170 %
  // Born 1 June 2010: 13 on arrival; Wednesday to Thursday, one ordinary day.
  auto lines = StayLines(terms, absl::CivilDay(2010, 6, 1), absl::CivilDay(2024, 4, 10),
                         absl::CivilDay(2024, 4, 11), Table());
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[0].amount_ore, 29'200);
  EXPECT_EQ((*lines)[1].amount_ore, (5'250'000LL * 17000 * 10 + 18'250'000) / 36'500'000);
  EXPECT_TRUE((*lines)[2].taxable);
  EXPECT_EQ((*lines)[2].amount_ore, (5'250'000LL * 3000 * 10 + 18'250'000) / 36'500'000);
  v1::RateTable empty = Table();
  empty.clear_contact_family_bands();
  EXPECT_EQ(GetReason(StayLines(terms, absl::CivilDay(2010, 6, 1), absl::CivilDay(2024, 4, 10),
                                absl::CivilDay(2024, 4, 11), empty)
                          .status()),
            "RATE_TABLE_INCOMPLETE");
}

}  // namespace
}  // namespace fhv::payments
