#pragma once

// Pure rules of a monthly payment run: the lines of every agreement in force in the month, the
// payouts (one per home: its lines summed, tax withheld), the totals and the problems that
// block approval. No I/O: the caller streams agreements in and stores what comes out.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "fhv/payments/v1/payments_service.pb.h"
#include "services/payments/src/domain/compensation.h"

namespace fhv::payments {

// What approved runs paid for one agreement, by the month paid for, by (kind, taxable).
using PaidByMonth =
    std::map<absl::CivilMonth, std::map<std::pair<v1::PaymentLineKind, bool>, int64_t>>;

// What is known of a home's payee when a run is calculated.
struct PayeeFacts {
  bool has_account = false;
  int withholding_tax_bp = 0;
};

// Builds one run. Not thread-safe; feed it every agreement of the month once.
class RunBuilder {
 public:
  RunBuilder(std::string run_id, absl::CivilMonth month, const v1::RateTable& table)
      : run_id_(std::move(run_id)), month_(month), table_(table) {}

  // Adds the agreement's lines for the month. An agency home gets none (the agency invoices).
  // FAILED_PRECONDITION if the rate table lacks what the terms name.
  absl::Status Add(const v1::Agreement& agreement);

  // Adds adjustment lines correcting `months` (earlier months an approved run paid, from the one
  // the agreement's change concerns): per month and (kind, taxable), what the agreement gives
  // now less what was paid. `tables` holds the rate table of each of their years.
  absl::Status AddAdjustments(const v1::Agreement& agreement,
                              const std::vector<absl::CivilMonth>& months, const PaidByMonth& paid,
                              const std::map<int, v1::RateTable>& tables);

  // Adds the lines of a contact family's stay not yet paid, by `table` (its arrival year's) and
  // the terms in force on its arrival day.
  absl::Status AddStay(const v1::Agreement& agreement, const v1::ContactFamilyStay& stay,
                       const v1::RateTable& table);

  // Negative nets of the previous approved run, by home: each is set off against the home's
  // payout in this run (a home without lines this run carries it on).
  void CarryIn(std::map<std::string, int64_t> carried) { carried_ = std::move(carried); }

  // Adds the line of an approved claim not yet paid: its approved amount, tax-free.
  void AddReimbursement(const v1::Reimbursement& claim);

  // The lines added so far, in the order added, with ids "<run>-<n>".
  const std::vector<v1::PaymentLine>& lines() const { return lines_; }

  // The payouts, one per home, in home id order, and the run's totals and problems written into
  // `run` (its identity and state are the caller's). `payees` by home id; a home without one
  // (or without an account) is a PAYEE_MISSING problem and has no tax withheld.
  std::vector<v1::Payout> Finish(const std::map<std::string, PayeeFacts>& payees,
                                 v1::PaymentRun& run) const;

 private:
  // Appends a line of the run for an agreement's home and child, noting both.
  v1::PaymentLine& NewLine(const std::string& agreement_id, const std::string& home_id,
                           const std::string& child_id);

  const std::string run_id_;
  const absl::CivilMonth month_;
  const v1::RateTable& table_;
  std::vector<v1::PaymentLine> lines_;
  std::map<std::string, std::string> first_agreement_of_home_;
  std::set<std::string> agreements_with_lines_;
  std::map<std::string, int64_t> carried_;
};

}  // namespace fhv::payments
