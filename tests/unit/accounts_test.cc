// Checks of bank accounts, payer settings and payees.

#include "services/payments/src/domain/accounts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/clients.h"

namespace fhv::payments {
namespace {

TEST(Accounts, IbanCheckDigitsAndSwedishLength) {
  EXPECT_TRUE(ValidIban("SE45 5000 0000 0583 9825 7466"));
  EXPECT_TRUE(ValidIban("se4550000000058398257466"));
  EXPECT_FALSE(ValidIban("SE4550000000058398257467"));  // one digit off
  EXPECT_FALSE(ValidIban("SE455000000005839825746"));   // too short for Sweden
  EXPECT_FALSE(ValidIban("SE45-5000"));
  EXPECT_TRUE(ValidBic("ESSESESS"));
  EXPECT_TRUE(ValidBic("HANDSESSXXX"));
  EXPECT_FALSE(ValidBic("ESSE5ESS"));
  EXPECT_FALSE(ValidBic("ESSESES"));
}

TEST(Accounts, BankgiroAndDomesticAccounts) {
  Violations v;
  v1::BankAccount bg;
  bg.set_bankgiro("5402-9681");
  CheckAccount(v, "a", bg, false);
  EXPECT_FALSE(v.empty());  // digits only
  Violations ok;
  bg.set_bankgiro("54029681");
  CheckAccount(ok, "a", bg, false);
  bg.set_bankgiro("9912346");
  CheckAccount(ok, "b", bg, false);
  v1::BankAccount domestic;
  domestic.mutable_domestic()->set_clearing_number("8327");
  domestic.mutable_domestic()->set_account_number("9123456789");
  CheckAccount(ok, "c", domestic, false);
  EXPECT_TRUE(ok.empty()) << ok.ToStatus();
  Violations bad;
  bg.set_bankgiro("54029682");
  CheckAccount(bad, "d", bg, false);
  CheckAccount(bad, "e", domestic, /*require_iban=*/true);
  CheckAccount(bad, "f", v1::BankAccount(), false);
  ASSERT_EQ(bad.list().size(), 3u);
  EXPECT_EQ(bad.list()[0].field, "d.bankgiro");
}

TEST(Accounts, SettingsNeedAnIbanWithBicAndADayThatEveryMonthHas) {
  v1::MunicipalityPaymentSettings s;
  s.set_debtor_name("Malå kommun");
  s.set_organisationsnummer("212000-2627");
  s.mutable_debtor_account()->set_iban("SE45 5000 0000 0583 9825 7466");
  s.mutable_debtor_account()->set_bic("ESSESESS");
  s.set_execution_day_of_month(25);
  ASSERT_TRUE(ValidateSettings(s).ok()) << ValidateSettings(s);
  EXPECT_EQ(s.organisationsnummer(), "2120002627");
  EXPECT_EQ(s.debtor_account().iban(), "SE4550000000058398257466");
  s.set_execution_day_of_month(31);
  s.mutable_debtor_account()->clear_bic();
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(ValidateSettings(s))) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("settings.debtor_account.bic",
                                                      "settings.execution_day_of_month"));
}

TEST(Accounts, APayeeHasANamePersonnummerAccountAndAPlausibleTax) {
  v1::Payee p;
  p.set_home_id("home-1");
  p.mutable_name()->set_given_name("Eva");
  p.mutable_name()->set_family_name("Berg");
  p.set_personnummer(testing::MakePersonnummer("19750101", 5));
  p.mutable_account()->set_bankgiro("54029681");
  p.set_withholding_tax_bp(3000);
  ASSERT_TRUE(ValidatePayee(p, absl::CivilDay(2026, 1, 1)).ok());
  p.set_personnummer("197501011234");
  p.set_withholding_tax_bp(12000);
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(ValidatePayee(p, absl::CivilDay(2026, 1, 1)))) {
    fields.push_back(v.field);
  }
  EXPECT_THAT(fields,
              ::testing::UnorderedElementsAre("payee.personnummer", "payee.withholding_tax_bp"));
}

}  // namespace
}  // namespace fhv::payments
