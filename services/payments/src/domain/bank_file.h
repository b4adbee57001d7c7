#pragma once

// The files an approved run leaves for others: the bank file (an ISO 20022 pain.001.001.03
// credit transfer initiation) and the export for the municipality's finance system (CSV). Pure:
// the caller gathers the run, its payees and lines, and stores what comes out.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

// One credit transfer of a bank file.
struct Transfer {
  std::string end_to_end_id;  // At most 35 characters.
  int64_t amount_ore = 0;     // Positive.
  std::string creditor_name;
  v1::BankAccount account;
};

struct RunFile {
  std::string file_name;
  std::string content;
  std::string message_id;  // The bank file's GrpHdr/MsgId; empty for the CSV.
  int item_count = 0;      // Transfers, or CSV data rows.
  int64_t total_ore = 0;   // The control sum, or the sum of the amount column.
  std::string sha256;      // Of the content, lowercase hex.
};

// An amount in öre as SEK with two decimals, e.g. -1234 → "-12.34".
std::string FormatSek(int64_t ore);

// The run's bank file: one payment information block debiting the municipality's account on the
// run's execution date, one transfer per element of `transfers`, control sums in both headers.
// INVALID_ARGUMENT if a transfer is not positive, has no account or a too long id, or the run
// has no execution date.
absl::StatusOr<RunFile> Pain001(const v1::PaymentRun& run,
                                const v1::MunicipalityPaymentSettings& debtor,
                                const std::vector<Transfer>& transfers, absl::Time created);

// The same file written in parts, for runs too large to hold at once: the head, with the number
// and sum of the transfers to come in both headers; the transfers, in as many parts as wanted,
// each part counted and summed into `file`; the tail. Pain001Facts gives the file's name and
// message id. The parts concatenated are Pain001's content.
RunFile Pain001Facts(const v1::PaymentRun& run);
absl::StatusOr<std::string> Pain001Head(const v1::PaymentRun& run,
                                        const v1::MunicipalityPaymentSettings& debtor,
                                        absl::Time created, int count, int64_t total_ore);
absl::StatusOr<std::string> Pain001Transfers(const v1::PaymentRun& run,
                                             const std::vector<Transfer>& transfers, RunFile& file);
std::string Pain001Tail();

// The run's CSV for the finance system: UTF-8, ';'-separated, CRLF, a header row, one row per
// line in the given order. Never personal data (ids, kinds, dates and amounts only).
RunFile FinanceCsv(const v1::PaymentRun& run, const std::vector<v1::PaymentLine>& lines);

// The same in parts: the header row, then rows for lines in as many parts as wanted, each
// counted and summed into `file`.
RunFile FinanceCsvFacts(const v1::PaymentRun& run);
std::string FinanceCsvHeader();
std::string FinanceCsvRows(const v1::PaymentRun& run, const std::vector<v1::PaymentLine>& lines,
                           RunFile& file);

}  // namespace fhv::payments
