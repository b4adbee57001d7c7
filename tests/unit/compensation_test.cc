// The monthly compensation of a foster home at its edges: whole and partial months, February
// in a leap year, the age band switching the month after the 13th birthday, a version change
// mid-month, the tax-free maximum, deductions, and rounding that never loses an öre.

#include "services/payments/src/domain/compensation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/dates.h"
#include "common/util/status.h"

namespace fhv::payments {
namespace {

using ::testing::ElementsAre;

// Shaped like SKR's 2023 table (pbb 52 500 SEK; bands 0–12 110/155 %, 13–19 125/175 %).
v1::RateTable Table(int64_t pbb_ore = 5'250'000) {
  v1::RateTable t;
  t.set_year(2023);
  t.mutable_prisbasbelopp()->set_amount_ore(pbb_ore);
  auto* young = t.add_expense_allowance_bands();
  young->set_min_age_years(0);
  young->set_max_age_years(12);
  young->mutable_base()->set_basis_points(11000);
  young->mutable_tax_free_max()->set_basis_points(15500);
  auto* old = t.add_expense_allowance_bands();
  old->set_min_age_years(13);
  old->set_max_age_years(19);
  old->mutable_base()->set_basis_points(12500);
  old->mutable_tax_free_max()->set_basis_points(17500);
  auto* base = t.add_fee_levels();
  base->set_code("BASE");
  base->mutable_monthly_fee()->set_amount_ore(1'123'700);
  auto* raised = t.add_fee_levels();
  raised->set_code("RAISED_1");
  raised->mutable_monthly_fee()->set_amount_ore(1'313'200);
  return t;
}

v1::AgreementVersion Version(int n, absl::CivilDay from, v1::AgreementTerms terms = {}) {
  v1::AgreementVersion v;
  v.set_version(n);
  *v.mutable_valid_from() = ToDate(from);
  *v.mutable_terms() = std::move(terms);
  return v;
}

AgreementPeriod Agreement(absl::CivilDay from, absl::CivilDay born,
                          std::optional<absl::CivilDay> to = std::nullopt) {
  return {
      .valid_from = from, .valid_to = to, .child_birth_date = born, .versions = {Version(1, from)}};
}

int64_t Amount(const std::vector<Line>& lines, v1::PaymentLineKind kind) {
  int64_t sum = 0;
  for (const auto& l : lines) sum += l.kind == kind ? l.amount_ore : 0;
  return sum;
}

TEST(Compensation, AWholeMonthPaysTheFullFeeAndTheBandsAllowance) {
  auto lines = MonthLines(Agreement(absl::CivilDay(2022, 6, 1), absl::CivilDay(2018, 5, 5)),
                          Table(), absl::CivilMonth(2023, 1));
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ((*lines)[0].kind, v1::PAYMENT_LINE_KIND_FEE);
  EXPECT_EQ((*lines)[0].amount_ore, 1'123'700);
  EXPECT_TRUE((*lines)[0].taxable);
  EXPECT_EQ((*lines)[0].days_covered, 31);
  // 52 500 SEK × 110 % / 12 = 4 812.50 SEK.
  EXPECT_EQ((*lines)[1].kind, v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE);
  EXPECT_EQ((*lines)[1].amount_ore, 481'250);
  EXPECT_FALSE((*lines)[1].taxable);
  EXPECT_EQ((*lines)[1].age_band, "0-12");
}

TEST(Compensation, AStartMidFebruaryOfALeapYearIsProRataOverTwentyNineDays) {
  auto lines = MonthLines(Agreement(absl::CivilDay(2024, 2, 15), absl::CivilDay(2018, 5, 5)),
                          Table(), absl::CivilMonth(2024, 2));
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_EQ((*lines)[0].days_covered, 15);
  EXPECT_EQ((*lines)[0].days_in_month, 29);
  EXPECT_EQ((*lines)[0].period_start, absl::CivilDay(2024, 2, 15));
  EXPECT_EQ((*lines)[0].period_end, absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_FEE), 581'224);  // 11 237 × 15 / 29
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE), 248'922);
}

TEST(Compensation, AnEndMidMonthPaysThroughTheLastDay) {
  auto lines = MonthLines(Agreement(absl::CivilDay(2022, 6, 1), absl::CivilDay(2018, 5, 5),
                                    absl::CivilDay(2023, 1, 10)),
                          Table(), absl::CivilMonth(2023, 1));
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_FEE), 362'484);
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE), 155'242);
  auto after = MonthLines(Agreement(absl::CivilDay(2022, 6, 1), absl::CivilDay(2018, 5, 5),
                                    absl::CivilDay(2023, 1, 10)),
                          Table(), absl::CivilMonth(2023, 2));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->empty());
}

