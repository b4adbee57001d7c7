// The payments binary: SKR's rate tables as versioned data, readable by every caller and
// added only by the suite's own admins, never for a past year.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "absl/time/clock.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/status.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

namespace pv1 = ::fhv::payments::v1;
using Stub = pv1::PaymentsService::Stub;

class PaymentsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = RunBinary("fhv-payments", {"--migrate", "--database_dsn=" + db_.Dsn("payments")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    server_ = std::make_unique<ServiceProcess>(
        "fhv-payments", std::vector<std::string>{"--database_dsn=" + db_.Dsn("payments"),
                                                 "--jwt_public_keys=" + keys_.public_pem_path(),
                                                 "--jwt_issuer=fhv-test"});
    ASSERT_TRUE(server_->running()) << server_->Log();
    stub_ = pv1::PaymentsService::NewStub(
        grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                const Request& request, const std::string& token) {
    return CallRpc(*stub_, method, request, token);
  }

  TestDatabase db_{{"payments"}};
  TestKeys keys_;
  std::unique_ptr<ServiceProcess> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(PaymentsE2E, RateTablesAreVersionedDataAndAPastYearIsNeverChanged) {
  const std::string reader = keys_.Mint(Recruiter("2418"));
  pv1::ListRateTablesRequest list;
  list.set_page_size(3);
  auto page = Call(&Stub::ListRateTables, list, reader);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->rate_tables_size(), 3);
  EXPECT_EQ(page->rate_tables(0).year(), 2026);
  list.set_page_token(page->next_page_token());
  auto rest = Call(&Stub::ListRateTables, list, reader);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->rate_tables_size(), 1);
  EXPECT_EQ(rest->rate_tables(0).year(), 2023);
  EXPECT_TRUE(rest->next_page_token().empty());

  pv1::GetRateTableRequest get;
  get.set_year(2023);
  auto t2023 = Call(&Stub::GetRateTable, get, reader);
  ASSERT_TRUE(t2023.ok()) << t2023.status();
  EXPECT_EQ(t2023->rate_table().prisbasbelopp().amount_ore(), 5'250'000);
  EXPECT_EQ(t2023->rate_table().version(), 1);
  EXPECT_FALSE(t2023->rate_table().fee_levels(0).monthly_fee().estimate());
  get.set_year(2026);
  auto t2026 = Call(&Stub::GetRateTable, get, reader);
  ASSERT_TRUE(t2026.ok()) << t2026.status();
  EXPECT_EQ(t2026->rate_table().prisbasbelopp().amount_ore(), 5'920'000);
  EXPECT_FALSE(t2026->rate_table().prisbasbelopp().estimate());
  EXPECT_TRUE(t2026->rate_table().fee_levels(0).monthly_fee().estimate());
  get.set_year(2019);
  EXPECT_EQ(Call(&Stub::GetRateTable, get, reader).status().code(), absl::StatusCode::kNotFound);

  // Only the suite's own admins add tables.
  pv1::AddRateTableRequest add;
  add.set_request_id(NewUuid());
  *add.mutable_rate_table() = t2026->rate_table();
  add.mutable_rate_table()->mutable_fee_levels(0)->mutable_monthly_fee()->set_estimate(false);
  add.mutable_rate_table()->mutable_fee_levels(0)->mutable_monthly_fee()->set_amount_ore(1'200'000);
  EXPECT_EQ(Call(&Stub::AddRateTable, add, keys_.Mint(Admin("2418"))).status().code(),
            absl::StatusCode::kPermissionDenied);
  const std::string admin = keys_.Mint(SuiteAdmin());
  const int this_year = static_cast<int>(Today(absl::Now()).year());
  // A new version of the current year (2026 when this was written) is allowed, a past year's not.
  add.mutable_rate_table()->set_year(this_year);
  auto added = Call(&Stub::AddRateTable, add, admin);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->rate_table().version(), this_year == 2026 ? 2 : 1);
  auto again = Call(&Stub::AddRateTable, add, admin);  // a retry: the same result
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->rate_table().version(), added->rate_table().version());
  get.set_year(this_year);
  auto latest = Call(&Stub::GetRateTable, get, reader);
  ASSERT_TRUE(latest.ok()) << latest.status();
  EXPECT_EQ(latest->rate_table().fee_levels(0).monthly_fee().amount_ore(), 1'200'000);
  EXPECT_EQ(latest->rate_table().created_by_user_id(), "suite-admin");
  get.set_version(1);
  if (this_year == 2026) {
    auto first = Call(&Stub::GetRateTable, get, reader);
    ASSERT_TRUE(first.ok()) << first.status();
    EXPECT_EQ(first->rate_table().fee_levels(0).monthly_fee().amount_ore(), 1'123'700);
  }

  add.set_request_id(NewUuid());
  add.mutable_rate_table()->set_year(this_year - 1);
  auto past = Call(&Stub::AddRateTable, add, admin);
  EXPECT_EQ(GetReason(past.status()), "RATE_TABLE_YEAR_NOT_ALLOWED") << past.status();
  add.mutable_rate_table()->set_year(this_year + 2);
  past = Call(&Stub::AddRateTable, add, admin);
  EXPECT_EQ(GetReason(past.status()), "RATE_TABLE_YEAR_NOT_ALLOWED") << past.status();

  // A table with a gap in its age bands.
  add.mutable_rate_table()->set_year(this_year + 1);
  add.mutable_rate_table()->mutable_expense_allowance_bands(1)->set_min_age_years(14);
  auto bad = Call(&Stub::AddRateTable, add, admin);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.rate_table"), 5);
}

