// A month's payment run built from agreements: agency homes left to the agency's invoice,
// one payout per home, tax withheld from the taxable part only, a negative net carried
// forward, and totals that are exactly the sums of the lines.

#include "services/payments/src/domain/run.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/str_format.h"
#include "common/util/dates.h"
#include "services/payments/src/domain/agreement.h"
#include "services/payments/src/domain/compensation.h"
#include "services/payments/src/domain/ledger.h"

namespace fhv::payments {
namespace {

v1::RateTable Table() {
  v1::RateTable t;
  t.set_year(2024);
  t.set_version(3);
  t.mutable_prisbasbelopp()->set_amount_ore(5'730'000);
  auto* band = t.add_expense_allowance_bands();
  band->set_min_age_years(0);
  band->set_max_age_years(19);
  band->mutable_base()->set_basis_points(11000);
  band->mutable_tax_free_max()->set_basis_points(15500);
  auto* base = t.add_fee_levels();
  base->set_code("BASE");
  base->mutable_monthly_fee()->set_amount_ore(1'123'700);
  return t;
}

v1::Agreement Agreement(const std::string& id, const std::string& home, v1::AgreementTerms terms,
                        bool agency = false) {
  v1::Agreement a;
  a.set_agreement_id(id);
  a.set_home_id(home);
  a.set_assignment_kind(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  a.set_agency_home(agency);
  *a.mutable_child_birth_date() = ToDate(absl::CivilDay(2015, 6, 1));
  *a.mutable_valid_from() = ToDate(absl::CivilDay(2023, 1, 1));
  auto* v = a.add_versions();
  v->set_version(1);
  *v->mutable_valid_from() = a.valid_from();
  *v->mutable_terms() = std::move(terms);
  return a;
}

v1::AgreementTerms Base() {
  v1::AgreementTerms t;
  t.set_fee_level_code("BASE");
  return t;
}

// Finishes the run as the service does from its stored `lines`: sums per home in home order
// (with the debts `carried` in), one payout each, and the totals.
std::vector<v1::Payout> FinishRun(RunBuilder& b, const std::vector<v1::PaymentLine>& lines,
                                  const std::map<std::string, PayeeFacts>& payees,
                                  v1::PaymentRun& run,
                                  const std::map<std::string, int64_t>& carried = {}) {
  std::map<std::string, HomeSums> homes;
  std::set<std::string> agreements;
  LineCounts counts;
  for (const v1::PaymentLine& l : lines) {
    HomeSums& h = homes[l.home_id()];
    h.home_id = l.home_id();
    if (h.first_agreement_id.empty()) h.first_agreement_id = l.agreement_id();
    (l.taxable() ? h.taxable_ore : h.tax_free_ore) += l.amount_ore();
    agreements.insert(l.agreement_id());
    ++counts.lines;
    if (l.adjustment()) counts.adjustment_ore += l.amount_ore();
  }
  counts.agreements = static_cast<int>(agreements.size());
  for (const auto& [home, amount] : carried) {
    homes[home].home_id = home;
    homes[home].carried_in_ore = amount;
  }
  std::vector<v1::Payout> out;
  for (const auto& [home, sums] : homes) {
    const auto payee = payees.find(home);
    out.push_back(b.AddPayout(sums, payee == payees.end() ? nullptr : &payee->second, run));
  }
  b.Finish(counts, run);
  return out;
}

TEST(Run, PayoutsPerHomeWithTaxWithheldAndTotalsThatAreTheSumsOfTheLines) {
  const v1::RateTable table = Table();
  RunBuilder b("run-1", absl::CivilMonth(2024, 3), table);
  ASSERT_TRUE(b.Add(Agreement("a-1", "home-a", Base())).ok());
  ASSERT_TRUE(b.Add(Agreement("a-2", "home-a", Base())).ok());  // a second child, same home
  ASSERT_TRUE(b.Add(Agreement("a-3", "home-b", Base())).ok());
  ASSERT_TRUE(b.Add(Agreement("a-4", "home-c", Base(), /*agency=*/true)).ok());
  EXPECT_EQ(b.pending().size(), 6u);
  const auto lines = b.TakeLines();
  EXPECT_TRUE(b.pending().empty());
  EXPECT_EQ(b.taken(), 6);
  EXPECT_EQ(lines[5].line_id(), "run-1-6");
  v1::PaymentRun run;
  run.set_municipality_id("2418");
  const auto payouts = FinishRun(b, lines,
                                 {{"home-a", {.has_account = true, .withholding_tax_bp = 3000}},
                                  {"home-b", {.has_account = true, .withholding_tax_bp = 3333}}},
                                 run);
  ASSERT_EQ(payouts.size(), 2u);
  EXPECT_EQ(payouts[0].home_id(), "home-a");
  EXPECT_EQ(payouts[0].taxable_ore(), 2 * 1'123'700);
  EXPECT_EQ(payouts[0].tax_free_ore(), 2 * 525'250);
  EXPECT_EQ(payouts[0].tax_withheld_ore(), 674'220);  // 30 % of 22 474 SEK
  // 33.33 % of 11 237 SEK = 3 745.29... SEK: rounded once.
  EXPECT_EQ(payouts[1].tax_withheld_ore(), 374'529);
  int64_t taxable = 0, tax_free = 0, net = 0;
  for (const auto& l : lines) (l.taxable() ? taxable : tax_free) += l.amount_ore();
  for (const auto& p : payouts) net += p.net_ore();
  EXPECT_EQ(run.taxable_total_ore(), taxable);
  EXPECT_EQ(run.tax_free_total_ore(), tax_free);
  EXPECT_EQ(run.transfer_total_ore(), net);
  EXPECT_EQ(run.transfer_total_ore(), taxable + tax_free - run.tax_withheld_total_ore());
  EXPECT_EQ(run.agreement_count(), 3);
  EXPECT_EQ(run.transfer_count(), 2);
  EXPECT_TRUE(run.problems().empty());
}

TEST(Run, AHomeWithoutAPayeeIsAProblemAndANegativeNetIsCarriedForward) {
  const v1::RateTable table = Table();
  RunBuilder b("run-2", absl::CivilMonth(2024, 3), table);
  v1::AgreementTerms deducted = Base();
  deducted.set_monthly_fee_ore(1);
  deducted.set_expense_allowance_fixed_monthly_ore(1);
  deducted.set_child_allowance_deduction_monthly_ore(125'000);
  ASSERT_TRUE(b.Add(Agreement("a-1", "home-a", deducted)).ok());
  v1::PaymentRun run;
  const auto payouts = FinishRun(b, b.TakeLines(), {}, run);
  ASSERT_EQ(payouts.size(), 1u);
  EXPECT_LT(payouts[0].net_ore(), 0);
  EXPECT_FALSE(payouts[0].transferred());
  EXPECT_EQ(run.carried_forward_total_ore(), payouts[0].net_ore());
  EXPECT_EQ(run.transfer_total_ore(), 0);
  ASSERT_EQ(run.problems_size(), 1);
  EXPECT_EQ(run.problems(0).code(), "PAYEE_MISSING");
  EXPECT_EQ(run.problems(0).agreement_id(), "a-1");
}

TEST(Run, AtMostTheFirstHundredProblemsAreListedAndAllAreCounted) {
  const v1::RateTable table = Table();
  RunBuilder b("run-6", absl::CivilMonth(2024, 3), table);
  for (int i = 0; i < kMaxListedProblems + 5; ++i) {
    const std::string n = absl::StrFormat("%03d", i);
    ASSERT_TRUE(b.Add(Agreement("a-" + n, "home-" + n, Base())).ok());
  }
  v1::PaymentRun run;
  FinishRun(b, b.TakeLines(), {}, run);
  EXPECT_EQ(run.problem_count(), kMaxListedProblems + 5);
  ASSERT_EQ(run.problems_size(), kMaxListedProblems);
  EXPECT_EQ(run.problems(0).home_id(), "home-000");  // in home order
  EXPECT_EQ(run.problems(kMaxListedProblems - 1).home_id(), "home-099");
}

// What approved runs paid for `a` in `month`, as PaidFor reads it back.
PaidByMonth PaidAsComputed(const v1::Agreement& a, const v1::RateTable& table,
                           absl::CivilMonth month) {
  PaidByMonth paid;
  const auto lines = MonthLines(PeriodOf(a), table, month);
  for (const Line& l : *lines) {
    paid[month][{l.kind, l.taxable}] += l.amount_ore;
  }
  return paid;
}

TEST(Run, AChangeBackInTimeIsCorrectedByAdjustmentLinesOfTheMonthsAlreadyPaid) {
  v1::RateTable table = Table();
  auto* raised = table.add_fee_levels();
  raised->set_code("RAISED_1");
  raised->mutable_monthly_fee()->set_amount_ore(1'313'200);
  const absl::CivilMonth feb(2024, 2);
  const v1::Agreement before = Agreement("a-1", "home-a", Base());
  const PaidByMonth paid = PaidAsComputed(before, table, feb);

  // Raised from 20 February after February was paid: 10 of its 29 days at the raised fee.
  v1::Agreement amended = before;
  auto* v2 = amended.add_versions();
  v2->set_version(2);
  *v2->mutable_valid_from() = ToDate(absl::CivilDay(2024, 2, 20));
  v2->mutable_terms()->set_fee_level_code("RAISED_1");
  RunBuilder b("run-3", absl::CivilMonth(2024, 3), table);
  ASSERT_TRUE(b.AddAdjustments(amended, {feb}, paid, {{2024, table}}).ok());
  const auto lines = b.TakeLines();
  ASSERT_EQ(lines.size(), 1u);  // only the fee changed
  const v1::PaymentLine& fee = lines[0];
  EXPECT_TRUE(fee.adjustment());
  EXPECT_EQ(fee.kind(), v1::PAYMENT_LINE_KIND_FEE);
  EXPECT_TRUE(fee.taxable());
  EXPECT_EQ(fee.corrects_month().month(), 2);
  EXPECT_EQ(fee.month().month(), 3);
  EXPECT_EQ(fee.amount_ore(),
            RoundedShare(1'123'700, 19, 29) + RoundedShare(1'313'200, 10, 29) - 1'123'700);
  v1::PaymentRun run;
  FinishRun(b, lines, {{"home-a", {.has_account = true}}}, run);
  EXPECT_EQ(run.adjustment_total_ore(), fee.amount_ore());
  EXPECT_EQ(run.taxable_total_ore(), fee.amount_ore());

  // Ended back on 10 February: the 19 days after it are paid back, fee and allowance alike.
  v1::Agreement ended = before;
  *ended.mutable_valid_to() = ToDate(absl::CivilDay(2024, 2, 10));
  RunBuilder c("run-3", absl::CivilMonth(2024, 3), table);
  ASSERT_TRUE(c.AddAdjustments(ended, {feb}, paid, {{2024, table}}).ok());
  int64_t back = 0;
  for (const auto& l : c.pending()) {
    EXPECT_LT(l.amount_ore(), 0);
    back += l.amount_ore();
  }
  EXPECT_EQ(c.pending().size(), 2u);
  int64_t whole = 0;
  for (const auto& [key, amount] : paid.at(feb)) whole += amount;
  int64_t kept = 0;
  const auto kept_lines = MonthLines(PeriodOf(ended), table, feb);
  for (const Line& l : *kept_lines) kept += l.amount_ore;
  EXPECT_EQ(back, kept - whole);
  // Nothing changed: no line.
  RunBuilder d("run-3", absl::CivilMonth(2024, 3), table);
  ASSERT_TRUE(d.AddAdjustments(before, {feb}, paid, {{2024, table}}).ok());
  EXPECT_TRUE(d.pending().empty());
  // A month without its year's table is refused rather than guessed.
  EXPECT_FALSE(d.AddAdjustments(ended, {feb}, paid, {}).ok());
}

TEST(Run, APreviousNegativeNetIsSetOffAgainstTheNextPayoutOrCarriedOn) {
  const v1::RateTable table = Table();
  RunBuilder b("run-4", absl::CivilMonth(2024, 4), table);
  ASSERT_TRUE(b.Add(Agreement("a-1", "home-a", Base())).ok());
  v1::PaymentRun run;
  const auto payouts = FinishRun(
      b, b.TakeLines(), {{"home-a", {.has_account = true}}, {"home-gone", {.has_account = true}}},
      run, {{"home-a", -50'000}, {"home-gone", -7'000}});
  ASSERT_EQ(payouts.size(), 2u);
  EXPECT_EQ(payouts[0].carried_in_ore(), -50'000);
  EXPECT_EQ(payouts[0].net_ore(), payouts[0].taxable_ore() + payouts[0].tax_free_ore() - 50'000);
  EXPECT_TRUE(payouts[0].transferred());
  // A home without lines this month carries its debt on.
  EXPECT_EQ(payouts[1].home_id(), "home-gone");
  EXPECT_EQ(payouts[1].net_ore(), -7'000);
  EXPECT_FALSE(payouts[1].transferred());
  EXPECT_EQ(run.carried_forward_total_ore(), -7'000);
  EXPECT_EQ(run.transfer_total_ore(), payouts[0].net_ore());
  EXPECT_TRUE(run.problems().empty());
}

TEST(Run, ACorrectionThatTakesBackTaxableMoneyGivesBackItsTax) {
  const v1::RateTable table = Table();
  const absl::CivilMonth feb(2024, 2);
  const v1::Agreement paid_for = Agreement("a-1", "home-a", Base());
  v1::Agreement ended = paid_for;
  *ended.mutable_valid_to() = ToDate(absl::CivilDay(2024, 2, 10));
  RunBuilder b("run-3", absl::CivilMonth(2024, 3), table);
  ASSERT_TRUE(
      b.AddAdjustments(ended, {feb}, PaidAsComputed(paid_for, table, feb), {{2024, table}}).ok());
  v1::PaymentRun run;
  const auto payouts = FinishRun(
      b, b.TakeLines(), {{"home-a", {.has_account = true, .withholding_tax_bp = 3000}}}, run);
  ASSERT_EQ(payouts.size(), 1u);
  ASSERT_LT(payouts[0].taxable_ore(), 0);
  EXPECT_EQ(payouts[0].tax_withheld_ore(), RoundedShare(payouts[0].taxable_ore(), 3000, 10000));
  EXPECT_EQ(payouts[0].net_ore(),
            payouts[0].taxable_ore() - payouts[0].tax_withheld_ore() + payouts[0].tax_free_ore());
  EXPECT_FALSE(payouts[0].transferred());
}

}  // namespace
}  // namespace fhv::payments

namespace fhv::payments {
namespace {

TEST(Ledger, AnApprovedRunPostsBalancedEntriesPerHome) {
  const v1::RateTable table = Table();
  RunBuilder b("run-3", absl::CivilMonth(2024, 3), table);
  v1::AgreementTerms terms = Base();
  terms.set_child_allowance_deduction_monthly_ore(125'000);
  auto* extra = terms.add_extra_allowances();
  extra->set_reason("Needs");
  extra->set_monthly_amount_ore(33'333);
  ASSERT_TRUE(b.Add(Agreement("a-1", "home-a", terms)).ok());
  ASSERT_TRUE(b.Add(Agreement("a-2", "home-b", Base())).ok());
  v1::PaymentRun run;
  run.set_payment_run_id("run-3");
  run.set_municipality_id("2418");
  const auto lines = b.TakeLines();
  const auto payouts = FinishRun(b, lines,
                                 {{"home-a", {.has_account = true, .withholding_tax_bp = 3217}},
                                  {"home-b", {.has_account = true, .withholding_tax_bp = 0}}},
                                 run);
  const auto entries = ApprovalEntries(run, lines, payouts, absl::CivilDay(2024, 3, 25));
  EXPECT_TRUE(Balanced(entries));
  int64_t payable = 0, tax = 0;
  for (const auto& e : entries) {
    if (e.account() == "PAYABLE_HOMES") payable += e.amount_ore();
    if (e.account() == "TAX_WITHHELD") tax += e.amount_ore();
    EXPECT_EQ(e.source_id(), "run-3");
  }
  EXPECT_EQ(payable, run.transfer_total_ore());
  EXPECT_EQ(tax, run.tax_withheld_total_ore());
  // Unbalanced lists are caught.
  auto broken = entries;
  broken[0].set_amount_ore(broken[0].amount_ore() + 1);
  EXPECT_FALSE(Balanced(broken));
}

TEST(Ledger, AnApprovalPostedAPageOfHomesAtATimeIsTheSameAsAtOnce) {
  const v1::RateTable table = Table();
  RunBuilder b("run-5", absl::CivilMonth(2024, 3), table);
  ASSERT_TRUE(b.Add(Agreement("a-1", "home-a", Base())).ok());
  ASSERT_TRUE(b.Add(Agreement("a-2", "home-b", Base())).ok());
  ASSERT_TRUE(b.Add(Agreement("a-3", "home-b", Base())).ok());
  v1::PaymentRun run;
  run.set_payment_run_id("run-5");
  run.set_municipality_id("2418");
  const auto lines = b.TakeLines();
  const auto payouts = FinishRun(b, lines,
                                 {{"home-a", {.has_account = true, .withholding_tax_bp = 3100}},
                                  {"home-b", {.has_account = true, .withholding_tax_bp = 2900}}},
                                 run);
  ASSERT_EQ(payouts.size(), 2u);
  const absl::CivilDay day(2024, 3, 25);
  const auto whole = ApprovalEntries(run, lines, payouts, day);
  // Pages of one home each, with only that home's lines.
  std::vector<v1::LedgerEntry> paged;
  for (const v1::Payout& p : payouts) {
    std::vector<v1::PaymentLine> of_home;
    for (const auto& l : lines) {
      if (l.home_id() == p.home_id()) of_home.push_back(l);
    }
    const auto page = ApprovalEntries(run, of_home, {p}, day);
    EXPECT_TRUE(Balanced(page));  // each home's entries balance by themselves
    paged.insert(paged.end(), page.begin(), page.end());
  }
  ASSERT_EQ(paged.size(), whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    EXPECT_EQ(paged[i].SerializeAsString(), whole[i].SerializeAsString()) << i;
  }
  // Paid: the homes' debits page by page and the bank's one credit balance; the pages alone do
  // not.
  std::vector<v1::LedgerEntry> paid = PaidEntries(run, {payouts[0]}, day);
  EXPECT_FALSE(Balanced(paid));
  const auto second = PaidEntries(run, {payouts[1]}, day);
  paid.insert(paid.end(), second.begin(), second.end());
  const auto bank = BankEntries(run, day);
  ASSERT_EQ(bank.size(), 1u);
  EXPECT_EQ(bank[0].account(), "BANK");
  EXPECT_EQ(bank[0].side(), v1::LEDGER_SIDE_CREDIT);
  EXPECT_EQ(bank[0].amount_ore(), run.transfer_total_ore());
  paid.insert(paid.end(), bank.begin(), bank.end());
  EXPECT_TRUE(Balanced(paid));
}

}  // namespace
}  // namespace fhv::payments
