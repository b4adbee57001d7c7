#pragma once

// Pure rules of the double-entry ledger: the transaction an approved run posts. Its debits
// equal its credits by construction (every line's amount is matched by the payee's payable
// and the tax withheld); Balanced() checks any list of entries. No I/O.

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

// The expense account of a line kind, e.g. "FEE_EXPENSE".
std::string ExpenseAccount(v1::PaymentLineKind kind);

// The entries of an approved run for some of its payouts and the lines of their homes: per home,
// its expenses by account (a negative sum, e.g. a deduction larger than the allowance, is a
// credit), the tax withheld (credit TAX_WITHHELD) and the net payable (credit PAYABLE_HOMES; a
// negative net is a debit). Entry and transaction ids are the caller's to set.
std::vector<v1::LedgerEntry> ApprovalEntries(const v1::PaymentRun& run,
                                             const std::vector<v1::PaymentLine>& lines,
                                             const std::vector<v1::Payout>& payouts,
                                             absl::CivilDay posting_date);

// The entries of a paid run for some of its payouts: per transferred payout, its net paid from
// PAYABLE_HOMES (debit). The run's BankEntries balance them all.
std::vector<v1::LedgerEntry> PaidEntries(const v1::PaymentRun& run,
                                         const std::vector<v1::Payout>& payouts,
                                         absl::CivilDay posting_date);
// The paid run's transfer total out of BANK (credit).
std::vector<v1::LedgerEntry> BankEntries(const v1::PaymentRun& run, absl::CivilDay posting_date);

// The entries of an agency invoice: its daily rates (AGENCY_PLACEMENT_EXPENSE) and claims
// (REIMBURSEMENT_EXPENSE) owed to the agency (credit PAYABLE_AGENCIES).
std::vector<v1::LedgerEntry> InvoiceEntries(const v1::AgencyInvoice& invoice,
                                            absl::CivilDay posting_date);

// Sums a transaction's entries as they come, for one too large to hold at once.
class LedgerTally {
 public:
  // False (counting nothing) if the amount is not positive.
  bool Add(const v1::LedgerEntry& e);
  bool balanced() const { return debit_ == credit_; }

 private:
  int64_t debit_ = 0, credit_ = 0;
};

// True if the debits of `entries` equal their credits and every amount is positive.
bool Balanced(const std::vector<v1::LedgerEntry>& entries);

}  // namespace fhv::payments
