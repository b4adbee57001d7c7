// An agency's monthly invoice: placement days of each version's daily rate within the month
// (start and end mid-month, a rate changed mid-month), its homes' claims, and the cost figures
// the cost report sets side by side. The ledger entries of an invoice balance.

#include "services/payments/src/domain/invoice.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/util/dates.h"
#include "services/payments/src/domain/agreement.h"
#include "services/payments/src/domain/ledger.h"

namespace fhv::payments {
namespace {

v1::Agreement AgencyAgreement(const std::string& id, absl::CivilDay from, int64_t rate) {
  v1::Agreement a;
  a.set_agreement_id(id);
  a.set_placement_id("p-" + id);
  a.set_home_id("home-" + id);
  a.set_child_id("child-" + id);
  a.set_agency_home(true);
  a.mutable_agency()->set_id("5561234567");
  *a.mutable_valid_from() = ToDate(from);
  auto* v = a.add_versions();
  v->set_version(1);
  *v->mutable_valid_from() = ToDate(from);
  v->mutable_terms()->set_agency_daily_rate_ore(rate);
  return a;
}

fhv::common::v1::OrganisationRef Agency() {
  fhv::common::v1::OrganisationRef r;
  r.set_id("5561234567");
  r.set_kind(fhv::common::v1::ORGANISATION_KIND_AGENCY);
  return r;
}

TEST(AgencyInvoice, DaysOfEachVersionInTheMonthTimesItsDailyRate) {
  // From 15 February 2024 (29 days): 15 days.
  v1::Agreement started = AgencyAgreement("a", absl::CivilDay(2024, 2, 15), 180'000);
  // All month, the rate raised from the 10th: 9 days at the old rate, 20 at the new.
  v1::Agreement raised = AgencyAgreement("b", absl::CivilDay(2023, 6, 1), 150'000);
  auto* v2 = raised.add_versions();
  v2->set_version(2);
  *v2->mutable_valid_from() = ToDate(absl::CivilDay(2024, 2, 10));
  v2->mutable_terms()->set_agency_daily_rate_ore(170'000);
  // Ended on the 3rd: 3 days.
  v1::Agreement ended = AgencyAgreement("c", absl::CivilDay(2023, 1, 1), 200'000);
  *ended.mutable_valid_to() = ToDate(absl::CivilDay(2024, 2, 3));
  v1::Reimbursement claim;
  claim.set_reimbursement_id("r-1");
  claim.set_agreement_id("a");
  claim.set_home_id("home-a");
  *claim.mutable_expense_date() = ToDate(absl::CivilDay(2024, 2, 20));
  claim.set_approved_amount_ore(45'000);

  const v1::AgencyInvoice inv = BuildAgencyInvoice(
      "inv-1", Agency(), "2418", absl::CivilMonth(2024, 2), {started, raised, ended}, {claim});
  ASSERT_EQ(inv.lines_size(), 5);
  EXPECT_EQ(inv.lines(0).days(), 15);
  EXPECT_EQ(*DayOf(inv.lines(0).period_start()), absl::CivilDay(2024, 2, 15));
  EXPECT_EQ(*DayOf(inv.lines(0).period_end()), absl::CivilDay(2024, 2, 29));
  EXPECT_EQ(inv.lines(0).amount_ore(), 15 * 180'000);
  EXPECT_EQ(inv.lines(1).days(), 9);
  EXPECT_EQ(inv.lines(1).amount_ore(), 9 * 150'000);
  EXPECT_EQ(inv.lines(2).days(), 20);
  EXPECT_EQ(inv.lines(2).daily_rate_ore(), 170'000);
  EXPECT_EQ(inv.lines(3).days(), 3);
  EXPECT_EQ(inv.lines(4).kind(), v1::AGENCY_INVOICE_LINE_KIND_REIMBURSEMENT);
  EXPECT_EQ(inv.lines(4).amount_ore(), 45'000);
  EXPECT_EQ(inv.placement_days(), 15 + 29 + 3);
  int64_t sum = 0;
  for (const auto& l : inv.lines()) sum += l.amount_ore();
  EXPECT_EQ(inv.total_ore(), sum);

  const v1::CostFigures f = AgencyCosts(inv);
  EXPECT_EQ(f.placements(), 3);
  EXPECT_EQ(f.placement_days(), 47);
  EXPECT_EQ(f.invoiced_ore(), sum - 45'000);
  EXPECT_EQ(f.reimbursements_ore(), 45'000);
  EXPECT_EQ(f.total_ore(), sum);
  EXPECT_EQ(f.cost_per_day_ore(), (sum + 23) / 47);  // rounded half away from zero

  const auto entries = InvoiceEntries(inv, absl::CivilDay(2024, 3, 1));
  EXPECT_TRUE(Balanced(entries));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[2].account(), "PAYABLE_AGENCIES");
  EXPECT_EQ(entries[2].side(), v1::LEDGER_SIDE_CREDIT);
  EXPECT_EQ(entries[2].amount_ore(), sum);
}

TEST(AgencyInvoice, AnAgreementOutsideTheMonthGivesNoLine) {
  v1::Agreement later = AgencyAgreement("a", absl::CivilDay(2024, 3, 1), 180'000);
  v1::Agreement earlier = AgencyAgreement("b", absl::CivilDay(2023, 1, 1), 180'000);
  *earlier.mutable_valid_to() = ToDate(absl::CivilDay(2024, 1, 31));
  const v1::AgencyInvoice inv =
      BuildAgencyInvoice("inv", Agency(), "2418", absl::CivilMonth(2024, 2), {later, earlier}, {});
  EXPECT_EQ(inv.lines_size(), 0);
  EXPECT_EQ(inv.total_ore(), 0);
  EXPECT_EQ(AgencyCosts(inv).cost_per_day_ore(), 0);
}

TEST(CostFigures, OwnHomesCountEachDayOnceAndClaimsAsNoDays) {
  std::vector<v1::PaymentLine> lines(4);
  lines[0].set_agreement_id("a");
  lines[0].set_kind(v1::PAYMENT_LINE_KIND_FEE);
  lines[0].set_days_covered(10);
  lines[0].set_amount_ore(400'000);
  lines[1] = lines[0];
  lines[1].set_days_covered(19);  // a second version later in the month
  lines[1].set_amount_ore(800'000);
  lines[2].set_agreement_id("a");
  lines[2].set_kind(v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE);
  lines[2].set_days_covered(29);
  lines[2].set_amount_ore(500'000);
  lines[3].set_agreement_id("a");
  lines[3].set_kind(v1::PAYMENT_LINE_KIND_REIMBURSEMENT);
  lines[3].set_amount_ore(20'000);
  v1::CostFigures f = OwnHomeCosts(lines);
  EXPECT_EQ(f.placements(), 1);
  EXPECT_EQ(f.placement_days(), 29);
  EXPECT_EQ(f.fees_ore(), 1'200'000);
  EXPECT_EQ(f.allowances_ore(), 500'000);
  EXPECT_EQ(f.reimbursements_ore(), 20'000);
  EXPECT_EQ(f.total_ore(), 1'720'000);
  EXPECT_EQ(f.cost_per_day_ore(), 59'310);  // 1 720 000 / 29 = 59 310.3
  AddCosts(f, f);
  EXPECT_EQ(f.placement_days(), 58);
  EXPECT_EQ(f.total_ore(), 3'440'000);
  EXPECT_EQ(f.cost_per_day_ore(), 59'310);
}

}  // namespace
}  // namespace fhv::payments