auth::Principal Finance(const std::string& org) {
  auth::Principal p = Recruiter(org);
  p.user = "finance-" + org;
  p.roles = {"finance_officer"};
  return p;
}

TEST_F(PaymentsE2E, AgreementsKeepEveryVersionAndOnlyThePayerSeesThem) {
  const std::string finance = keys_.Mint(Finance("2418"));
  pv1::CreateAgreementRequest create;
  create.set_request_id(NewUuid());
  auto& a = *create.mutable_agreement();
  a.set_assignment_kind(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  a.set_home_id("home-before-the-suite");
  a.set_client_reference("MAL-2021-17");
  *a.mutable_child_birth_date() = ToDate(absl::CivilDay(2015, 4, 2));
  *a.mutable_valid_from() = ToDate(absl::CivilDay(2024, 1, 1));
  create.mutable_terms()->set_fee_level_code("BASE");
  // Bad terms are refused with every violation named, and nothing is written.
  create.mutable_terms()->set_monthly_fee_ore(-1);
  create.mutable_terms()->add_extra_allowances()->set_monthly_amount_ore(100);
  auto refused = Call(&Stub::CreateAgreement, create, finance);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const auto& v : GetViolations(refused.status())) fields.push_back(v.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("terms.monthly_fee_ore",
                                                      "terms.extra_allowances[0].reason"));
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.agreement"), 0);

  create.mutable_terms()->set_monthly_fee_ore(0);
  create.mutable_terms()->clear_extra_allowances();
  auto created = Call(&Stub::CreateAgreement, create, finance);
  ASSERT_TRUE(created.ok()) << created.status();
  pv1::Agreement agreement = created->agreement();
  EXPECT_EQ(agreement.source(), pv1::AGREEMENT_SOURCE_MANUAL);
  EXPECT_EQ(agreement.paying_municipality_id(), "2418");
  ASSERT_EQ(agreement.versions_size(), 1);

  // A raised allowance from March: a new version, the first one ends the day before.
  pv1::AmendAgreementRequest amend;
  amend.set_agreement_id(agreement.agreement_id());
  amend.set_etag(agreement.etag());
  amend.set_request_id(NewUuid());
  *amend.mutable_valid_from() = ToDate(absl::CivilDay(2024, 3, 1));
  amend.mutable_terms()->set_fee_level_code("BASE");
  amend.mutable_terms()->set_expense_allowance_addition_bp(6000);  // 170 %: above 155 %
  amend.set_change_reason("Increased needs after assessment");
  auto amended = Call(&Stub::AmendAgreement, amend, finance);
  ASSERT_TRUE(amended.ok()) << amended.status();
  agreement = amended->agreement();
  ASSERT_EQ(agreement.versions_size(), 2);
  EXPECT_EQ(*DayOf(agreement.versions(0).valid_to()), absl::CivilDay(2024, 2, 29));
  EXPECT_TRUE(agreement.versions(1).expense_allowance_over_max());
  EXPECT_FALSE(agreement.versions(0).expense_allowance_over_max());
  // The same etag again is stale.
  amend.set_request_id(NewUuid());
  EXPECT_EQ(Call(&Stub::AmendAgreement, amend, finance).status().code(),
            absl::StatusCode::kAborted);
  // A version from the same day replaces it, and the history keeps both.
  amend.set_etag(agreement.etag());
  amend.mutable_terms()->set_expense_allowance_addition_bp(1000);
  auto replaced = Call(&Stub::AmendAgreement, amend, finance);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  agreement = replaced->agreement();
  ASSERT_EQ(agreement.versions_size(), 3);
  EXPECT_EQ(agreement.versions(1).superseded_by_version(), 3);
  EXPECT_FALSE(agreement.versions(2).expense_allowance_over_max());

  // Ended by hand on a date; a second end is the wrong state.
  pv1::EndAgreementRequest end;
  end.set_agreement_id(agreement.agreement_id());
  end.set_etag(agreement.etag());
  *end.mutable_end_date() = ToDate(absl::CivilDay(2024, 6, 30));
  end.set_reason("The assignment ended");
  auto ended = Call(&Stub::EndAgreement, end, finance);
  ASSERT_TRUE(ended.ok()) << ended.status();
  EXPECT_EQ(ended->agreement().state(), pv1::AGREEMENT_STATE_ENDED);
  EXPECT_EQ(*DayOf(ended->agreement().versions(2).valid_to()), absl::CivilDay(2024, 6, 30));
  end.set_etag(ended->agreement().etag());
  EXPECT_EQ(GetReason(Call(&Stub::EndAgreement, end, finance).status()), "INVALID_STATE");

  // Only the paying municipality reads it; every read is audited.
  pv1::GetAgreementRequest get;
  get.set_agreement_id(agreement.agreement_id());
  EXPECT_TRUE(Call(&Stub::GetAgreement, get, finance).ok());
  EXPECT_EQ(Call(&Stub::GetAgreement, get, keys_.Mint(Finance("0834"))).status().code(),
            absl::StatusCode::kPermissionDenied);
  pv1::ListAgreementsRequest list;
  *list.mutable_active_on() = ToDate(absl::CivilDay(2024, 5, 1));
  auto listed = Call(&Stub::ListAgreements, list, finance);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->agreements_size(), 1);
  *list.mutable_active_on() = ToDate(absl::CivilDay(2024, 7, 1));
  listed = Call(&Stub::ListAgreements, list, finance);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->agreements_size(), 0);
  list.set_paying_municipality_id("0834");
  EXPECT_EQ(Call(&Stub::ListAgreements, list, finance).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_GE(db_.Count("SELECT count(*) FROM payments.audit_log WHERE resource_type = 'agreement' "
                      "AND action = 'payments.GetAgreement'"),
            1);
}

