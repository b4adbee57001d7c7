#pragma once

// Pure rules of a foster or emergency home's monthly compensation by SKR's rate table: the fee
// (arvode, taxable), the expense allowance (omkostnadsersättning, tax-free up to the table's
// maximum, the part above taxable), extra allowances and the child allowance deduction, pro
// rata by calendar days. No I/O.
//
// Rounding: each line is computed exactly (as a fraction of öre) and rounded once, half away
// from zero, to whole öre; totals are sums of lines, so no öre is lost or invented in a sum.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/util/status.h"
#include "fhv/payments/v1/payments_service.pb.h"

namespace fhv::payments {

// What a month's lines are computed from.
struct AgreementPeriod {
  // A contact person (for a child or an adult) gets a contact person's lines; every other kind
  // a foster home's.
  fhv::common::v1::AssignmentKind kind = fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM;
  absl::CivilDay valid_from;
  std::optional<absl::CivilDay> valid_to;  // the last day, if ended
  absl::CivilDay child_birth_date;
  // Every version in force (not superseded), oldest first; each applies from its valid_from to
  // the day before the next one's.
  std::vector<v1::AgreementVersion> versions;
};

// One computed line, before it gets ids and the run's fields.
struct Line {
  v1::PaymentLineKind kind = v1::PAYMENT_LINE_KIND_UNSPECIFIED;
  int agreement_version = 0;
  absl::CivilDay period_start, period_end;
  int days_covered = 0;
  int days_in_month = 0;
  int64_t full_rate_ore = 0;  // for a whole month, rounded for display
  int64_t amount_ore = 0;
  bool taxable = false;
  std::string age_band;  // e.g. "0-12"
  std::string description;
};

// `amount` × `numerator` / `denominator`, rounded half away from zero. `denominator` > 0.
int64_t RoundedShare(int64_t amount, int64_t numerator, int64_t denominator);

// The expense allowance band for `month`: the band of the child's age on the last day of the
// month before (a band applies from the month after the child reaches its minimum age).
// FAILED_PRECONDITION if the table has no band for that age.
absl::StatusOr<v1::ExpenseAllowanceBand> BandFor(const v1::RateTable& table,
                                                 absl::CivilDay birth_date, absl::CivilMonth month);

// Whether `kind` is a contact person's, for a child or an adult.
bool IsContactPerson(fhv::common::v1::AssignmentKind kind);

// The lines of an agreement for `month` by `table` (the month's year's table), each pro rata by
// the days a version is in force in the month. A foster or emergency home: the fee, the expense
// allowance (tax-free up to the band's maximum), extra allowances and the child allowance
// deduction. A contact person: the fee (the terms' amount, or the table's fee level) and the
// expense allowance of the table's level (pbb × the level's percentage / 12), tax-free. An
// agreement not in force on any day of the month has none. FAILED_PRECONDITION if the table
// lacks what the terms name (a fee level, an age band, a contact person level).
absl::StatusOr<std::vector<Line>> MonthLines(const AgreementPeriod& agreement,
                                             const v1::RateTable& table, absl::CivilMonth month);

// INVALID_ARGUMENT listing every violation of a rate table to be added: a positive
// prisbasbelopp of at most 100 000 000 öre, age bands from 0 without gaps or overlaps,
// non-negative amounts, maxima not below their base, percentages of at most 100000 basis points
// (so that pbb × percentage stays far inside int64), exactly one fee level "BASE".
absl::Status ValidateRateTable(const v1::RateTable& table);

// A month of a request: INVALID_ARGUMENT naming `field` unless it is a calendar month.
absl::StatusOr<absl::CivilMonth> MonthOf(const v1::YearMonth& m, const std::string& field);
// A month filter of a request: nullopt when absent; a violation of `field` in `v` when invalid.
std::optional<absl::CivilMonth> OptionalMonth(Violations& v, bool present, const v1::YearMonth& m,
                                              const std::string& field);

}  // namespace fhv::payments