TEST(Compensation, TheOlderBandAppliesFromTheMonthAfterTheThirteenthBirthday) {
  const auto agreement = Agreement(absl::CivilDay(2020, 1, 1), absl::CivilDay(2010, 3, 10));
  auto march = MonthLines(agreement, Table(), absl::CivilMonth(2023, 3));
  auto april = MonthLines(agreement, Table(), absl::CivilMonth(2023, 4));
  ASSERT_TRUE(march.ok() && april.ok());
  EXPECT_EQ((*march)[1].age_band, "0-12");
  EXPECT_EQ((*april)[1].age_band, "13-19");
  EXPECT_EQ(Amount(*april, v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE), 546'875);  // 125 %
  // Born on the first of a month: 13 on 1 April, so still the younger band in April.
  auto first = MonthLines(Agreement(absl::CivilDay(2020, 1, 1), absl::CivilDay(2010, 4, 1)),
                          Table(), absl::CivilMonth(2023, 4));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)[1].age_band, "0-12");
}

TEST(Compensation, ANewVersionMidMonthSplitsTheMonthByItsDays) {
  auto agreement = Agreement(absl::CivilDay(2022, 6, 1), absl::CivilDay(2018, 5, 5));
  v1::AgreementTerms raised;
  raised.set_fee_level_code("RAISED_1");
  agreement.versions.push_back(Version(2, absl::CivilDay(2023, 3, 15), raised));
  auto lines = MonthLines(agreement, Table(), absl::CivilMonth(2023, 3));
  ASSERT_TRUE(lines.ok()) << lines.status();
  std::vector<std::pair<int, int64_t>> fees;
  for (const auto& l : *lines) {
    if (l.kind == v1::PAYMENT_LINE_KIND_FEE) fees.emplace_back(l.agreement_version, l.amount_ore);
  }
  EXPECT_THAT(fees, ElementsAre(std::pair{1, int64_t{507'477}}, std::pair{2, int64_t{720'142}}));
}

TEST(Compensation, AnAllowanceAboveTheTaxFreeMaximumIsSplitAndTheExcessTaxed) {
  auto agreement = Agreement(absl::CivilDay(2022, 6, 1), absl::CivilDay(2018, 5, 5));
  agreement.versions[0].mutable_terms()->set_expense_allowance_addition_bp(6000);  // 170 %
  auto lines = MonthLines(agreement, Table(), absl::CivilMonth(2023, 1));
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE), 678'125);           // 155 %
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX), 65'625);  // 15 %
  for (const auto& l : *lines) {
    if (l.kind == v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX) {
      EXPECT_TRUE(l.taxable);
    }
  }
  // A fixed allowance below the maximum is all tax-free.
  agreement.versions[0].mutable_terms()->set_expense_allowance_fixed_monthly_ore(500'000);
  lines = MonthLines(agreement, Table(), absl::CivilMonth(2023, 1));
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE), 500'000);
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX), 0);
}

TEST(Compensation, ExtraAllowancesAndTheChildAllowanceDeduction) {
  auto agreement = Agreement(absl::CivilDay(2022, 6, 1), absl::CivilDay(2018, 5, 5));
  auto* extra = agreement.versions[0].mutable_terms()->add_extra_allowances();
  extra->set_reason("Special needs");
  extra->set_monthly_amount_ore(200'000);
  extra->set_taxable(true);
  agreement.versions[0].mutable_terms()->set_child_allowance_deduction_monthly_ore(125'000);
  auto lines = MonthLines(agreement, Table(), absl::CivilMonth(2023, 1));
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_EXTRA_ALLOWANCE), 200'000);
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_CHILD_ALLOWANCE_DEDUCTION), -125'000);
}

TEST(Compensation, AMissingFeeLevelIsReportedNotGuessed) {
  auto agreement = Agreement(absl::CivilDay(2022, 6, 1), absl::CivilDay(2018, 5, 5));
  agreement.versions[0].mutable_terms()->set_fee_level_code("RAISED_9");
  auto lines = MonthLines(agreement, Table(), absl::CivilMonth(2023, 1));
  EXPECT_EQ(lines.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetReason(lines.status()), "RATE_TABLE_INCOMPLETE");
}

