#include "services/payments/src/domain/ledger.h"

#include <map>

#include "common/util/dates.h"

namespace fhv::payments {
namespace {

void Post(std::vector<v1::LedgerEntry>& out, const v1::PaymentRun& run, absl::CivilDay day,
          const std::string& account, int64_t debit_amount, const std::string& home) {
  if (debit_amount == 0) return;
  v1::LedgerEntry& e = out.emplace_back();
  e.set_municipality_id(run.municipality_id());
  *e.mutable_posting_date() = ToDate(day);
  e.set_account(account);
  e.set_side(debit_amount > 0 ? v1::LEDGER_SIDE_DEBIT : v1::LEDGER_SIDE_CREDIT);
  e.set_amount_ore(debit_amount > 0 ? debit_amount : -debit_amount);
  e.set_source_kind(v1::LEDGER_SOURCE_KIND_PAYMENT_RUN_APPROVED);
  e.set_source_id(run.payment_run_id());
  e.set_counterparty_id(home);
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
  for (const v1::Payout& p : payouts) {
    for (const auto& [account, amount] : expenses[p.home_id()]) {
      Post(out, run, posting_date, account, amount, p.home_id());
    }
    Post(out, run, posting_date, "TAX_WITHHELD", -p.tax_withheld_ore(), p.home_id());
    // What the home is owed: its lines less the tax (a negative net is owed by the home).
    Post(out, run, posting_date, "PAYABLE_HOMES", -(p.net_ore() - p.carried_in_ore()), p.home_id());
  }
  return out;
}

bool Balanced(const std::vector<v1::LedgerEntry>& entries) {
  int64_t debit = 0, credit = 0;
  for (const auto& e : entries) {
    if (e.amount_ore() <= 0) return false;
    (e.side() == v1::LEDGER_SIDE_DEBIT ? debit : credit) += e.amount_ore();
  }
  return debit == credit;
}

}  // namespace fhv::payments
