// The payments binary: SKR's rate tables as versioned data, readable by every caller and
// added only by the suite's own admins, never for a past year.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/util/dates.h"
#include "common/util/hash.h"
#include "common/util/ids.h"
#include "common/util/status.h"
#include "fhv/common/v1/events.grpc.pb.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"
#include "fhv/placement/v1/events.pb.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

namespace pv1 = ::fhv::payments::v1;
using Stub = pv1::PaymentsService::Stub;

// A hand-made agreement for `home`'s child born `born`, in force from `from`; a foster home
// at the table's base fee unless `kind` says otherwise (then without terms).
pv1::CreateAgreementRequest AgreementRequest(
    const std::string& home, absl::CivilDay born, absl::CivilDay from,
    fhv::common::v1::AssignmentKind kind = fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM) {
  pv1::CreateAgreementRequest r;
  r.set_request_id(NewUuid());
  r.mutable_agreement()->set_assignment_kind(kind);
  r.mutable_agreement()->set_home_id(home);
  *r.mutable_agreement()->mutable_child_birth_date() = ToDate(born);
  *r.mutable_agreement()->mutable_valid_from() = ToDate(from);
  if (kind == fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM) {
    r.mutable_terms()->set_fee_level_code("BASE");
  }
  return r;
}

class PaymentsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = RunBinary("fhv-payments", {"--migrate", "--database_dsn=" + db_.Dsn("payments")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    server_ = std::make_unique<ServiceProcess>(
        "fhv-payments", std::vector<std::string>{"--database_dsn=" + db_.Dsn("payments"),
                                                 "--jwt_public_keys=" + keys_.public_pem_path(),
                                                 "--jwt_issuer=fhv-test", "--gauge_refresh=200ms"});
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

  // Waits up to 5 s for a gauge of the service to show `want`; returns what it showed last.
  double Gauge(const std::string& name, const std::map<std::string, std::string>& labels,
               double want) {
    double value = -1;
    for (int i = 0; i < 50 && value != want; ++i) {
      value = MetricValue(HttpGet(server_->metrics_port(), "/metrics"), name, labels);
      if (value != want) absl::SleepFor(absl::Milliseconds(100));
    }
    return value;
  }

  // Malå's (2418) payment settings, set by its admin.
  void SetPayerSettings() {
    pv1::SetMunicipalityPaymentSettingsRequest settings;
    auto& st = *settings.mutable_settings();
    st.set_debtor_name("Malå kommun");
    st.set_organisationsnummer("212000-2627");
    st.mutable_debtor_account()->set_iban("SE4550000000058398257466");
    st.mutable_debtor_account()->set_bic("ESSESESS");
    st.set_execution_day_of_month(25);
    auto set = Call(&Stub::SetMunicipalityPaymentSettings, settings, keys_.Mint(Admin("2418")));
    ASSERT_TRUE(set.ok()) << set.status();
  }

  // Eva Berg, paid to bankgiro 5402-9681 for `home`, with `tax_bp` withheld.
  void SetBankgiroPayee(const std::string& home, const std::string& finance, int tax_bp = 0) {
    pv1::SetPayeeRequest payee;
    payee.mutable_payee()->set_home_id(home);
    payee.mutable_payee()->mutable_name()->set_given_name("Eva");
    payee.mutable_payee()->mutable_name()->set_family_name("Berg");
    payee.mutable_payee()->set_personnummer(MakePersonnummer("19750101", 5));
    payee.mutable_payee()->mutable_account()->set_bankgiro("54029681");
    payee.mutable_payee()->set_withholding_tax_bp(tax_bp);
    auto set = Call(&Stub::SetPayee, payee, finance);
    ASSERT_TRUE(set.ok()) << set.status();
  }

  // Creates Malå's run of the month and approves it; the approved run.
  pv1::PaymentRun ApprovedRun(int year, int month, const std::string& finance) {
    pv1::CreatePaymentRunRequest run;
    run.set_request_id(NewUuid());
    run.set_municipality_id("2418");
    run.mutable_month()->set_year(year);
    run.mutable_month()->set_month(month);
    auto created = Call(&Stub::CreatePaymentRun, run, finance);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return {};
    pv1::ApprovePaymentRunRequest approve;
    approve.set_payment_run_id(created->payment_run().payment_run_id());
    approve.set_etag(created->payment_run().etag());
    auto approved = Call(&Stub::ApprovePaymentRun, approve, finance);
    EXPECT_TRUE(approved.ok()) << approved.status();
    return approved.ok() ? approved->payment_run() : pv1::PaymentRun();
  }

  // The adjustment lines of a run.
  std::vector<pv1::PaymentLine> Adjustments(const pv1::PaymentRun& run,
                                            const std::string& finance) {
    pv1::ListPaymentLinesRequest lines;
    lines.set_payment_run_id(run.payment_run_id());
    lines.set_adjustments_only(true);
    auto listed = Call(&Stub::ListPaymentLines, lines, finance);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok()
               ? std::vector<pv1::PaymentLine>(listed->lines().begin(), listed->lines().end())
               : std::vector<pv1::PaymentLine>();
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
  pv1::CreateAgreementRequest create =
      AgreementRequest("home-1", absl::CivilDay(2016, 1, 20), absl::CivilDay(2024, 2, 15));
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
  EXPECT_EQ(paid.problem_count(), 1);

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
  EXPECT_EQ(with_payee->payment_run().problem_count(), 0);  // recalculation counts afresh
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
  // The 25 March 2024 has passed: the transfers go on the next banking day from today.
  const absl::CivilDay execution = *DayOf(approved->payment_run().execution_date());
  EXPECT_GE(execution, Today(absl::Now()));
  EXPECT_LE(execution, Today(absl::Now()) + 5);
  EXPECT_NE(absl::GetWeekday(execution), absl::Weekday::saturday);
  EXPECT_NE(absl::GetWeekday(execution), absl::Weekday::sunday);
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

TEST_F(PaymentsE2E, AnApprovedRunLeavesOneBankFileThatMatchesItToTheOreAndIsPaidOnce) {
  const std::string finance = keys_.Mint(Finance("2418"));
  SetPayerSettings();
  const std::vector<std::string> homes = {"home-bg", "home-iban"};
  for (const std::string& home : homes) {
    pv1::CreateAgreementRequest create =
        AgreementRequest(home, absl::CivilDay(2012, 5, 3), absl::CivilDay(2024, 1, 10));
    ASSERT_TRUE(Call(&Stub::CreateAgreement, create, finance).ok());
    pv1::SetPayeeRequest payee;
    payee.mutable_payee()->set_home_id(home);
    payee.mutable_payee()->mutable_name()->set_given_name("Åsa");
    payee.mutable_payee()->mutable_name()->set_family_name("Öberg & Son");
    payee.mutable_payee()->set_personnummer(MakePersonnummer("19750101", 5));
    if (home == "home-bg") {
      payee.mutable_payee()->mutable_account()->set_bankgiro("54029681");
    } else {
      payee.mutable_payee()->mutable_account()->set_iban("SE3550000000054910000003");
    }
    payee.mutable_payee()->set_withholding_tax_bp(3200);
    ASSERT_TRUE(Call(&Stub::SetPayee, payee, finance).ok());
  }
  pv1::CreatePaymentRunRequest create_run;
  create_run.set_request_id(NewUuid());
  create_run.set_municipality_id("2418");
  create_run.mutable_month()->set_year(2024);
  create_run.mutable_month()->set_month(1);
  auto created = Call(&Stub::CreatePaymentRun, create_run, finance);
  ASSERT_TRUE(created.ok()) << created.status();
  const pv1::PaymentRun& calculated = created->payment_run();
  ASSERT_TRUE(calculated.problems().empty());
  EXPECT_EQ(calculated.transfer_count(), 2);

  // No files before approval.
  pv1::GetBankFileRequest get_file;
  get_file.set_payment_run_id(calculated.payment_run_id());
  EXPECT_EQ(GetReason(Call(&Stub::GetBankFile, get_file, finance).status()), "INVALID_STATE");

  pv1::ApprovePaymentRunRequest approve;
  approve.set_payment_run_id(calculated.payment_run_id());
  approve.set_etag(calculated.etag());
  approve.set_request_id(NewUuid());
  auto approved = Call(&Stub::ApprovePaymentRun, approve, finance);
  ASSERT_TRUE(approved.ok()) << approved.status();
  const pv1::PaymentRun& run = approved->payment_run();
  EXPECT_EQ(run.bank_file_sha256().size(), 64u);

  // The bank file, read in chunks, is whole and matches the run to the öre.
  auto read_bank_file = [&](int max_bytes) {
    std::string content;
    pv1::GetBankFileResponse last;
    get_file.set_max_bytes(max_bytes);
    for (int64_t offset = 0;;) {
      get_file.set_offset(offset);
      auto chunk = Call(&Stub::GetBankFile, get_file, finance);
      EXPECT_TRUE(chunk.ok()) << chunk.status();
      if (!chunk.ok()) break;
      EXPECT_EQ(chunk->offset(), offset);
      content += chunk->content();
      offset += static_cast<int64_t>(chunk->content().size());
      last = *chunk;
      if (chunk->end_of_file()) break;
      EXPECT_FALSE(chunk->content().empty());
    }
    return std::pair(content, last);
  };
  const auto [xml, facts] = read_bank_file(700);
  EXPECT_EQ(static_cast<int64_t>(xml.size()), facts.total_size_bytes());
  EXPECT_GT(xml.size(), 1400u);  // so it came in three chunks or more
  EXPECT_EQ(Sha256Hex(xml), facts.sha256());
  EXPECT_EQ(facts.sha256(), run.bank_file_sha256());
  EXPECT_EQ(facts.control_sum_ore(), run.transfer_total_ore());
  EXPECT_EQ(facts.number_of_transactions(), run.transfer_count());
  EXPECT_EQ(facts.file_name(), "pain001_2418_2024-01.xml");
  EXPECT_THAT(xml, ::testing::HasSubstr(absl::StrCat(
                       "<CtrlSum>", run.transfer_total_ore() / 100, ".",
                       absl::StrFormat("%02d", run.transfer_total_ore() % 100), "</CtrlSum>")));
  EXPECT_THAT(xml, ::testing::HasSubstr("<Nm>Åsa Öberg &amp; Son</Nm>"));
  const auto& day = run.execution_date();
  EXPECT_THAT(xml, ::testing::HasSubstr(absl::StrFormat("<ReqdExctnDt>%04d-%02d-%02d</ReqdExctnDt>",
                                                        day.year(), day.month(), day.day())));
  // Generated once: a changed payee does not change the approved run's file.
  pv1::GetPayeeRequest get_payee;
  get_payee.set_home_id("home-bg");
  auto payee = Call(&Stub::GetPayee, get_payee, finance);
  ASSERT_TRUE(payee.ok()) << payee.status();
  pv1::SetPayeeRequest change;
  *change.mutable_payee() = payee->payee();
  change.mutable_payee()->mutable_account()->set_iban("SE4550000000058398257466");
  ASSERT_TRUE(Call(&Stub::SetPayee, change, finance).ok());
  EXPECT_EQ(read_bank_file(0).first, xml);
  // Out of range, or another municipality's run.
  get_file.set_offset(facts.total_size_bytes() + 1);
  EXPECT_EQ(Call(&Stub::GetBankFile, get_file, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  get_file.set_offset(-1);
  EXPECT_EQ(Call(&Stub::GetBankFile, get_file, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  get_file.set_offset(0);
  EXPECT_EQ(Call(&Stub::GetBankFile, get_file, keys_.Mint(Finance("0834"))).status().code(),
            absl::StatusCode::kPermissionDenied);

  // The finance export: one row per line, summing to the lines.
  pv1::GetFinanceExportRequest get_export;
  get_export.set_payment_run_id(run.payment_run_id());
  auto csv = Call(&Stub::GetFinanceExport, get_export, finance);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_TRUE(csv->end_of_file());
  EXPECT_EQ(csv->row_count(), run.line_count());
  EXPECT_EQ(csv->amount_total_ore(), run.taxable_total_ore() + run.tax_free_total_ore());
  EXPECT_EQ(std::count(csv->content().begin(), csv->content().end(), '\n'), run.line_count() + 1);
  EXPECT_EQ(Sha256Hex(csv->content()), csv->sha256());

  // Payouts: one per home, by run, by home, a page at a time.
  pv1::ListPayoutsRequest payouts;
  payouts.set_payment_run_id(run.payment_run_id());
  payouts.set_page_size(1);
  int64_t net = 0;
  std::set<std::string> ids;
  for (int page = 0; page < 3; ++page) {
    auto listed = Call(&Stub::ListPayouts, payouts, finance);
    ASSERT_TRUE(listed.ok()) << listed.status();
    for (const auto& p : listed->payouts()) {
      net += p.net_ore();
      ids.insert(p.payout_id());
      EXPECT_THAT(xml, ::testing::HasSubstr("<EndToEndId>" + p.payout_id() + "</EndToEndId>"));
    }
    if (listed->next_page_token().empty()) break;
    payouts.set_page_token(listed->next_page_token());
  }
  EXPECT_EQ(ids.size(), 2u);
  EXPECT_EQ(net, run.transfer_total_ore());
  pv1::ListPayoutsRequest of_home;
  of_home.set_home_id("home-iban");
  EXPECT_EQ(Call(&Stub::ListPayouts, of_home, finance)->payouts_size(), 1);
  EXPECT_EQ(Call(&Stub::ListPayouts, pv1::ListPayoutsRequest(), finance).status().code(),
            absl::StatusCode::kInvalidArgument);

  // The bank refuses the file; it is sent again and paid, once.
  pv1::MarkPaymentRunFailedRequest fail;
  fail.set_payment_run_id(run.payment_run_id());
  fail.set_etag(run.etag());
  fail.set_request_id(NewUuid());
  EXPECT_EQ(Call(&Stub::MarkPaymentRunFailed, fail, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  fail.set_reason("Rejected by the bank: unknown debtor account");
  auto failed = Call(&Stub::MarkPaymentRunFailed, fail, finance);
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->payment_run().state(), pv1::PAYMENT_RUN_STATE_FAILED);
  EXPECT_EQ(failed->payment_run().transitions().rbegin()->reason(), fail.reason());
  EXPECT_EQ(Gauge("fhv_payment_runs",
                  {{"municipality", "2418"}, {"state", "PAYMENT_RUN_STATE_FAILED"}}, 1),
            1);
  EXPECT_EQ(read_bank_file(0).first, xml);
  pv1::MarkPaymentRunPaidRequest paid;
  paid.set_payment_run_id(run.payment_run_id());
  paid.set_etag(failed->payment_run().etag());
  paid.set_request_id(NewUuid());
  paid.set_bank_reference("BGC-2024-0225-17");
  *paid.mutable_paid_date() = ToDate(Today(absl::Now()) + 1);
  EXPECT_EQ(Call(&Stub::MarkPaymentRunPaid, paid, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  *paid.mutable_paid_date() = ToDate(absl::CivilDay(2024, 2, 26));
  auto done = Call(&Stub::MarkPaymentRunPaid, paid, finance);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->payment_run().state(), pv1::PAYMENT_RUN_STATE_PAID);
  EXPECT_EQ(done->payment_run().bank_reference(), "BGC-2024-0225-17");
  EXPECT_EQ(Gauge("fhv_payment_runs",
                  {{"municipality", "2418"}, {"state", "PAYMENT_RUN_STATE_FAILED"}}, 0),
            0);
  EXPECT_EQ(
      Gauge("fhv_payment_runs", {{"municipality", "2418"}, {"state", "PAYMENT_RUN_STATE_PAID"}}, 1),
      1);
  auto retried = Call(&Stub::MarkPaymentRunPaid, paid, finance);  // the same request again
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->payment_run().etag(), done->payment_run().etag());
  paid.set_request_id(NewUuid());
  paid.set_etag(done->payment_run().etag());
  EXPECT_EQ(GetReason(Call(&Stub::MarkPaymentRunPaid, paid, finance).status()), "INVALID_STATE");

  // The ledger: the payable is settled exactly, out of the bank, in balance.
  pv1::ListLedgerEntriesRequest ledger;
  ledger.set_municipality_id("2418");
  auto books = Call(&Stub::ListLedgerEntries, ledger, finance);
  ASSERT_TRUE(books.ok()) << books.status();
  int64_t debit = 0, credit = 0, payable = 0, bank = 0;
  for (const auto& e : books->entries()) {
    const int64_t signed_amount =
        e.side() == pv1::LEDGER_SIDE_DEBIT ? e.amount_ore() : -e.amount_ore();
    (e.side() == pv1::LEDGER_SIDE_DEBIT ? debit : credit) += e.amount_ore();
    if (e.account() == "PAYABLE_HOMES") payable += signed_amount;
    if (e.account() == "BANK") bank += signed_amount;
  }
  EXPECT_EQ(debit, credit);
  EXPECT_EQ(payable, 0);
  EXPECT_EQ(bank, -run.transfer_total_ore());
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.ledger_entry WHERE source_kind = "
                      "'LEDGER_SOURCE_KIND_PAYMENT_RUN_PAID'"),
            3);  // two homes and the bank
  // The stored files refuse changes.
  auto admin = db_.Admin();
  ASSERT_NE(admin, nullptr);
  EXPECT_FALSE(admin->Exec({"tamper_file", "UPDATE payments.run_file SET total_ore = 1"}).ok());
}

auth::Principal Home(const std::string& home_id) {
  auth::Principal p;
  p.user = "home-user-" + home_id;
  p.org_kind = auth::OrgKind::kHome;
  p.org_id = home_id;
  p.roles = {"foster_home"};
  return p;
}

TEST_F(PaymentsE2E, AHomesClaimsAreDecidedByThePayerAndPaidOnceByItsNextRun) {
  const std::string finance = keys_.Mint(Finance("2418"));
  const std::string home = keys_.Mint(Home("home-1"));
  const std::string other_home = keys_.Mint(Home("home-2"));
  pv1::CreateAgreementRequest create =
      AgreementRequest("home-1", absl::CivilDay(2014, 3, 1), absl::CivilDay(2024, 1, 1));
  auto agreement = Call(&Stub::CreateAgreement, create, finance);
  ASSERT_TRUE(agreement.ok()) << agreement.status();
  const std::string agreement_id = agreement->agreement().agreement_id();

  // Receipts: the home uploads for itself only, within the limits.
  pv1::UploadReceiptRequest upload;
  upload.set_request_id(NewUuid());
  upload.set_home_id("home-1");
  upload.set_file_name("kvitto-vinterjacka.pdf");
  upload.set_content_type("application/pdf");
  upload.set_content(std::string("%PDF-1.4 receipt ") + std::string(20'000, 'r'));
  upload.set_sha256(Sha256Hex(upload.content()));
  auto receipt = Call(&Stub::UploadReceipt, upload, home);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  EXPECT_EQ(receipt->receipt().sha256(), upload.sha256());
  EXPECT_EQ(receipt->receipt().size_bytes(), static_cast<int64_t>(upload.content().size()));
  EXPECT_EQ(Call(&Stub::UploadReceipt, upload, home)->receipt().receipt_id(),
            receipt->receipt().receipt_id());  // a retry: the same receipt
  pv1::UploadReceiptRequest bad = upload;
  bad.set_request_id(NewUuid());
  EXPECT_EQ(Call(&Stub::UploadReceipt, bad, other_home).status().code(),
            absl::StatusCode::kPermissionDenied);
  bad.set_content(std::string(5 * 1024 * 1024 + 1, 'x'));
  bad.clear_sha256();
  EXPECT_EQ(Call(&Stub::UploadReceipt, bad, home).status().code(),
            absl::StatusCode::kInvalidArgument);
  upload.set_request_id(NewUuid());
  upload.set_sha256("");
  auto second_receipt = Call(&Stub::UploadReceipt, upload, home);
  ASSERT_TRUE(second_receipt.ok()) << second_receipt.status();
  pv1::GetReceiptRequest get_receipt;
  get_receipt.set_receipt_id(receipt->receipt().receipt_id());
  auto got = Call(&Stub::GetReceipt, get_receipt, home);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->content(), upload.content());
  // The payer sees a receipt once it is attached to a claim it pays, not before.
  EXPECT_EQ(Call(&Stub::GetReceipt, get_receipt, finance).status().code(),
            absl::StatusCode::kPermissionDenied);

  // Claims: a receipt is required except for mileage; a receipt serves one claim.
  pv1::SubmitReimbursementRequest claim;
  claim.set_request_id(NewUuid());
  claim.set_agreement_id(agreement_id);
  claim.set_kind(pv1::REIMBURSEMENT_KIND_OTHER);
  claim.set_description("Vinterjacka och kängor");
  *claim.mutable_expense_date() = ToDate(absl::CivilDay(2024, 1, 20));
  claim.set_claimed_amount_ore(189'900);
  EXPECT_EQ(GetReason(Call(&Stub::SubmitReimbursement, claim, home).status()), "RECEIPT_REQUIRED");
  claim.add_receipt_ids(receipt->receipt().receipt_id());
  EXPECT_EQ(Call(&Stub::SubmitReimbursement, claim, other_home).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(&Stub::SubmitReimbursement, claim, finance).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto clothes = Call(&Stub::SubmitReimbursement, claim, home);
  ASSERT_TRUE(clothes.ok()) << clothes.status();
  EXPECT_EQ(clothes->reimbursement().state(), pv1::REIMBURSEMENT_STATE_SUBMITTED);
  ASSERT_EQ(clothes->reimbursement().receipts_size(), 1);
  claim.set_request_id(NewUuid());
  EXPECT_EQ(Call(&Stub::SubmitReimbursement, claim, home).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(Call(&Stub::GetReceipt, get_receipt, finance).ok());

  pv1::SubmitReimbursementRequest mileage;
  mileage.set_request_id(NewUuid());
  mileage.set_agreement_id(agreement_id);
  mileage.set_kind(pv1::REIMBURSEMENT_KIND_MILEAGE);
  mileage.set_description("Umgänge med biologiska föräldrar");
  *mileage.mutable_expense_date() = ToDate(absl::CivilDay(2024, 1, 25));
  mileage.set_distance_km(137);
  auto drive = Call(&Stub::SubmitReimbursement, mileage, home);
  ASSERT_TRUE(drive.ok()) << drive.status();
  EXPECT_EQ(drive->reimbursement().mileage_rate_per_km_ore(), 250);
  EXPECT_EQ(drive->reimbursement().claimed_amount_ore(), 137 * 250);
  *mileage.mutable_expense_date() = ToDate(absl::CivilDay(2023, 12, 31));  // before the agreement
  mileage.set_request_id(NewUuid());
  EXPECT_EQ(GetReason(Call(&Stub::SubmitReimbursement, mileage, home).status()),
            "AGREEMENT_NOT_ACTIVE");

  // A larger purchase is asked for beforehand and used once, up to its approved maximum.
  pv1::RequestPurchaseApprovalRequest ask;
  ask.set_request_id(NewUuid());
  ask.set_agreement_id(agreement_id);
  ask.set_description("Säng och skrivbord");
  ask.set_estimated_amount_ore(700'000);
  auto asked = Call(&Stub::RequestPurchaseApproval, ask, home);
  ASSERT_TRUE(asked.ok()) << asked.status();
  pv1::ApprovePurchaseApprovalRequest allow;
  allow.set_purchase_approval_id(asked->purchase_approval().purchase_approval_id());
  allow.set_etag(asked->purchase_approval().etag());
  allow.set_approved_max_ore(600'000);
  EXPECT_EQ(Call(&Stub::ApprovePurchaseApproval, allow, home).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      Call(&Stub::ApprovePurchaseApproval, allow, keys_.Mint(Finance("0834"))).status().code(),
      absl::StatusCode::kPermissionDenied);
  auto allowed = Call(&Stub::ApprovePurchaseApproval, allow, finance);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_EQ(allowed->purchase_approval().state(), pv1::PURCHASE_APPROVAL_STATE_APPROVED);
  pv1::GetPurchaseApprovalRequest get_purchase;
  get_purchase.set_purchase_approval_id(allow.purchase_approval_id());
  auto read_purchase = Call(&Stub::GetPurchaseApproval, get_purchase, home);
  ASSERT_TRUE(read_purchase.ok()) << read_purchase.status();
  EXPECT_EQ(read_purchase->purchase_approval().approved_max_ore(), 600'000);
  EXPECT_EQ(Call(&Stub::GetPurchaseApproval, get_purchase, other_home).status().code(),
            absl::StatusCode::kPermissionDenied);
  pv1::SubmitReimbursementRequest bed = claim;
  bed.set_request_id(NewUuid());
  bed.set_kind(pv1::REIMBURSEMENT_KIND_LARGER_PURCHASE);
  bed.set_description("Säng");
  bed.set_purchase_approval_id(allow.purchase_approval_id());
  bed.clear_receipt_ids();
  bed.add_receipt_ids(second_receipt->receipt().receipt_id());
  bed.set_claimed_amount_ore(600'001);
  EXPECT_EQ(Call(&Stub::SubmitReimbursement, bed, home).status().code(),
            absl::StatusCode::kInvalidArgument);
  bed.set_claimed_amount_ore(549'000);
  auto bought = Call(&Stub::SubmitReimbursement, bed, home);
  ASSERT_TRUE(bought.ok()) << bought.status();
  bed.set_request_id(NewUuid());
  EXPECT_EQ(GetReason(Call(&Stub::SubmitReimbursement, bed, home).status()),
            "PURCHASE_APPROVAL_USED");
  pv1::ListPurchaseApprovalsRequest purchases;
  auto listed_purchases = Call(&Stub::ListPurchaseApprovals, purchases, home);
  ASSERT_TRUE(listed_purchases.ok()) << listed_purchases.status();
  ASSERT_EQ(listed_purchases->purchase_approvals_size(), 1);
  EXPECT_EQ(listed_purchases->purchase_approvals(0).reimbursement_id(),
            bought->reimbursement().reimbursement_id());
  // A second purchase is refused, with a reason, and is not approved afterwards.
  ask.set_request_id(NewUuid());
  ask.set_description("Ny dator");
  auto refused_ask = Call(&Stub::RequestPurchaseApproval, ask, home);
  ASSERT_TRUE(refused_ask.ok()) << refused_ask.status();
  pv1::RejectPurchaseApprovalRequest refuse;
  refuse.set_purchase_approval_id(refused_ask->purchase_approval().purchase_approval_id());
  refuse.set_etag(refused_ask->purchase_approval().etag());
  EXPECT_EQ(Call(&Stub::RejectPurchaseApproval, refuse, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  refuse.set_reason("The school lends one");
  auto refused_purchase = Call(&Stub::RejectPurchaseApproval, refuse, finance);
  ASSERT_TRUE(refused_purchase.ok()) << refused_purchase.status();
  EXPECT_EQ(refused_purchase->purchase_approval().state(), pv1::PURCHASE_APPROVAL_STATE_REJECTED);
  pv1::ApprovePurchaseApprovalRequest late = allow;
  late.set_purchase_approval_id(refuse.purchase_approval_id());
  late.set_etag(refused_purchase->purchase_approval().etag());
  EXPECT_EQ(GetReason(Call(&Stub::ApprovePurchaseApproval, late, finance).status()),
            "INVALID_STATE");
  // Rejected (an unreadable receipt), the claim gives its pre-approval back for a new one.
  pv1::RejectReimbursementRequest unreadable;
  unreadable.set_reimbursement_id(bought->reimbursement().reimbursement_id());
  unreadable.set_etag(bought->reimbursement().etag());
  unreadable.set_reason("The receipt cannot be read");
  ASSERT_TRUE(Call(&Stub::RejectReimbursement, unreadable, finance).ok());
  upload.set_request_id(NewUuid());
  auto readable = Call(&Stub::UploadReceipt, upload, home);
  ASSERT_TRUE(readable.ok()) << readable.status();
  bed.clear_receipt_ids();
  bed.add_receipt_ids(readable->receipt().receipt_id());
  bought = Call(&Stub::SubmitReimbursement, bed, home);
  ASSERT_TRUE(bought.ok()) << bought.status();
  // A municipality's staff without a claims role lists nothing.
  auth::Principal recruiter = Finance("2418");
  recruiter.roles = {"recruiter"};
  EXPECT_EQ(Call(&Stub::ListReimbursements, pv1::ListReimbursementsRequest(), keys_.Mint(recruiter))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);

  // Three claims wait for the payer's decision.
  EXPECT_EQ(Gauge("fhv_payment_claims_waiting", {{"municipality", "2418"}}, 3), 3);

  // The payer decides: the clothes for less, the bed in full, the drive refused.
  pv1::ApproveReimbursementRequest approve;
  approve.set_reimbursement_id(clothes->reimbursement().reimbursement_id());
  approve.set_etag(clothes->reimbursement().etag());
  approve.set_approved_amount_ore(189'901);
  EXPECT_EQ(Call(&Stub::ApproveReimbursement, approve, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  approve.set_approved_amount_ore(150'000);
  approve.set_note("The boots are not covered");
  auto approved_clothes = Call(&Stub::ApproveReimbursement, approve, finance);
  ASSERT_TRUE(approved_clothes.ok()) << approved_clothes.status();
  EXPECT_EQ(Call(&Stub::ApproveReimbursement, approve, finance).status().code(),
            absl::StatusCode::kAborted);  // stale
  approve.set_reimbursement_id(bought->reimbursement().reimbursement_id());
  approve.set_etag(bought->reimbursement().etag());
  approve.set_approved_amount_ore(549'000);
  ASSERT_TRUE(Call(&Stub::ApproveReimbursement, approve, finance).ok());
  pv1::RejectReimbursementRequest reject;
  reject.set_reimbursement_id(drive->reimbursement().reimbursement_id());
  reject.set_etag(drive->reimbursement().etag());
  EXPECT_EQ(Call(&Stub::RejectReimbursement, reject, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  reject.set_reason("Driven in the home's own interest");
  ASSERT_TRUE(Call(&Stub::RejectReimbursement, reject, finance).ok());

  pv1::ListReimbursementsRequest list;
  list.set_page_size(2);
  auto first_page = Call(&Stub::ListReimbursements, list, home);
  ASSERT_TRUE(first_page.ok()) << first_page.status();
  EXPECT_EQ(first_page->reimbursements_size(), 2);
  list.set_page_token(first_page->next_page_token());
  EXPECT_EQ(Call(&Stub::ListReimbursements, list, home)->reimbursements_size(), 2);
  pv1::ListReimbursementsRequest approved_only;
  approved_only.add_states(pv1::REIMBURSEMENT_STATE_APPROVED);
  EXPECT_EQ(Call(&Stub::ListReimbursements, approved_only, finance)->reimbursements_size(), 2);
  EXPECT_EQ(Call(&Stub::ListReimbursements, approved_only, keys_.Mint(Finance("0834")))
                ->reimbursements_size(),
            0);
  EXPECT_EQ(Call(&Stub::ListReimbursements, approved_only, other_home)->reimbursements_size(), 0);
  approved_only.set_paying_municipality_id("0834");
  EXPECT_EQ(Call(&Stub::ListReimbursements, approved_only, finance).status().code(),
            absl::StatusCode::kPermissionDenied);

  // The next run pays the approved claims, tax-free, once.
  SetBankgiroPayee("home-1", finance, 3000);
  SetPayerSettings();
  pv1::CreatePaymentRunRequest run;
  run.set_request_id(NewUuid());
  run.set_municipality_id("2418");
  run.mutable_month()->set_year(2024);
  run.mutable_month()->set_month(2);
  auto created = Call(&Stub::CreatePaymentRun, run, finance);
  ASSERT_TRUE(created.ok()) << created.status();
  pv1::ListPaymentLinesRequest lines;
  lines.set_payment_run_id(created->payment_run().payment_run_id());
  auto listed = Call(&Stub::ListPaymentLines, lines, finance);
  ASSERT_TRUE(listed.ok()) << listed.status();
  int64_t reimbursed = 0;
  for (const auto& l : listed->lines()) {
    if (l.kind() != pv1::PAYMENT_LINE_KIND_REIMBURSEMENT) continue;
    EXPECT_FALSE(l.taxable());
    EXPECT_FALSE(l.reimbursement_id().empty());
    reimbursed += l.amount_ore();
  }
  EXPECT_EQ(reimbursed, 150'000 + 549'000);
  pv1::ApprovePaymentRunRequest approve_run;
  approve_run.set_payment_run_id(created->payment_run().payment_run_id());
  approve_run.set_etag(created->payment_run().etag());
  auto approved_run = Call(&Stub::ApprovePaymentRun, approve_run, finance);
  ASSERT_TRUE(approved_run.ok()) << approved_run.status();
  // Bound to this run: a second month's run does not pay them again.
  run.set_request_id(NewUuid());
  run.mutable_month()->set_month(3);
  auto march = Call(&Stub::CreatePaymentRun, run, finance);
  ASSERT_TRUE(march.ok()) << march.status();
  lines.set_payment_run_id(march->payment_run().payment_run_id());
  auto march_lines = Call(&Stub::ListPaymentLines, lines, finance);
  ASSERT_TRUE(march_lines.ok()) << march_lines.status();
  for (const auto& l : march_lines->lines()) {
    EXPECT_NE(l.kind(), pv1::PAYMENT_LINE_KIND_REIMBURSEMENT);
  }
  pv1::MarkPaymentRunPaidRequest paid;
  paid.set_payment_run_id(created->payment_run().payment_run_id());
  paid.set_etag(approved_run->payment_run().etag());
  *paid.mutable_paid_date() = ToDate(absl::CivilDay(2024, 3, 25));
  ASSERT_TRUE(Call(&Stub::MarkPaymentRunPaid, paid, finance).ok());
  pv1::GetReimbursementRequest get_claim;
  get_claim.set_reimbursement_id(clothes->reimbursement().reimbursement_id());
  auto after = Call(&Stub::GetReimbursement, get_claim, home);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->reimbursement().state(), pv1::REIMBURSEMENT_STATE_PAID);
  EXPECT_EQ(after->reimbursement().payment_run_id(), created->payment_run().payment_run_id());
  EXPECT_EQ(after->reimbursement().approved_amount_ore(), 150'000);
  EXPECT_EQ(Call(&Stub::GetReimbursement, get_claim, other_home).status().code(),
            absl::StatusCode::kPermissionDenied);
  // The home reads its own agreement, and its lines and payouts of approved runs only (March's
  // run is calculated, not approved).
  pv1::ListAgreementsRequest own_agreements;
  auto mine = Call(&Stub::ListAgreements, own_agreements, home);
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->agreements_size(), 1);
  pv1::GetAgreementRequest get_agreement;
  get_agreement.set_agreement_id(agreement_id);
  EXPECT_TRUE(Call(&Stub::GetAgreement, get_agreement, home).ok());
  EXPECT_EQ(Call(&Stub::GetAgreement, get_agreement, other_home).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Call(&Stub::ListAgreements, own_agreements, other_home)->agreements_size(), 0);
  auto home_lines = Call(&Stub::ListPaymentLines, pv1::ListPaymentLinesRequest(), home);
  ASSERT_TRUE(home_lines.ok()) << home_lines.status();
  EXPECT_EQ(home_lines->lines_size(), approved_run->payment_run().line_count());
  for (const auto& l : home_lines->lines()) {
    EXPECT_EQ(l.payment_run_id(), created->payment_run().payment_run_id());
  }
  auto home_payouts = Call(&Stub::ListPayouts, pv1::ListPayoutsRequest(), home);
  ASSERT_TRUE(home_payouts.ok()) << home_payouts.status();
  ASSERT_EQ(home_payouts->payouts_size(), 1);
  EXPECT_EQ(home_payouts->payouts(0).net_ore(), approved_run->payment_run().transfer_total_ore());
  pv1::ListPayoutsRequest someone_else;
  someone_else.set_home_id("home-2");
  EXPECT_EQ(Call(&Stub::ListPayouts, someone_else, home).status().code(),
            absl::StatusCode::kPermissionDenied);
  pv1::GetPaymentRunRequest get_run;
  get_run.set_payment_run_id(created->payment_run().payment_run_id());
  EXPECT_EQ(Call(&Stub::GetPaymentRun, get_run, home).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Every read of a claim or receipt was audited.
  EXPECT_GE(db_.Count("SELECT count(*) FROM payments.audit_log WHERE resource_type IN "
                      "('reimbursement', 'receipt', 'purchase_approval')"),
            8);
}

auth::Principal AgencyStaff(const std::string& role) {
  auth::Principal p;
  p.user = role + "-agency";
  p.org_kind = auth::OrgKind::kAgency;
  p.org_id = "5561234567";
  p.roles = {role};
  return p;
}

TEST_F(PaymentsE2E,
       AnAgencyInvoicesItsPlacementDaysAndClaimsAndTheCostReportSetsThemBesideOwnHomes) {
  // An agency placement started on 15 January 2024 at 1 800 kr a day, as placement reports it.
  namespace pl = ::fhv::placement::v1;
  pl::PlacementStartedEvent started;
  started.set_placement_id("placement-agency-1");
  started.set_home_id("home-agency");
  started.mutable_child()->set_child_id("child-1");
  *started.mutable_child()->mutable_birth_date() = ToDate(absl::CivilDay(2012, 4, 4));
  started.set_paying_municipality_id("2418");
  started.set_form(pl::PLACEMENT_FORM_FAMILJEHEM);
  *started.mutable_start_date() = ToDate(absl::CivilDay(2024, 1, 15));
  started.set_agency_home(true);
  started.mutable_agency()->set_id("5561234567");
  started.mutable_agency()->set_kind(fhv::common::v1::ORGANISATION_KIND_AGENCY);
  started.set_agency_daily_rate_ore(180'000);
  fhv::common::v1::DeliverEventRequest deliver;
  deliver.mutable_event()->set_event_id(NewUuid());
  deliver.mutable_event()->set_source("placement");
  deliver.mutable_event()->set_aggregate_type("placement");
  deliver.mutable_event()->set_aggregate_id(started.placement_id());
  deliver.mutable_event()->mutable_payload()->PackFrom(started);
  auto sink = fhv::common::v1::EventSinkService::NewStub(
      grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials()));
  ASSERT_TRUE(CallRpc(*sink, &fhv::common::v1::EventSinkService::Stub::DeliverEvent, deliver,
                      keys_.Mint(Service()))
                  .ok());
  const std::string manager = keys_.Mint(AgencyStaff("operations_manager"));
  const std::string consultant = keys_.Mint(AgencyStaff("consultant"));
  const std::string finance = keys_.Mint(Finance("2418"));

  pv1::CreateAgencyInvoiceRequest create;
  create.set_request_id(NewUuid());
  create.set_agency_id("5561234567");
  create.set_municipality_id("2418");
  const absl::CivilMonth this_month(Today(absl::Now()));
  create.mutable_month()->set_year(static_cast<int>(this_month.year()));
  create.mutable_month()->set_month(this_month.month());
  EXPECT_EQ(GetReason(Call(&Stub::CreateAgencyInvoice, create, manager).status()),
            "MONTH_NOT_ENDED");
  create.mutable_month()->set_year(2024);
  create.mutable_month()->set_month(1);
  EXPECT_EQ(Call(&Stub::CreateAgencyInvoice, create, consultant).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto january = Call(&Stub::CreateAgencyInvoice, create, manager);
  ASSERT_TRUE(january.ok()) << january.status();
  EXPECT_TRUE(january->created());
  ASSERT_EQ(january->agency_invoice().lines_size(), 1);
  EXPECT_EQ(january->agency_invoice().lines(0).days(), 17);
  EXPECT_EQ(january->agency_invoice().total_ore(), 17 * 180'000);
  // Asked again, by the municipality: the same invoice.
  create.set_request_id(NewUuid());
  auto again = Call(&Stub::CreateAgencyInvoice, create, finance);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->created());
  EXPECT_EQ(again->agency_invoice().agency_invoice_id(),
            january->agency_invoice().agency_invoice_id());

  // The consultant claims start equipment for the agency's home; the payer approves it; the
  // next invoice carries it.
  pv1::ListAgreementsRequest list_agreements;
  list_agreements.set_paying_municipality_id("2418");
  auto agreements = Call(&Stub::ListAgreements, list_agreements, finance);
  ASSERT_TRUE(agreements.ok()) << agreements.status();
  ASSERT_EQ(agreements->agreements_size(), 1);
  pv1::UploadReceiptRequest upload;
  upload.set_request_id(NewUuid());
  upload.set_home_id("home-agency");
  upload.set_file_name("kvitto.jpg");
  upload.set_content_type("image/jpeg");
  upload.set_content("\xff\xd8\xff receipt");
  auto receipt = Call(&Stub::UploadReceipt, upload, consultant);
  ASSERT_TRUE(receipt.ok()) << receipt.status();
  pv1::SubmitReimbursementRequest claim;
  claim.set_request_id(NewUuid());
  claim.set_agreement_id(agreements->agreements(0).agreement_id());
  claim.set_kind(pv1::REIMBURSEMENT_KIND_START_EQUIPMENT);
  claim.set_description("Startutrustning");
  *claim.mutable_expense_date() = ToDate(absl::CivilDay(2024, 1, 16));
  claim.set_claimed_amount_ore(250'000);
  claim.add_receipt_ids(receipt->receipt().receipt_id());
  auto claimed = Call(&Stub::SubmitReimbursement, claim, consultant);
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  pv1::ApproveReimbursementRequest approve;
  approve.set_reimbursement_id(claimed->reimbursement().reimbursement_id());
  approve.set_etag(claimed->reimbursement().etag());
  approve.set_approved_amount_ore(250'000);
  ASSERT_TRUE(Call(&Stub::ApproveReimbursement, approve, finance).ok());
  create.set_request_id(NewUuid());
  create.mutable_month()->set_month(2);
  auto february = Call(&Stub::CreateAgencyInvoice, create, manager);
  ASSERT_TRUE(february.ok()) << february.status();
  ASSERT_EQ(february->agency_invoice().lines_size(), 2);
  EXPECT_EQ(february->agency_invoice().lines(0).days(), 29);  // a leap year
  EXPECT_EQ(february->agency_invoice().lines(1).reimbursement_id(),
            claimed->reimbursement().reimbursement_id());
  EXPECT_EQ(february->agency_invoice().total_ore(), 29 * 180'000 + 250'000);
  pv1::GetReimbursementRequest get_claim;
  get_claim.set_reimbursement_id(claimed->reimbursement().reimbursement_id());
  auto paid_claim = Call(&Stub::GetReimbursement, get_claim, consultant);
  ASSERT_TRUE(paid_claim.ok()) << paid_claim.status();
  EXPECT_EQ(paid_claim->reimbursement().state(), pv1::REIMBURSEMENT_STATE_PAID);
  EXPECT_EQ(paid_claim->reimbursement().agency_invoice_id(),
            february->agency_invoice().agency_invoice_id());

  // Listing and reading: the agency and the municipality see theirs, no one else.
  pv1::ListAgencyInvoicesRequest list;
  list.set_agency_id("5561234567");
  list.set_page_size(1);
  auto page = Call(&Stub::ListAgencyInvoices, list, manager);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->agency_invoices_size(), 1);
  EXPECT_EQ(page->agency_invoices(0).month().month(), 2);  // newest first
  list.set_page_token(page->next_page_token());
  EXPECT_EQ(Call(&Stub::ListAgencyInvoices, list, manager)->agency_invoices(0).month().month(), 1);
  pv1::ListAgencyInvoicesRequest of_municipality;
  of_municipality.set_municipality_id("2418");
  EXPECT_EQ(Call(&Stub::ListAgencyInvoices, of_municipality, finance)->agency_invoices_size(), 2);
  EXPECT_EQ(Call(&Stub::ListAgencyInvoices, of_municipality, manager).status().code(),
            absl::StatusCode::kPermissionDenied);
  pv1::GetAgencyInvoiceRequest get;
  get.set_agency_invoice_id(january->agency_invoice().agency_invoice_id());
  EXPECT_TRUE(Call(&Stub::GetAgencyInvoice, get, finance).ok());
  EXPECT_EQ(Call(&Stub::GetAgencyInvoice, get, keys_.Mint(Finance("0834"))).status().code(),
            absl::StatusCode::kPermissionDenied);

  // An own home paid by February's approved run: the cost report sets the two side by side.
  pv1::CreateAgreementRequest own =
      AgreementRequest("home-own", absl::CivilDay(2015, 9, 9), absl::CivilDay(2024, 1, 1));
  ASSERT_TRUE(Call(&Stub::CreateAgreement, own, finance).ok());
  SetBankgiroPayee("home-own", finance);
  SetPayerSettings();
  pv1::CreatePaymentRunRequest run;
  run.set_request_id(NewUuid());
  run.set_municipality_id("2418");
  run.mutable_month()->set_year(2024);
  run.mutable_month()->set_month(2);
  auto created = Call(&Stub::CreatePaymentRun, run, finance);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->payment_run().agreement_count(), 1);  // the agency home is invoiced instead
  pv1::ApprovePaymentRunRequest approve_run;
  approve_run.set_payment_run_id(created->payment_run().payment_run_id());
  approve_run.set_etag(created->payment_run().etag());
  ASSERT_TRUE(Call(&Stub::ApprovePaymentRun, approve_run, finance).ok());

  pv1::GetCostReportRequest report;
  report.set_municipality_id("2418");
  report.mutable_from_month()->set_year(2024);
  report.mutable_from_month()->set_month(1);
  report.mutable_to_month()->set_year(2024);
  report.mutable_to_month()->set_month(3);
  auto costs = Call(&Stub::GetCostReport, report, finance);
  ASSERT_TRUE(costs.ok()) << costs.status();
  ASSERT_EQ(costs->months_size(), 3);
  const auto& jan = costs->months(0);
  EXPECT_FALSE(jan.complete());  // no approved run for January
  EXPECT_EQ(jan.agency_homes().placement_days(), 17);
  const auto& feb = costs->months(1);
  EXPECT_TRUE(feb.complete());
  EXPECT_EQ(feb.own_homes().placements(), 1);
  EXPECT_EQ(feb.own_homes().placement_days(), 29);
  EXPECT_EQ(feb.own_homes().total_ore(), created->payment_run().taxable_total_ore() +
                                             created->payment_run().tax_free_total_ore());
  EXPECT_EQ(feb.agency_homes().invoiced_ore(), 29 * 180'000);
  EXPECT_EQ(feb.agency_homes().reimbursements_ore(), 250'000);
  EXPECT_EQ(feb.agency_homes().cost_per_day_ore(), (29 * 180'000 + 250'000 + 14) / 29);
  EXPECT_EQ(feb.cost_per_day_difference_ore(),
            feb.agency_homes().cost_per_day_ore() - feb.own_homes().cost_per_day_ore());
  EXPECT_FALSE(costs->months(2).complete());  // March: no run, no invoice
  report.mutable_to_month()->set_year(2027);
  EXPECT_EQ(Call(&Stub::GetCostReport, report, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  report.mutable_to_month()->set_year(2024);
  EXPECT_EQ(Call(&Stub::GetCostReport, report, manager).status().code(),
            absl::StatusCode::kPermissionDenied);

  // The books balance; the invoices are owed to the agency.
  pv1::ListLedgerEntriesRequest ledger;
  ledger.set_municipality_id("2418");
  auto books = Call(&Stub::ListLedgerEntries, ledger, finance);
  ASSERT_TRUE(books.ok()) << books.status();
  int64_t debit = 0, credit = 0, agencies = 0;
  for (const auto& e : books->entries()) {
    (e.side() == pv1::LEDGER_SIDE_DEBIT ? debit : credit) += e.amount_ore();
    if (e.account() == "PAYABLE_AGENCIES") agencies += e.amount_ore();
  }
  EXPECT_EQ(debit, credit);
  EXPECT_EQ(agencies,
            january->agency_invoice().total_ore() + february->agency_invoice().total_ore());
  auto admin = db_.Admin();
  ASSERT_NE(admin, nullptr);
  EXPECT_FALSE(admin->Exec({"tamper_invoice", "DELETE FROM payments.agency_invoice"}).ok());
}

TEST_F(PaymentsE2E, AnAgreementEnteredAfterItsFirstMonthWasPaidIsPaidByTheNextRun) {
  const std::string finance = keys_.Mint(Finance("2418"));
  SetPayerSettings();
  SetBankgiroPayee("home-1", finance);
  SetBankgiroPayee("home-2", finance);
  ASSERT_TRUE(
      Call(&Stub::CreateAgreement,
           AgreementRequest("home-1", absl::CivilDay(2016, 1, 20), absl::CivilDay(2024, 1, 1)),
           finance)
          .ok());
  const pv1::PaymentRun january = ApprovedRun(2024, 1, finance);
  ASSERT_EQ(january.agreement_count(), 1);

  // A placement from 10 January registered only after January's run was approved.
  auto late =
      Call(&Stub::CreateAgreement,
           AgreementRequest("home-2", absl::CivilDay(2016, 1, 20), absl::CivilDay(2024, 1, 10)),
           finance);
  ASSERT_TRUE(late.ok()) << late.status();
  const pv1::PaymentRun february = ApprovedRun(2024, 2, finance);
  const auto corrections = Adjustments(february, finance);
  std::set<pv1::PaymentLineKind> kinds;
  for (const auto& l : corrections) {
    EXPECT_EQ(l.agreement_id(), late->agreement().agreement_id());
    EXPECT_EQ(l.corrects_month().month(), 1);
    EXPECT_GT(l.amount_ore(), 0);
    kinds.insert(l.kind());
    // 22 days of 31 at the base fee, rounded once.
    if (l.kind() == pv1::PAYMENT_LINE_KIND_FEE) {
      EXPECT_EQ(l.amount_ore(), (1'123'700 * 22 * 2 + 31) / 62);
    }
  }
  EXPECT_EQ(kinds, (std::set<pv1::PaymentLineKind>{pv1::PAYMENT_LINE_KIND_FEE,
                                                   pv1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE}));
  EXPECT_EQ(corrections.size(), 2u);
  // Paid once: March has nothing more for January.
  EXPECT_TRUE(Adjustments(ApprovedRun(2024, 3, finance), finance).empty());
}

TEST_F(PaymentsE2E, AChangeBackInTimeIsCorrectedOnceByTheNextRunsAdjustmentLines) {
  const std::string finance = keys_.Mint(Finance("2418"));
  SetPayerSettings();
  SetBankgiroPayee("home-1", finance);
  pv1::CreateAgreementRequest create =
      AgreementRequest("home-1", absl::CivilDay(2016, 1, 20), absl::CivilDay(2024, 1, 1));
  auto agreement = Call(&Stub::CreateAgreement, create, finance);
  ASSERT_TRUE(agreement.ok()) << agreement.status();

  auto run_month = [&](int month) { return ApprovedRun(2024, month, finance); };
  auto adjustments_of = [&](const pv1::PaymentRun& run) { return Adjustments(run, finance); };
  const pv1::PaymentRun january = run_month(1);
  EXPECT_EQ(january.adjustment_total_ore(), 0);

  // Raised from 20 January after January was paid: February's run corrects January.
  pv1::AmendAgreementRequest amend;
  amend.set_agreement_id(agreement->agreement().agreement_id());
  amend.set_etag(agreement->agreement().etag());
  amend.set_request_id(NewUuid());
  *amend.mutable_valid_from() = ToDate(absl::CivilDay(2024, 1, 20));
  amend.mutable_terms()->set_fee_level_code("RAISED_1");
  amend.set_change_reason("More support needed from the start");
  auto amended = Call(&Stub::AmendAgreement, amend, finance);
  ASSERT_TRUE(amended.ok()) << amended.status();
  const pv1::PaymentRun february = run_month(2);
  const auto corrections = adjustments_of(february);
  ASSERT_EQ(corrections.size(), 1u);
  EXPECT_EQ(corrections[0].kind(), pv1::PAYMENT_LINE_KIND_FEE);
  EXPECT_EQ(corrections[0].corrects_month().month(), 1);
  // 12 days of 31 at the raised fee instead of the base fee, each rounded once.
  EXPECT_EQ(corrections[0].amount_ore(),
            (1'123'700 * 19 * 2 + 31) / 62 + (1'313'200 * 12 * 2 + 31) / 62 - 1'123'700);
  EXPECT_EQ(february.adjustment_total_ore(), corrections[0].amount_ore());
  // Listing by month: February's run only.
  pv1::ListPaymentLinesRequest of_february;
  of_february.set_home_id("home-1");
  *of_february.mutable_from_month() = february.month();
  *of_february.mutable_to_month() = february.month();
  auto listed = Call(&Stub::ListPaymentLines, of_february, finance);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->lines_size(), february.line_count());

  // Corrected once: March has nothing more for January.
  const pv1::PaymentRun march = run_month(3);
  EXPECT_TRUE(adjustments_of(march).empty());
  // The municipality's runs, newest month first, a page at a time.
  pv1::ListPaymentRunsRequest runs;
  runs.set_municipality_id("2418");
  runs.set_page_size(2);
  auto newest = Call(&Stub::ListPaymentRuns, runs, finance);
  ASSERT_TRUE(newest.ok()) << newest.status();
  ASSERT_EQ(newest->payment_runs_size(), 2);
  EXPECT_EQ(newest->payment_runs(0).month().month(), 3);
  EXPECT_EQ(newest->payment_runs(1).month().month(), 2);
  runs.set_page_token(newest->next_page_token());
  auto oldest = Call(&Stub::ListPaymentRuns, runs, finance);
  ASSERT_TRUE(oldest.ok()) << oldest.status();
  ASSERT_EQ(oldest->payment_runs_size(), 1);
  EXPECT_EQ(oldest->payment_runs(0).payment_run_id(), january.payment_run_id());
  EXPECT_TRUE(oldest->next_page_token().empty());
  runs.set_municipality_id("0834");
  runs.clear_page_token();
  EXPECT_EQ(Call(&Stub::ListPaymentRuns, runs, finance).status().code(),
            absl::StatusCode::kPermissionDenied);

  // Ended back on 15 March after March was paid: April pays back March's last 16 days and
  // has nothing to transfer; the home's negative net is carried forward.
  pv1::GetAgreementRequest get;
  get.set_agreement_id(agreement->agreement().agreement_id());
  auto current = Call(&Stub::GetAgreement, get, finance);
  ASSERT_TRUE(current.ok()) << current.status();
  pv1::EndAgreementRequest end;
  end.set_agreement_id(current->agreement().agreement_id());
  end.set_etag(current->agreement().etag());
  *end.mutable_end_date() = ToDate(absl::CivilDay(2024, 3, 15));
  end.set_reason("The child moved home");
  ASSERT_TRUE(Call(&Stub::EndAgreement, end, finance).ok());
  pv1::CreatePaymentRunRequest april;
  april.set_request_id(NewUuid());
  april.set_municipality_id("2418");
  april.mutable_month()->set_year(2024);
  april.mutable_month()->set_month(4);
  auto created = Call(&Stub::CreatePaymentRun, april, finance);
  ASSERT_TRUE(created.ok()) << created.status();
  const auto payback = adjustments_of(created->payment_run());
  ASSERT_FALSE(payback.empty());
  int64_t back = 0;
  for (const auto& l : payback) {
    EXPECT_EQ(l.corrects_month().month(), 3);
    EXPECT_LT(l.amount_ore(), 0);
    back += l.amount_ore();
  }
  EXPECT_EQ(created->payment_run().adjustment_total_ore(), back);
  EXPECT_EQ(created->payment_run().transfer_count(), 0);
  const int64_t owed = created->payment_run().carried_forward_total_ore();
  EXPECT_LT(owed, 0);
  // Approved, the debt is carried into May's run, which has nothing else for the home.
  pv1::ApprovePaymentRunRequest approve;
  approve.set_payment_run_id(created->payment_run().payment_run_id());
  approve.set_etag(created->payment_run().etag());
  ASSERT_TRUE(Call(&Stub::ApprovePaymentRun, approve, finance).ok());
  april.set_request_id(NewUuid());
  april.mutable_month()->set_month(5);
  auto may = Call(&Stub::CreatePaymentRun, april, finance);
  ASSERT_TRUE(may.ok()) << may.status();
  pv1::ListPayoutsRequest payouts;
  payouts.set_payment_run_id(may->payment_run().payment_run_id());
  auto carried = Call(&Stub::ListPayouts, payouts, finance);
  ASSERT_TRUE(carried.ok()) << carried.status();
  ASSERT_EQ(carried->payouts_size(), 1);
  EXPECT_EQ(carried->payouts(0).carried_in_ore(), owed);
  EXPECT_EQ(carried->payouts(0).net_ore(), owed);
  EXPECT_EQ(may->payment_run().carried_forward_total_ore(), owed);

  // Runs go in month order: not June while May is open, not a month before an approved one.
  april.set_request_id(NewUuid());
  april.mutable_month()->set_month(6);
  EXPECT_EQ(GetReason(Call(&Stub::CreatePaymentRun, april, finance).status()), "EARLIER_RUN_OPEN");
  april.set_request_id(NewUuid());
  april.mutable_month()->set_year(2023);
  april.mutable_month()->set_month(12);
  EXPECT_EQ(GetReason(Call(&Stub::CreatePaymentRun, april, finance).status()),
            "LATER_RUN_APPROVED");
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.payment_run"), 5);
}

TEST_F(PaymentsE2E, AContactPersonIsPaidTheAgreedFeeAndTheLevelsAllowance) {
  const std::string finance = keys_.Mint(Finance("2418"));
  pv1::CreateAgreementRequest create =
      AgreementRequest("person-1", absl::CivilDay(2011, 8, 1), absl::CivilDay(2024, 4, 1),
                       fhv::common::v1::ASSIGNMENT_KIND_KONTAKTPERSON_CHILD);
  create.mutable_terms()->set_monthly_fee_ore(250'000);
  auto refused = Call(&Stub::CreateAgreement, create, finance);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(GetViolations(refused.status()).size(), 1u);
  EXPECT_EQ(GetViolations(refused.status())[0].field, "terms.contact_person_expense_level_code");
  create.mutable_terms()->set_contact_person_expense_level_code("MEDIUM");
  ASSERT_TRUE(Call(&Stub::CreateAgreement, create, finance).ok());
  pv1::CreatePaymentRunRequest run;
  run.set_request_id(NewUuid());
  run.set_municipality_id("2418");
  run.mutable_month()->set_year(2024);
  run.mutable_month()->set_month(4);
  auto created = Call(&Stub::CreatePaymentRun, run, finance);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->payment_run().taxable_total_ore(), 250'000);
  // 57 300 SEK × 25 % / 12, the 2024 table's MEDIUM level.
  EXPECT_EQ(created->payment_run().tax_free_total_ore(), 119'375);
}

TEST_F(PaymentsE2E, AContactFamilysStaysArePaidOnceByTheRunOfTheMonthTheyEnd) {
  const std::string finance = keys_.Mint(Finance("2418"));
  const std::string family = keys_.Mint(Home("family-1"));
  pv1::CreateAgreementRequest create =
      AgreementRequest("family-1", absl::CivilDay(2015, 5, 5), absl::CivilDay(2024, 1, 1),
                       fhv::common::v1::ASSIGNMENT_KIND_KONTAKTFAMILJ);
  auto agreement = Call(&Stub::CreateAgreement, create, finance);
  ASSERT_TRUE(agreement.ok()) << agreement.status();
  const std::string id = agreement->agreement().agreement_id();

  pv1::RecordContactFamilyStayRequest stay;
  stay.set_request_id(NewUuid());
  stay.set_agreement_id(id);
  *stay.mutable_arrival_date() = ToDate(absl::CivilDay(2024, 4, 12));  // a Friday
  *stay.mutable_departure_date() = ToDate(absl::CivilDay(2024, 4, 14));
  auto weekend = Call(&Stub::RecordContactFamilyStay, stay, family);
  ASSERT_TRUE(weekend.ok()) << weekend.status();
  EXPECT_EQ(weekend->stay().counted_days_tenths(), 25);
  // The same nights again, from the municipality: refused.
  stay.set_request_id(NewUuid());
  *stay.mutable_arrival_date() = ToDate(absl::CivilDay(2024, 4, 13));
  *stay.mutable_departure_date() = ToDate(absl::CivilDay(2024, 4, 15));
  EXPECT_EQ(GetReason(Call(&Stub::RecordContactFamilyStay, stay, finance).status()),
            "STAY_OVERLAPS");
  // Bad dates, someone else's agreement, and a foster home's agreement.
  *stay.mutable_arrival_date() = ToDate(absl::CivilDay(2024, 4, 20));
  *stay.mutable_departure_date() = ToDate(absl::CivilDay(2024, 4, 19));
  EXPECT_EQ(Call(&Stub::RecordContactFamilyStay, stay, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  *stay.mutable_departure_date() = ToDate(Today(absl::Now()) + 1);
  EXPECT_EQ(Call(&Stub::RecordContactFamilyStay, stay, finance).status().code(),
            absl::StatusCode::kInvalidArgument);
  *stay.mutable_departure_date() = ToDate(absl::CivilDay(2024, 4, 21));
  EXPECT_EQ(
      Call(&Stub::RecordContactFamilyStay, stay, keys_.Mint(Home("family-2"))).status().code(),
      absl::StatusCode::kPermissionDenied);
  pv1::CreateAgreementRequest foster = create;
  foster.set_request_id(NewUuid());
  foster.mutable_agreement()->set_assignment_kind(fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  foster.mutable_agreement()->set_home_id("home-9");
  *foster.mutable_agreement()->mutable_valid_from() = ToDate(absl::CivilDay(2024, 6, 1));
  foster.mutable_terms()->set_fee_level_code("BASE");
  auto foster_agreement = Call(&Stub::CreateAgreement, foster, finance);
  ASSERT_TRUE(foster_agreement.ok()) << foster_agreement.status();
  pv1::RecordContactFamilyStayRequest wrong = stay;
  wrong.set_agreement_id(foster_agreement->agreement().agreement_id());
  EXPECT_EQ(GetReason(Call(&Stub::RecordContactFamilyStay, wrong, finance).status()),
            "NOT_A_CONTACT_FAMILY");
  auto later = Call(&Stub::RecordContactFamilyStay, stay, finance);  // 20 to 21 April
  ASSERT_TRUE(later.ok()) << later.status();

  // April's run pays both: 2.5 + 1 days, the Saturdays at the doubled fee.
  pv1::SetPayeeRequest payee;
  payee.mutable_payee()->set_home_id("family-1");
  payee.mutable_payee()->mutable_name()->set_given_name("Ali");
  payee.mutable_payee()->mutable_name()->set_family_name("Nilsson");
  payee.mutable_payee()->set_personnummer(MakePersonnummer("19800202", 3));
  payee.mutable_payee()->mutable_account()->set_bankgiro("54029681");
  ASSERT_TRUE(Call(&Stub::SetPayee, payee, finance).ok());
  pv1::CreatePaymentRunRequest run;
  run.set_request_id(NewUuid());
  run.set_municipality_id("2418");
  run.mutable_month()->set_year(2024);
  run.mutable_month()->set_month(4);
  auto april = Call(&Stub::CreatePaymentRun, run, finance);
  ASSERT_TRUE(april.ok()) << april.status();
  pv1::ListPaymentLinesRequest lines;
  lines.set_payment_run_id(april->payment_run().payment_run_id());
  lines.set_agreement_id(id);
  auto listed = Call(&Stub::ListPaymentLines, lines, finance);
  ASSERT_TRUE(listed.ok()) << listed.status();
  int64_t fee = 0, allowance = 0;
  for (const auto& l : listed->lines()) {
    EXPECT_FALSE(l.stay_id().empty());
    (l.kind() == pv1::PAYMENT_LINE_KIND_CONTACT_FAMILY_FEE ? fee : allowance) += l.amount_ore();
  }
  EXPECT_EQ(listed->lines_size(), 4);
  // 225 SEK a day (2024: 2023's figure, an estimate): 2.5 days + a Saturday; 1 day + a Saturday.
  EXPECT_EQ(fee, (25 * 2'250 + 22'500) + (22'500 + 22'500));
  // 57 300 SEK × 105 % / 365 per day: 2.5 days and 1 day, each stay rounded once.
  EXPECT_EQ(allowance, 41'209 + 16'484);

  SetPayerSettings();
  pv1::ApprovePaymentRunRequest approve;
  approve.set_payment_run_id(april->payment_run().payment_run_id());
  approve.set_etag(april->payment_run().etag());
  auto approved = Call(&Stub::ApprovePaymentRun, approve, finance);
  ASSERT_TRUE(approved.ok()) << approved.status();
  // Paid once: the stays carry the run, and May's run has none of them.
  pv1::ListContactFamilyStaysRequest list;
  list.set_agreement_id(id);
  list.set_page_size(1);
  auto first = Call(&Stub::ListContactFamilyStays, list, family);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->stays_size(), 1);
  EXPECT_EQ(first->stays(0).stay_id(), weekend->stay().stay_id());
  EXPECT_EQ(first->stays(0).payment_run_id(), april->payment_run().payment_run_id());
  list.set_page_token(first->next_page_token());
  auto second = Call(&Stub::ListContactFamilyStays, list, finance);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->stays_size(), 1);
  EXPECT_EQ(second->stays(0).stay_id(), later->stay().stay_id());
  EXPECT_TRUE(second->next_page_token().empty());
  EXPECT_EQ(Call(&Stub::ListContactFamilyStays, list, keys_.Mint(Home("family-2"))).status().code(),
            absl::StatusCode::kPermissionDenied);
  run.set_request_id(NewUuid());
  run.mutable_month()->set_month(5);
  auto may = Call(&Stub::CreatePaymentRun, run, finance);
  ASSERT_TRUE(may.ok()) << may.status();
  lines.set_payment_run_id(may->payment_run().payment_run_id());
  auto may_lines = Call(&Stub::ListPaymentLines, lines, finance);
  ASSERT_TRUE(may_lines.ok()) << may_lines.status();
  EXPECT_EQ(may_lines->lines_size(), 0);
}

}  // namespace
}  // namespace fhv::testing
