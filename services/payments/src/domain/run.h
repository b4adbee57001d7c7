#pragma once

// Pure rules of a monthly payment run: the lines of every agreement in force in the month, the
// payouts (one per home: its lines summed, tax withheld), the totals and the problems that
// block approval. No I/O, and nothing kept that grows with the run: the caller streams
// agreements in, takes the lines out in batches to store them, and streams back the per-home
// sums of what it stored.

#include <map>
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

// One home's sums over a run's stored lines, and the negative net the previous approved run
// carried forward for it.
struct HomeSums {
  std::string home_id;
  int64_t taxable_ore = 0;
  int64_t tax_free_ore = 0;
  int64_t carried_in_ore = 0;
  std::string first_agreement_id;  // of the home's first line; empty if it has none
};

// Counts over a run's stored lines.
struct LineCounts {
  int lines = 0;
  int agreements = 0;
  int64_t adjustment_ore = 0;  // the sum of the adjustment lines
};

// The problems a run lists; the rest are counted (a run's body stays small however many homes
// lack a payee).
inline constexpr int kMaxListedProblems = 100;

// Builds one run. Not thread-safe. Feed it every agreement of the month once, taking the lines
// out whenever enough are pending; then give it every home's sums, in home order, and finish.
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

  // Adds the line of an approved claim not yet paid: its approved amount, tax-free.
  void AddReimbursement(const v1::Reimbursement& claim);

  // The lines added and not yet taken, in the order added, with ids "<run>-<n>" (n from 1 on,
  // counting every line of the run).
  const std::vector<v1::PaymentLine>& pending() const { return lines_; }
  // Moves the pending lines out; the first has number `taken() + 1` as it was before the call.
  std::vector<v1::PaymentLine> TakeLines();
  int taken() const { return taken_; }

  // The payout of a home from its sums, the home's payee's facts (null if it has none). A home
  // without a payee (or without an account) is a PAYEE_MISSING problem of `run` (listed among
  // the first kMaxListedProblems, always counted) and has no tax withheld; a negative net is
  // carried forward. Call once per home, in home order.
  v1::Payout AddPayout(const HomeSums& home, const PayeeFacts* payee, v1::PaymentRun& run);

  // Writes the run's totals into `run` (its identity and state are the caller's): the counts of
  // its stored lines, and the sums of the payouts added.
  void Finish(const LineCounts& counts, v1::PaymentRun& run) const;

 private:
  // Appends a line of the run for an agreement's home and child, noting both.
  v1::PaymentLine& NewLine(const std::string& agreement_id, const std::string& home_id,
                           const std::string& child_id);

  const std::string run_id_;
  const absl::CivilMonth month_;
  const v1::RateTable& table_;
  std::vector<v1::PaymentLine> lines_;
  int taken_ = 0;
  // Sums of the payouts added.
  int64_t taxable_ = 0, tax_free_ = 0, withheld_ = 0, transferred_ = 0, carried_ = 0;
  int transfers_ = 0;
};

}  // namespace fhv::payments
