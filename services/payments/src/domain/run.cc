#include "services/payments/src/domain/run.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/util/dates.h"
#include "common/util/hash.h"
#include "services/payments/src/domain/agreement.h"
#include "services/payments/src/domain/stays.h"

namespace fhv::payments {

v1::PaymentLine& RunBuilder::NewLine(const std::string& agreement_id, const std::string& home_id,
                                     const std::string& child_id) {
  v1::PaymentLine& out = lines_.emplace_back();
  out.set_line_id(absl::StrCat(run_id_, "-", taken_ + lines_.size()));
  out.set_payment_run_id(run_id_);
  out.mutable_month()->set_year(static_cast<int>(month_.year()));
  out.mutable_month()->set_month(month_.month());
  out.set_agreement_id(agreement_id);
  out.set_home_id(home_id);
  out.set_child_id(child_id);
  return out;
}

namespace {

// Copies a computed line's figures into `out`.
void CopyFigures(const Line& l, v1::PaymentLine& out) {
  out.set_agreement_version(l.agreement_version);
  out.set_kind(l.kind);
  *out.mutable_period_start() = ToDate(l.period_start);
  *out.mutable_period_end() = ToDate(l.period_end);
  out.set_days_covered(l.days_covered);
  out.set_days_in_month(l.days_in_month);
  out.set_full_rate_ore(l.full_rate_ore);
  out.set_amount_ore(l.amount_ore);
  out.set_taxable(l.taxable);
  out.set_age_band(l.age_band);
  out.set_description(l.description);
}

}  // namespace

absl::Status RunBuilder::Add(const v1::Agreement& a) {
  if (a.agency_home()) return absl::OkStatus();
  switch (a.assignment_kind()) {
    case fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM:
    case fhv::common::v1::ASSIGNMENT_KIND_JOURHEM:
    case fhv::common::v1::ASSIGNMENT_KIND_KONTAKTPERSON_CHILD:
    case fhv::common::v1::ASSIGNMENT_KIND_KONTAKTPERSON_ADULT:
      break;
    default:
      // A contact family is paid by its recorded stays (AddStay).
      return absl::OkStatus();
  }
  auto lines = MonthLines(PeriodOf(a), table_, month_);
  if (!lines.ok()) return lines.status();
  for (const Line& l : *lines) {
    CopyFigures(l, NewLine(a.agreement_id(), a.home_id(), a.child_id()));
  }
  return absl::OkStatus();
}

absl::Status RunBuilder::AddAdjustments(const v1::Agreement& a,
                                        const std::vector<absl::CivilMonth>& months,
                                        const PaidByMonth& paid,
                                        const std::map<int, v1::RateTable>& tables) {
  // An agency invoices its own corrections; a contact family is paid by its stays.
  if (a.agency_home() || a.assignment_kind() == fhv::common::v1::ASSIGNMENT_KIND_KONTAKTFAMILJ) {
    return absl::OkStatus();
  }
  const AgreementPeriod period = PeriodOf(a);
  for (const absl::CivilMonth m : months) {
    const auto table = tables.find(static_cast<int>(m.year()));
    if (table == tables.end()) {
      return absl::FailedPreconditionError("no rate table for a month to correct");
    }
    auto lines = MonthLines(period, table->second, m);
    if (!lines.ok()) return lines.status();
    std::map<std::pair<v1::PaymentLineKind, bool>, int64_t> diff;
    for (const Line& l : *lines) diff[{l.kind, l.taxable}] += l.amount_ore;
    if (const auto was = paid.find(m); was != paid.end()) {
      for (const auto& [key, amount] : was->second) diff[key] -= amount;
    }
    for (const auto& [key, amount] : diff) {
      if (amount == 0) continue;
      v1::PaymentLine& out = NewLine(a.agreement_id(), a.home_id(), a.child_id());
      out.set_kind(key.first);
      out.set_taxable(key.second);
      *out.mutable_period_start() = ToDate(absl::CivilDay(m));
      *out.mutable_period_end() = ToDate(absl::CivilDay(m + 1) - 1);
      out.set_amount_ore(amount);
      out.set_adjustment(true);
      out.mutable_corrects_month()->set_year(static_cast<int>(m.year()));
      out.mutable_corrects_month()->set_month(m.month());
      out.set_description(absl::StrFormat("Correction of %04d-%02d", m.year(), m.month()));
    }
  }
  return absl::OkStatus();
}

absl::Status RunBuilder::AddStay(const v1::Agreement& a, const v1::ContactFamilyStay& stay,
                                 const v1::RateTable& table) {
  const absl::CivilDay arrival = *DayOf(stay.arrival_date());
  const AgreementPeriod period = PeriodOf(a);
  const v1::AgreementVersion* in_force = nullptr;
  for (const auto& v : period.versions) {
    if (*DayOf(v.valid_from()) <= arrival || in_force == nullptr) in_force = &v;
  }
  if (in_force == nullptr) return absl::InternalError("an agreement has no version");
  auto lines = StayLines(in_force->terms(), period.child_birth_date, arrival,
                         *DayOf(stay.departure_date()), table);
  if (!lines.ok()) return lines.status();
  for (const Line& l : *lines) {
    v1::PaymentLine& out = NewLine(a.agreement_id(), a.home_id(), a.child_id());
    CopyFigures(l, out);
    out.set_agreement_version(in_force->version());
    out.set_days_covered_tenths(stay.counted_days_tenths());
    out.set_stay_id(stay.stay_id());
  }
  return absl::OkStatus();
}

void RunBuilder::AddReimbursement(const v1::Reimbursement& c) {
  v1::PaymentLine& out = NewLine(c.agreement_id(), c.home_id(), c.child_id());
  out.set_kind(v1::PAYMENT_LINE_KIND_REIMBURSEMENT);
  *out.mutable_period_start() = c.expense_date();
  *out.mutable_period_end() = c.expense_date();
  out.set_full_rate_ore(c.claimed_amount_ore());
  out.set_amount_ore(c.approved_amount_ore());
  out.set_taxable(false);
  out.set_reimbursement_id(c.reimbursement_id());
  // The claim's own description is the home's text: it stays with the claim.
  out.set_description(
      absl::StrCat("Reimbursement (",
                   absl::AsciiStrToLower(absl::StripPrefix(v1::ReimbursementKind_Name(c.kind()),
                                                           "REIMBURSEMENT_KIND_")),
                   ")"));
}

std::vector<v1::PaymentLine> RunBuilder::TakeLines() {
  taken_ += static_cast<int>(lines_.size());
  return std::exchange(lines_, {});
}

v1::Payout RunBuilder::AddPayout(const HomeSums& home, const PayeeFacts* payee,
                                 v1::PaymentRun& run) {
  v1::Payout p;
  // 32 hex digits: short enough to be the bank file's end-to-end id.
  p.set_payout_id(Sha256Hex(absl::StrCat(run_id_, "/", home.home_id)).substr(0, 32));
  p.set_payment_run_id(run_id_);
  p.mutable_month()->set_year(static_cast<int>(month_.year()));
  p.mutable_month()->set_month(month_.month());
  p.set_home_id(home.home_id);
  p.set_municipality_id(run.municipality_id());
  p.set_taxable_ore(home.taxable_ore);
  p.set_tax_free_ore(home.tax_free_ore);
  p.set_carried_in_ore(home.carried_in_ore);
  const bool ready = payee != nullptr && payee->has_account;
  if (!ready) {
    run.set_problem_count(run.problem_count() + 1);
    if (run.problems_size() < kMaxListedProblems) {
      v1::PaymentRunProblem& problem = *run.add_problems();
      problem.set_code("PAYEE_MISSING");
      problem.set_home_id(home.home_id);
      problem.set_agreement_id(home.first_agreement_id);
      problem.set_description("the home has no payee with an account for this municipality");
    }
  }
  // A negative taxable amount (a correction) gives back the tax withheld on it.
  const int64_t tax = RoundedShare(p.taxable_ore(), ready ? payee->withholding_tax_bp : 0, 10000);
  p.set_tax_withheld_ore(tax);
  p.set_net_ore(p.taxable_ore() - tax + p.tax_free_ore() + p.carried_in_ore());
  p.set_transferred(p.net_ore() > 0);
  taxable_ += p.taxable_ore();
  tax_free_ += p.tax_free_ore();
  withheld_ += tax;
  if (p.transferred()) {
    transferred_ += p.net_ore();
    ++transfers_;
  } else {
    carried_ += p.net_ore();
  }
  return p;
}

void RunBuilder::Finish(const LineCounts& counts, v1::PaymentRun& run) const {
  run.set_line_count(counts.lines);
  run.set_agreement_count(counts.agreements);
  run.set_adjustment_total_ore(counts.adjustment_ore);
  run.set_transfer_count(transfers_);
  run.set_taxable_total_ore(taxable_);
  run.set_tax_free_total_ore(tax_free_);
  run.set_tax_withheld_total_ore(withheld_);
  run.set_transfer_total_ore(transferred_);
  run.set_carried_forward_total_ore(carried_);
}

}  // namespace fhv::payments
