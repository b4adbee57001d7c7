#include "services/payments/src/domain/ledger.h"

#include <map>

#include "common/util/dates.h"

namespace fhv::payments {
namespace {

// One entry of `source`; a positive `debit_amount` is a debit, a negative one a credit.
struct Source {
  const std::string& municipality_id;
  const std::string& id;
  v1::LedgerSourceKind kind;
  absl::CivilDay day;
};

void Post(std::vector<v1::LedgerEntry>& out, const Source& src, const std::string& account,
          int64_t debit_amount, const std::string& counterparty) {
  if (debit_amount == 0) return;
  v1::LedgerEntry& e = out.emplace_back();
  e.set_municipality_id(src.municipality_id);
  *e.mutable_posting_date() = ToDate(src.day);
  e.set_account(account);
  e.set_side(debit_amount > 0 ? v1::LEDGER_SIDE_DEBIT : v1::LEDGER_SIDE_CREDIT);
  e.set_amount_ore(debit_amount > 0 ? debit_amount : -debit_amount);
  e.set_source_kind(src.kind);
  e.set_source_id(src.id);
  e.set_counterparty_id(counterparty);
}

}  // namespace

std::string ExpenseAccount(v1::PaymentLineKind kind) {
  switch (kind) {
    case v1::PAYMENT_LINE_KIND_FEE:
    case v1::PAYMENT_LINE_KIND_CONTACT_FAMILY_FEE:
    case v1::PAYMENT_LINE_KIND_CONTACT_PERSON_FEE:
      return "FEE_EXPENSE";
    case v1::PAYMENT_LINE_KIND_REIMBURSEMENT:
      return "REIMBURSEMENT_EXPENSE";
    case v1::PAYMENT_LINE_KIND_EXTRA_ALLOWANCE:
      return "EXTRA_ALLOWANCE_EXPENSE";
    default:
      return "EXPENSE_ALLOWANCE_EXPENSE";
  }
}

std::vector<v1::LedgerEntry> ApprovalEntries(const v1::PaymentRun& run,
                                             const std::vector<v1::PaymentLine>& lines,
                                             const std::vector<v1::Payout>& payouts,
                                             absl::CivilDay posting_date) {
  // Per home, the sum of its lines by expense account, in a stable order.
  std::map<std::string, std::map<std::string, int64_t>> expenses;
  for (const v1::PaymentLine& l : lines) {
    expenses[l.home_id()][ExpenseAccount(l.kind())] += l.amount_ore();
  }
  std::vector<v1::LedgerEntry> out;
  const Source src{run.municipality_id(), run.payment_run_id(),
                   v1::LEDGER_SOURCE_KIND_PAYMENT_RUN_APPROVED, posting_date};
  for (const v1::Payout& p : payouts) {
    for (const auto& [account, amount] : expenses[p.home_id()]) {
      Post(out, src, account, amount, p.home_id());
    }
    Post(out, src, "TAX_WITHHELD", -p.tax_withheld_ore(), p.home_id());
    // What the home is owed: its lines less the tax (a negative net is owed by the home).
    Post(out, src, "PAYABLE_HOMES", -(p.net_ore() - p.carried_in_ore()), p.home_id());
  }
  return out;
}

std::vector<v1::LedgerEntry> PaidEntries(const v1::PaymentRun& run,
                                         const std::vector<v1::Payout>& payouts,
                                         absl::CivilDay posting_date) {
  std::vector<v1::LedgerEntry> out;
  const Source src{run.municipality_id(), run.payment_run_id(),
                   v1::LEDGER_SOURCE_KIND_PAYMENT_RUN_PAID, posting_date};
  for (const v1::Payout& p : payouts) {
    if (p.transferred()) Post(out, src, "PAYABLE_HOMES", p.net_ore(), p.home_id());
  }
  return out;
}

std::vector<v1::LedgerEntry> BankEntries(const v1::PaymentRun& run, absl::CivilDay posting_date) {
  std::vector<v1::LedgerEntry> out;
  Post(out,
       {run.municipality_id(), run.payment_run_id(), v1::LEDGER_SOURCE_KIND_PAYMENT_RUN_PAID,
        posting_date},
       "BANK", -run.transfer_total_ore(), run.municipality_id());
  return out;
}

std::vector<v1::LedgerEntry> InvoiceEntries(const v1::AgencyInvoice& invoice,
                                            absl::CivilDay posting_date) {
  std::vector<v1::LedgerEntry> out;
  const Source src{invoice.municipality_id(), invoice.agency_invoice_id(),
                   v1::LEDGER_SOURCE_KIND_AGENCY_INVOICE, posting_date};
  int64_t placements = 0, claims = 0;
  for (const auto& l : invoice.lines()) {
    (l.kind() == v1::AGENCY_INVOICE_LINE_KIND_REIMBURSEMENT ? claims : placements) +=
        l.amount_ore();
  }
  Post(out, src, "AGENCY_PLACEMENT_EXPENSE", placements, invoice.agency().id());
  Post(out, src, "REIMBURSEMENT_EXPENSE", claims, invoice.agency().id());
  Post(out, src, "PAYABLE_AGENCIES", -(placements + claims), invoice.agency().id());
  return out;
}

bool LedgerTally::Add(const v1::LedgerEntry& e) {
  if (e.amount_ore() <= 0) return false;
  (e.side() == v1::LEDGER_SIDE_DEBIT ? debit_ : credit_) += e.amount_ore();
  return true;
}

bool Balanced(const std::vector<v1::LedgerEntry>& entries) {
  LedgerTally tally;
  for (const auto& e : entries) {
    if (!tally.Add(e)) return false;
  }
  return tally.balanced();
}

}  // namespace fhv::payments
