#pragma once

// Storage of payment runs, their lines and payouts: the only place with their SQL.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/connection.h"
#include "fhv/payments/v1/payments_service.pb.h"
#include "services/payments/src/domain/bank_file.h"
#include "services/payments/src/domain/run.h"

namespace fhv::payments {

namespace v1 = ::fhv::payments::v1;

struct LineFilter {
  std::string run_id, home_id, agreement_id;
  std::optional<absl::CivilMonth> from, to;
  bool adjustments_only = false;
  bool approved_runs_only = false;  // approved, paid or failed runs: what a home may see
};

struct PayoutFilter {
  std::string run_id, home_id;
  std::optional<absl::CivilMonth> from, to;
  bool approved_runs_only = false;
};

enum class RunFileKind { kBankFile, kFinanceExport };

// A stored file's facts and one chunk of its bytes (in `file.content`).
struct StoredFileChunk {
  RunFile file;
  int64_t total_size = 0;
  absl::Time created;
};

// Stateless; every method runs on the connection it is given. Runs read come with their etag;
// a missing one is PERMISSION_DENIED (the answer for one the caller may not see).
class RunStore {
 public:
  // False, writing nothing, if the municipality already has a run for the month.
  static absl::StatusOr<bool> Insert(db::Connection& conn, v1::PaymentRun& run, absl::Time now);
  static absl::StatusOr<v1::PaymentRun> Get(db::Connection& conn, const std::string& id);
  static absl::StatusOr<v1::PaymentRun> Lock(db::Connection& conn, const std::string& id);
  static absl::StatusOr<std::optional<v1::PaymentRun>> OfMonth(db::Connection& conn,
                                                               const std::string& municipality_id,
                                                               absl::CivilMonth month);
  static absl::Status Update(db::Connection& conn, v1::PaymentRun& run, absl::Time now);
  // Newest month first, before `before`; one more than `limit` means there are more.
  static absl::StatusOr<std::vector<v1::PaymentRun>> List(
      db::Connection& conn, const std::string& municipality_id,
      const std::vector<std::string>& states, std::optional<absl::CivilMonth> from,
      std::optional<absl::CivilMonth> to, int limit, std::optional<absl::CivilMonth> before);

  // Calls `fn` with every agreement of own homes the municipality pays that is in force on some
  // day of `month`, read in batches by id.
  static absl::Status ForEachAgreementInForce(
      db::Connection& conn, const std::string& municipality_id, absl::CivilMonth month,
      const std::function<absl::Status(const v1::Agreement&)>& fn);

  // Calls `fn` with every own-home agreement of the municipality changed back in time before
  // `month`, the first day its change concerns and what approved runs of earlier months paid
  // for it (read for a batch of agreements at once, in batches by id); notes each, at its
  // version, as rechecked by the run (see ClearRecheck).
  static absl::Status ForEachAgreementToRecheck(
      db::Connection& conn, const std::string& run_id, const std::string& municipality_id,
      absl::CivilMonth month,
      const std::function<absl::Status(const v1::Agreement&, absl::CivilDay, const PaidByMonth&)>&
          fn);
  // The months before `month` an approved (or paid, or failed) run of the municipality paid.
  static absl::StatusOr<std::vector<absl::CivilMonth>> PaidMonths(
      db::Connection& conn, const std::string& municipality_id, absl::CivilMonth month);
  // Clears the marks the approved run settled: of the agreements it rechecked, those not changed
  // since.
  static absl::Status ClearRecheck(db::Connection& conn, const std::string& run_id);
  // Runs are made in month order: FAILED_PRECONDITION EARLIER_RUN_OPEN while a run of an earlier
  // month is still open, LATER_RUN_APPROVED once a later month's run is approved (its
  // corrections and set-offs are reckoned without this month).
  static absl::Status CheckRunOrder(db::Connection& conn, const std::string& municipality_id,
                                    absl::CivilMonth month);
  // Whether another run of the municipality was approved (or marked paid or failed) after
  // `since`.
  static absl::StatusOr<bool> OtherRunApprovedSince(db::Connection& conn, const v1::PaymentRun& run,
                                                    absl::Time since);

  // Deletes the run's lines and payouts.
  static absl::Status ClearLines(db::Connection& conn, const std::string& run_id);
  // Stores lines of the run numbered from `first_seq` on.
  static absl::Status InsertLines(db::Connection& conn, const std::string& run_id, int first_seq,
                                  const std::vector<v1::PaymentLine>& lines);
  static absl::Status InsertPayouts(db::Connection& conn, const std::string& run_id,
                                    const std::vector<v1::Payout>& payouts);
  // Calls `fn` with the sums of the run's stored lines per home, in pages in home order, with
  // what the municipality's latest approved (or paid, or failed) run before the run's month
  // carried forward for each home (a home with only that has no lines of its own).
  static absl::Status ForEachHomeSums(
      db::Connection& conn, const v1::PaymentRun& run,
      const std::function<absl::Status(const std::vector<HomeSums>&)>& fn);
  static absl::StatusOr<LineCounts> CountLines(db::Connection& conn, const std::string& run_id);
  // Calls `fn` with the run's payouts in pages in home order and, if `with_lines`, the lines of
  // the page's homes (by home, then in the order of the run); else with no lines.
  static absl::Status ForEachPayoutPage(
      db::Connection& conn, const std::string& run_id, bool with_lines,
      const std::function<absl::Status(const std::vector<v1::Payout>&,
                                       const std::vector<v1::PaymentLine>&)>& fn);

  // Lines of the municipality's runs (an empty id: any payer's) by (run, line) after `after`.
  static absl::StatusOr<std::vector<v1::PaymentLine>> ListLines(
      db::Connection& conn, const std::string& municipality_id, const LineFilter& filter, int limit,
      const std::optional<std::pair<std::string, int>>& after,
      std::optional<std::pair<std::string, int>>* last);

  // Payouts of the municipality's runs by (run, home) after `after`; `last` is set when there
  // are more.
  static absl::StatusOr<std::vector<v1::Payout>> ListPayouts(
      db::Connection& conn, const std::string& municipality_id, const PayoutFilter& filter,
      int limit, const std::optional<std::pair<std::string, std::string>>& after,
      std::optional<std::pair<std::string, std::string>>* last);

  // Stores part `seq` (from 1 on) of a file of the run being written.
  static absl::Status PutFilePart(db::Connection& conn, const std::string& run_id, RunFileKind kind,
                                  int seq, const std::string& content);
  // Stores the file from its parts in order, once (the table refuses changes), with the facts
  // of `file` (its content and hash unused), and returns its SHA-256 in lowercase hex.
  // INTERNAL if it has no parts.
  static absl::StatusOr<std::string> AssembleFile(db::Connection& conn, const std::string& run_id,
                                                  RunFileKind kind, const RunFile& file,
                                                  absl::Time now);
  // Bytes [offset, offset + max_bytes) of a stored file with its facts; nullopt if there is none.
  static absl::StatusOr<std::optional<StoredFileChunk>> FileChunk(db::Connection& conn,
                                                                  const std::string& run_id,
                                                                  RunFileKind kind, int64_t offset,
                                                                  int max_bytes);
};

}  // namespace fhv::payments
