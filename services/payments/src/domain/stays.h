#pragma once

// Pure rules of a contact family's stays (vistelser): how a stay counts in days, which of its
// days pay the raised fee, and its lines. No I/O.
//
// The rules, as the rate table gives them (SKR's recommendation for contact families):
// - A stay counts one day (dygn) per night from arrival to departure; a visit without a night
//   counts one day. A stay from a Friday to the Sunday counts contact_family_weekend_days_tenths
//   (2.5 days) instead of two.
// - The fee per day is the child's band's (age on the arrival day); on the stay's Saturdays,
//   Sundays and Swedish public holidays among its first contact_family_holiday_fee_max_days
//   days (14) the fee is multiplied by contact_family_holiday_fee_multiplier (doubled).
// - The expense allowance per day is the prisbasbelopp × the agreement's percentage (the band's
//   minimum when none is agreed) / 365, tax-free up to the band's maximum.
// A day of the stay is the date a night begins (for a visit without a night, its date).

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "fhv/payments/v1/payments_service.pb.h"
#include "services/payments/src/domain/compensation.h"

namespace fhv::payments {

// Easter Sunday of `year` (the Gregorian computus).
absl::CivilDay EasterSunday(int year);
// Whether `day` is a Swedish public holiday (allmän helgdag, lag 1989:253): New Year's Day,
// Epiphany, Good Friday, Easter Sunday and Monday, 1 May, Ascension Day, Whit Sunday, the
// National Day, Midsummer Day, All Saints' Day, Christmas Day and Boxing Day.
bool IsPublicHoliday(absl::CivilDay day);

struct StayCount {
  int days_tenths = 0;   // the days the stay counts as, in tenths
  int premium_days = 0;  // days paid at the multiplied fee
};

StayCount CountStay(absl::CivilDay arrival, absl::CivilDay departure, const v1::RateTable& table);

// The lines of a stay under `terms` by `table` (the arrival year's): the fee (taxable) and the
// expense allowance (tax-free up to the band's maximum; any part above it taxable).
// FAILED_PRECONDITION if the table has no contact family band for the child's age.
absl::StatusOr<std::vector<Line>> StayLines(const v1::AgreementTerms& terms,
                                            absl::CivilDay child_birth_date, absl::CivilDay arrival,
                                            absl::CivilDay departure, const v1::RateTable& table);

}  // namespace fhv::payments
