// What the fuzz targets (tests/fuzz/) found, pinned down as unit tests: each failed before its fix.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "common/auth/jwt.h"
#include "common/auth/principal.h"
#include "common/util/dates.h"
#include "common/util/status.h"
#include "services/payments/src/domain/compensation.h"

namespace fhv {
namespace {

namespace pv1 = ::fhv::payments::v1;

// A valid table with one band (0-19) of `base_bp`/`max_bp` and pbb `pbb_ore`.
pv1::RateTable OneBandTable(int64_t pbb_ore, int32_t base_bp, int32_t max_bp) {
  pv1::RateTable t;
  t.set_year(2024);
  t.mutable_prisbasbelopp()->set_amount_ore(pbb_ore);
  auto* band = t.add_expense_allowance_bands();
  band->set_min_age_years(0);
  band->set_max_age_years(19);
  band->mutable_base()->set_basis_points(base_bp);
  band->mutable_tax_free_max()->set_basis_points(max_bp);
  auto* base = t.add_fee_levels();
  base->set_code("BASE");
  base->mutable_monthly_fee()->set_amount_ore(1'123'700);
  return t;
}

payments::AgreementPeriod WholeMonthAgreement(pv1::AgreementTerms terms) {
  pv1::AgreementVersion v;
  v.set_version(1);
  *v.mutable_valid_from() = ToDate(absl::CivilDay(2024, 1, 1));
  *v.mutable_terms() = std::move(terms);
  return {.valid_from = absl::CivilDay(2024, 1, 1),
          .child_birth_date = absl::CivilDay(2015, 5, 5),
          .versions = {v}};
}

int64_t Amount(const std::vector<payments::Line>& lines, pv1::PaymentLineKind kind) {
  int64_t sum = 0;
  for (const auto& l : lines) sum += l.kind == kind ? l.amount_ore : 0;
  return sum;
}

// compensation fuzzer: a table ValidateRateTable accepted (pbb 2 004 101 834 180 994 305 öre,
// 1 987 475 062 basis points) made pbb × percentage overflow int64, and lines came out negative.
TEST(FuzzFindings, ARateTableWithFiguresWhoseProductOverflowsIsRefused) {
  pv1::RateTable huge_pbb = OneBandTable(2'004'101'834'180'994'305, 11000, 15500);
  pv1::RateTable huge_percentage = OneBandTable(5'730'000, 11000, 1'987'475'062);
  auto* level = huge_percentage.add_contact_person_expense_levels();
  level->set_code("LOW");
  level->mutable_per_year()->set_basis_points(1'987'475'062);
  huge_percentage.mutable_contact_family_holiday_fee_multiplier()->set_basis_points(100'001);

  std::vector<std::string> fields;
  for (const auto& v : GetViolations(payments::ValidateRateTable(huge_pbb))) {
    fields.push_back(v.field);
  }
  EXPECT_THAT(fields, testing::ElementsAre("rate_table.prisbasbelopp"));
  fields.clear();
  for (const auto& v : GetViolations(payments::ValidateRateTable(huge_percentage))) {
    fields.push_back(v.field);
  }
  EXPECT_THAT(fields,
              testing::UnorderedElementsAre("rate_table.expense_allowance_bands[0].tax_free_max",
                                            "rate_table.contact_person_expense_levels[0].per_year",
                                            "rate_table.contact_family_holiday_fee_multiplier"));

  // At the limits every figure is still exact and non-negative.
  const pv1::RateTable limits = OneBandTable(100'000'000, 100'000, 100'000);
  ASSERT_TRUE(payments::ValidateRateTable(limits).ok()) << payments::ValidateRateTable(limits);
  pv1::AgreementTerms terms;
  terms.set_expense_allowance_addition_bp(20000);
  auto lines = payments::MonthLines(WholeMonthAgreement(terms), limits, absl::CivilMonth(2024, 1));
  ASSERT_TRUE(lines.ok()) << lines.status();
  // 1 000 000 SEK × 1000 % / 12, and the 200 % addition above the maximum.
  EXPECT_EQ(Amount(*lines, pv1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE), 83'333'333);
  EXPECT_EQ(Amount(*lines, pv1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX), 16'666'667);
}

// compensation fuzzer: the band's base plus the terms' addition was summed in int (signed
// overflow, undefined behaviour); in practice it wrapped to a negative percentage and the
// allowance came out 0.
TEST(FuzzFindings, ABasePlusAdditionBeyondIntRangeIsNotLost) {
  const int32_t max = std::numeric_limits<int32_t>::max();
  const pv1::RateTable table = OneBandTable(120'000, max - 3647, max);  // not a table to add
  pv1::AgreementTerms terms;
  terms.set_expense_allowance_addition_bp(20000);
  auto lines = payments::MonthLines(WholeMonthAgreement(terms), table, absl::CivilMonth(2024, 1));
  ASSERT_TRUE(lines.ok()) << lines.status();
  // pbb × bp / 120000 with pbb = 120 000 öre is just the basis points, in öre.
  EXPECT_EQ(Amount(*lines, pv1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE), max);
  EXPECT_EQ(Amount(*lines, pv1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX), 20000 - 3647);
}

// jwt fuzzer: Mint took a region that was not UTF-8 and made a token that Verify refused
// ("bad claim: regions"). Now Mint refuses it, and UTF-8 text round-trips.
TEST(FuzzFindings, MintRefusesTextThatIsNotUtf8) {
  auto keys = auth::GenerateEcKeyPair();
  ASSERT_TRUE(keys.ok()) << keys.status();
  auto signer = auth::TokenSigner::Create(keys->first, "k", "fhv-test");
  auto verifier = auth::TokenVerifier::Create({{"k", keys->second}}, {.issuer = "fhv-test"});
  ASSERT_TRUE(signer.ok() && verifier.ok());
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);

  auth::Principal p;
  p.user = "u-7";
  p.org_kind = auth::OrgKind::kAgency;
  p.org_id = "5555555555";
  p.roles = {"finance_officer"};
  for (const std::string bad :
       {"\xff\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
    auth::Principal in_region = p;
    in_region.regions = {bad};
    auth::Principal in_role = p;
    in_role.roles = {"admin", bad};
    auth::Principal in_user = p;
    in_user.user = bad;
    for (const auto& principal : {in_region, in_role, in_user}) {
      auto token = signer->Mint(principal, now, absl::Hours(1));
      EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument) << absl::CEscape(bad);
    }
  }

  p.user = "Åsa Öberg";
  p.regions = {"Västra Götaland", "\xf0\x9f\x8f\xa0"};  // and U+1F3E0, four bytes
  auto token = signer->Mint(p, now, absl::Hours(1));
  ASSERT_TRUE(token.ok()) << token.status();
  auto verified = verifier->Verify(*token, now);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->user, p.user);
  EXPECT_EQ(verified->regions, p.regions);
}

}  // namespace
}  // namespace fhv