TEST(Compensation, RoundingIsHalfAwayFromZeroAndSplitsNeverLoseAnOre) {
  EXPECT_EQ(RoundedShare(5, 1, 2), 3);
  EXPECT_EQ(RoundedShare(-5, 1, 2), -3);
  EXPECT_EQ(RoundedShare(1, 1, 3), 0);
  EXPECT_EQ(RoundedShare(2, 1, 3), 1);
  // Every day of a 31-day month paid as its own line sums to within the lines' rounding, and
  // the month's lines are what a total sums: check a month split at every possible day.
  for (int split = 2; split <= 31; ++split) {
    auto agreement = Agreement(absl::CivilDay(2022, 6, 1), absl::CivilDay(2018, 5, 5));
    v1::AgreementTerms raised;
    raised.set_fee_level_code("RAISED_1");
    agreement.versions.push_back(Version(2, absl::CivilDay(2023, 1, split), raised));
    auto lines = MonthLines(agreement, Table(), absl::CivilMonth(2023, 1));
    ASSERT_TRUE(lines.ok());
    int64_t fee = 0;
    int days = 0;
    for (const auto& l : *lines) {
      if (l.kind != v1::PAYMENT_LINE_KIND_FEE) continue;
      fee += l.amount_ore;
      days += l.days_covered;
    }
    EXPECT_EQ(days, 31) << split;
    // Exact: (1 123 700 × (split − 1) + 1 313 200 × (32 − split)) / 31, each part rounded once.
    const double exact = (1'123'700.0 * (split - 1) + 1'313'200.0 * (32 - split)) / 31;
    EXPECT_LE(std::abs(static_cast<double>(fee) - exact), 1.0) << split;
  }
}

TEST(Compensation, ARateTableMustCoverAgesFromZeroWithOneBaseLevel) {
  EXPECT_TRUE(ValidateRateTable(Table()).ok()) << ValidateRateTable(Table());
  auto gap = Table();
  gap.mutable_expense_allowance_bands(1)->set_min_age_years(14);
  auto two_bases = Table();
  two_bases.mutable_fee_levels(1)->set_code("BASE");
  auto below = Table();
  below.mutable_expense_allowance_bands(0)->mutable_tax_free_max()->set_basis_points(10000);
  auto no_pbb = Table(0);
  for (const auto& bad : {gap, two_bases, below, no_pbb}) {
    EXPECT_EQ(ValidateRateTable(bad).code(), absl::StatusCode::kInvalidArgument);
  }
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(ValidateRateTable(gap))) fields.push_back(v.field);
  EXPECT_THAT(fields, ElementsAre("rate_table.expense_allowance_bands"));
}

TEST(Compensation, AContactPersonGetsTheFeeAndTheLevelsAllowanceProRata) {
  v1::RateTable table = Table(5'730'000);
  auto* medium = table.add_contact_person_expense_levels();
  medium->set_code("MEDIUM");
  medium->mutable_per_year()->set_basis_points(2500);
  v1::AgreementTerms terms;
  terms.set_monthly_fee_ore(300'000);
  terms.set_contact_person_expense_level_code("MEDIUM");
  // From 16 April: 15 of April's 30 days.
  AgreementPeriod a = Agreement(absl::CivilDay(2024, 4, 16), absl::CivilDay(2012, 1, 1));
  a.kind = fhv::common::v1::ASSIGNMENT_KIND_KONTAKTPERSON_CHILD;
  *a.versions[0].mutable_terms() = terms;
  auto lines = MonthLines(a, table, absl::CivilMonth(2024, 4));
  ASSERT_TRUE(lines.ok()) << lines.status();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_CONTACT_PERSON_FEE), 150'000);
  EXPECT_TRUE((*lines)[0].taxable);
  // 57 300 SEK × 25 % / 12 = 1 193,75 SEK a month; half of it, rounded half away from zero.
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_CONTACT_PERSON_EXPENSE_ALLOWANCE), 59'688);
  EXPECT_FALSE((*lines)[1].taxable);
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_FEE), 0);

  // A fee by level needs the level in the table; SKR's levels are not in the data.
  terms.set_monthly_fee_ore(0);
  terms.set_contact_person_fee_level_code("MEETS_1_2_PER_MONTH");
  *a.versions[0].mutable_terms() = terms;
  EXPECT_EQ(GetReason(MonthLines(a, table, absl::CivilMonth(2024, 4)).status()),
            "RATE_TABLE_INCOMPLETE");
  auto* level = table.add_contact_person_fee_levels();
  level->set_code("MEETS_1_2_PER_MONTH");
  level->mutable_monthly_fee()->set_amount_ore(120'000);
  lines = MonthLines(a, table, absl::CivilMonth(2024, 5));
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_EQ(Amount(*lines, v1::PAYMENT_LINE_KIND_CONTACT_PERSON_FEE), 120'000);
}

}  // namespace
}  // namespace fhv::payments