TEST_F(PaymentsE2E, AMonthsRunPaysEveryAgreementProRataOnceEvenWhenAskedTwiceAtOnce) {
  const std::string finance = keys_.Mint(Finance("2418"));
  // From 15 February 2024 (a leap year: 29 days), a child of 8.
  pv1::CreateAgreementRequest create;
  create.set_request_id(NewUuid());
  auto& a = *create.mutable_agreement();
  a.set_assignment_kind(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  a.set_home_id("home-1");
  *a.mutable_child_birth_date() = ToDate(absl::CivilDay(2016, 1, 20));
  *a.mutable_valid_from() = ToDate(absl::CivilDay(2024, 2, 15));
  create.mutable_terms()->set_fee_level_code("BASE");
  auto created = Call(&Stub::CreateAgreement, create, finance);
  ASSERT_TRUE(created.ok()) << created.status();
  // Another municipality's agreement is not in this run.
  create.set_request_id(NewUuid());
  ASSERT_TRUE(Call(&Stub::CreateAgreement, create, keys_.Mint(Finance("0834"))).ok());

  pv1::CreatePaymentRunRequest run;
  run.set_municipality_id("2418");
  run.mutable_month()->set_year(2024);
  run.mutable_month()->set_month(2);
  std::vector<absl::StatusOr<pv1::CreatePaymentRunResponse>> results(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      pv1::CreatePaymentRunRequest mine = run;
      mine.set_request_id(NewUuid());
      results[i] = Call(&Stub::CreatePaymentRun, mine, finance);
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(results[0].ok()) << results[0].status();
  ASSERT_TRUE(results[1].ok()) << results[1].status();
  EXPECT_EQ(results[0]->payment_run().payment_run_id(), results[1]->payment_run().payment_run_id());
  EXPECT_EQ(results[0]->created() + results[1]->created(), 1);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.payment_run"), 1);
  const pv1::PaymentRun paid =
      results[0]->created() ? results[0]->payment_run() : results[1]->payment_run();
  EXPECT_EQ(paid.state(), pv1::PAYMENT_RUN_STATE_CALCULATED);
  EXPECT_EQ(paid.agreement_count(), 1);
  EXPECT_EQ(paid.line_count(), 2);
  // 11 237 SEK × 15/29 and 57 300 SEK × 110 % / 12 × 15/29, each rounded once.
  EXPECT_EQ(paid.taxable_total_ore(), 581'224);
  EXPECT_EQ(paid.tax_free_total_ore(), 271'681);
  ASSERT_EQ(paid.problems_size(), 1);  // no payee is kept yet
  EXPECT_EQ(paid.problems(0).code(), "PAYEE_MISSING");

  pv1::ListPaymentLinesRequest lines;
  lines.set_payment_run_id(paid.payment_run_id());
  auto listed = Call(&Stub::ListPaymentLines, lines, finance);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->lines_size(), 2);
  int64_t sum = 0;
  for (const auto& l : listed->lines()) {
    sum += l.amount_ore();
    EXPECT_EQ(l.days_covered(), 15);
    EXPECT_EQ(l.days_in_month(), 29);
  }
  EXPECT_EQ(sum, paid.taxable_total_ore() + paid.tax_free_total_ore());
  EXPECT_EQ(Call(&Stub::ListPaymentLines, lines, keys_.Mint(Finance("0834")))->lines_size(), 0);

  // Raised from 20 February: recalculated, the month's lines follow the versions.
  pv1::AmendAgreementRequest amend;
  amend.set_agreement_id(created->agreement().agreement_id());
  amend.set_etag(created->agreement().etag());
  amend.set_request_id(NewUuid());
  *amend.mutable_valid_from() = ToDate(absl::CivilDay(2024, 2, 20));
  amend.mutable_terms()->set_fee_level_code("RAISED_1");
  amend.set_change_reason("More support needed");
  ASSERT_TRUE(Call(&Stub::AmendAgreement, amend, finance).ok());
  pv1::RecalculatePaymentRunRequest recalc;
  recalc.set_payment_run_id(paid.payment_run_id());
  recalc.set_etag(paid.etag());
  auto again = Call(&Stub::RecalculatePaymentRun, recalc, finance);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->payment_run().line_count(), 4);
  // 11 237 × 5/29 + 13 132 × 10/29, each rounded once.
  EXPECT_EQ(again->payment_run().taxable_total_ore(), 193'741 + 452'828);
  EXPECT_EQ(Call(&Stub::RecalculatePaymentRun, recalc, finance).status().code(),
            absl::StatusCode::kAborted);

  // With the home's payee kept, the run has no problem left and withholds the payee's tax.
  pv1::SetPayeeRequest payee;
  payee.mutable_payee()->set_home_id("home-1");
  payee.mutable_payee()->mutable_name()->set_given_name("Eva");
  payee.mutable_payee()->mutable_name()->set_family_name("Berg");
  payee.mutable_payee()->set_personnummer(MakePersonnummer("19750101", 5));
  payee.mutable_payee()->mutable_account()->set_bankgiro("5402968");  // a wrong check digit
  payee.mutable_payee()->set_withholding_tax_bp(3000);
  EXPECT_EQ(Call(&Stub::SetPayee, payee, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  payee.mutable_payee()->mutable_account()->set_bankgiro("54029681");
  auto kept = Call(&Stub::SetPayee, payee, finance);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->payee().personnummer().size(), 12u);
  // A second create, not knowing the first: stale.
  EXPECT_EQ(Call(&Stub::SetPayee, payee, finance).status().code(), absl::StatusCode::kAborted);
  pv1::GetPayeeRequest get_payee;
  get_payee.set_home_id("home-1");
  EXPECT_TRUE(Call(&Stub::GetPayee, get_payee, finance).ok());
  get_payee.set_municipality_id("0834");
  EXPECT_EQ(Call(&Stub::GetPayee, get_payee, finance).status().code(),
            absl::StatusCode::kPermissionDenied);
  recalc.set_etag(again->payment_run().etag());
  auto with_payee = Call(&Stub::RecalculatePaymentRun, recalc, finance);
  ASSERT_TRUE(with_payee.ok()) << with_payee.status();
  EXPECT_TRUE(with_payee->payment_run().problems().empty());
  EXPECT_EQ(with_payee->payment_run().tax_withheld_total_ore(),
            ((193'741 + 452'828) * 3 + 5) / 10);  // 30 %, rounded once
  EXPECT_EQ(with_payee->payment_run().transfer_total_ore(),
            with_payee->payment_run().taxable_total_ore() +
                with_payee->payment_run().tax_free_total_ore() -
                with_payee->payment_run().tax_withheld_total_ore());

  // The payer's settings: only the municipality's admin sets them, and they are checked.
  pv1::SetMunicipalityPaymentSettingsRequest settings;
  auto& st = *settings.mutable_settings();
  st.set_debtor_name("Malå kommun");
  st.set_organisationsnummer("212000-2627");
  st.mutable_debtor_account()->set_iban("SE45 5000 0000 0583 9825 7466");
  st.mutable_debtor_account()->set_bic("ESSESESS");
  st.set_execution_day_of_month(25);
  EXPECT_EQ(Call(&Stub::SetMunicipalityPaymentSettings, settings, finance).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto set = Call(&Stub::SetMunicipalityPaymentSettings, settings, keys_.Mint(Admin("2418")));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->settings().organisationsnummer(), "2120002627");
  pv1::GetMunicipalityPaymentSettingsRequest get_settings;
  auto got = Call(&Stub::GetMunicipalityPaymentSettings, get_settings, finance);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->settings().debtor_account().iban(), "SE4550000000058398257466");

  // Approved: immutable from now on, and posted to the ledger in balance.
  pv1::ApprovePaymentRunRequest approve;
  approve.set_payment_run_id(paid.payment_run_id());
  approve.set_etag(paid.etag());  // stale: approval is of what was read
  EXPECT_EQ(Call(&Stub::ApprovePaymentRun, approve, finance).status().code(),
            absl::StatusCode::kAborted);
  approve.set_etag(with_payee->payment_run().etag());
  auto approved = Call(&Stub::ApprovePaymentRun, approve, finance);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->payment_run().state(), pv1::PAYMENT_RUN_STATE_APPROVED);
  EXPECT_EQ(*DayOf(approved->payment_run().execution_date()), absl::CivilDay(2024, 3, 25));
  recalc.set_etag(approved->payment_run().etag());
  EXPECT_EQ(GetReason(Call(&Stub::RecalculatePaymentRun, recalc, finance).status()),
            "INVALID_STATE");
  approve.set_etag(approved->payment_run().etag());
  approve.set_request_id(NewUuid());
  EXPECT_EQ(GetReason(Call(&Stub::ApprovePaymentRun, approve, finance).status()), "INVALID_STATE");
  pv1::ListLedgerEntriesRequest ledger;
  ledger.set_municipality_id("2418");
  auto books = Call(&Stub::ListLedgerEntries, ledger, finance);
  ASSERT_TRUE(books.ok()) << books.status();
  int64_t debit = 0, credit = 0, payable = 0;
  for (const auto& e : books->entries()) {
    (e.side() == pv1::LEDGER_SIDE_DEBIT ? debit : credit) += e.amount_ore();
    if (e.account() == "PAYABLE_HOMES") payable += e.amount_ore();
  }
  EXPECT_GT(debit, 0);
  EXPECT_EQ(debit, credit);
  EXPECT_EQ(payable, approved->payment_run().transfer_total_ore());
  // The ledger refuses changes, even from a superuser's session.
  auto admin = db_.Admin();
  ASSERT_NE(admin, nullptr);
  EXPECT_FALSE(admin->Exec({"tamper", "UPDATE payments.ledger_entry SET amount_ore = 1"}).ok());
  EXPECT_FALSE(admin->Exec({"erase", "DELETE FROM payments.ledger_entry"}).ok());
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.ledger_entry"), books->entries_size());

  // A future month, another municipality's run, a year without a table.
  const absl::CivilMonth next = absl::CivilMonth(Today(absl::Now())) + 1;
  run.set_request_id(NewUuid());
  run.mutable_month()->set_year(static_cast<int>(next.year()));
  run.mutable_month()->set_month(next.month());
  EXPECT_EQ(GetReason(Call(&Stub::CreatePaymentRun, run, finance).status()), "FUTURE_MONTH");
  run.set_request_id(NewUuid());
  run.set_municipality_id("0834");
  run.mutable_month()->set_year(2024);
  EXPECT_EQ(Call(&Stub::CreatePaymentRun, run, finance).status().code(),
            absl::StatusCode::kPermissionDenied);
  run.set_request_id(NewUuid());
  run.set_municipality_id("2418");
  run.mutable_month()->set_year(2022);
  EXPECT_EQ(GetReason(Call(&Stub::CreatePaymentRun, run, finance).status()), "RATE_TABLE_MISSING");
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.payment_run"), 1);
}

}  // namespace
}  // namespace fhv::testing
