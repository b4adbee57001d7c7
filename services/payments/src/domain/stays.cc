#include "services/payments/src/domain/stays.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/status.h"

namespace fhv::payments {
namespace {

constexpr int64_t kDaysPerYear = 365;
constexpr int64_t kBpWhole = 10000;

// The first `weekday` on or after `day`.
absl::CivilDay OnOrAfter(absl::CivilDay day, absl::Weekday weekday) {
  while (absl::GetWeekday(day) != weekday) ++day;
  return day;
}

absl::StatusOr<v1::ContactFamilyBand> ContactFamilyBandFor(const v1::RateTable& table, int age) {
  const v1::ContactFamilyBand* oldest = nullptr;
  for (const auto& b : table.contact_family_bands()) {
    if (b.min_age_years() <= age && age <= b.max_age_years()) return b;
    if (oldest == nullptr || b.min_age_years() > oldest->min_age_years()) oldest = &b;
  }
  if (oldest != nullptr && age > oldest->max_age_years()) return *oldest;
  return FailedPrecondition(
      "RATE_TABLE_INCOMPLETE",
      absl::StrCat("the ", table.year(), " rate table has no contact family band for the age"));
}

}  // namespace

absl::CivilDay EasterSunday(int year) {
  // The anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return absl::CivilDay(year, month, day);
}

bool IsPublicHoliday(absl::CivilDay day) {
  const int y = static_cast<int>(day.year());
  const absl::CivilDay easter = EasterSunday(y);
  const absl::CivilDay fixed[] = {
      absl::CivilDay(y, 1, 1), absl::CivilDay(y, 1, 6), absl::CivilDay(y, 5, 1),
      absl::CivilDay(y, 6, 6), absl::CivilDay(y, 12, 25), absl::CivilDay(y, 12, 26), easter - 2,
      easter, easter + 1, easter + 39, easter + 49,
      // Midsummer Day: the Saturday 20–26 June; All Saints' Day: the Saturday 31 Oct–6 Nov.
      OnOrAfter(absl::CivilDay(y, 6, 20), absl::Weekday::saturday),
      OnOrAfter(absl::CivilDay(y, 10, 31), absl::Weekday::saturday)};
  return std::find(std::begin(fixed), std::end(fixed), day) != std::end(fixed);
}

StayCount CountStay(absl::CivilDay arrival, absl::CivilDay departure, const v1::RateTable& table) {
  StayCount c;
  const int nights = static_cast<int>(departure - arrival);
  c.days_tenths = std::max(1, nights) * 10;
  if (nights == 2 && absl::GetWeekday(arrival) == absl::Weekday::friday &&
      table.contact_family_weekend_days_tenths() > 0) {
    c.days_tenths = table.contact_family_weekend_days_tenths();
  }
  const int days = std::max(1, nights);
  const int limit = std::min(days, table.contact_family_holiday_fee_max_days());
  for (int i = 0; i < limit; ++i) {
    const absl::CivilDay d = arrival + i;
    const absl::Weekday w = absl::GetWeekday(d);
    if (w == absl::Weekday::saturday || w == absl::Weekday::sunday || IsPublicHoliday(d)) {
      ++c.premium_days;
    }
  }
  return c;
}

absl::StatusOr<std::vector<Line>> StayLines(const v1::AgreementTerms& terms,
                                            absl::CivilDay child_birth_date, absl::CivilDay arrival,
                                            absl::CivilDay departure, const v1::RateTable& table) {
  auto band = ContactFamilyBandFor(table, std::max(0, AgeOn(child_birth_date, arrival)));
  if (!band.ok()) return band.status();
  const StayCount count = CountStay(arrival, departure, table);
  const int64_t fee_per_day = band->fee_per_day().amount_ore();
  const int64_t multiplier_bp =
      std::max<int64_t>(kBpWhole, table.contact_family_holiday_fee_multiplier().basis_points());
  auto line = [&](v1::PaymentLineKind kind, int64_t amount, bool taxable, const char* what) {
    Line l;
    l.kind = kind;
    l.period_start = arrival;
    l.period_end = departure;
    l.full_rate_ore = fee_per_day;
    l.amount_ore = amount;
    l.taxable = taxable;
    l.age_band = absl::StrCat(band->min_age_years(), "-", band->max_age_years());
    l.description = what;
    return l;
  };
  std::vector<Line> out;
  // Counted days × the fee, plus the premium days' extra: rounded once.
  const int64_t fee_tenths_bp =
      count.days_tenths * kBpWhole + count.premium_days * 10 * (multiplier_bp - kBpWhole);
  out.push_back(line(v1::PAYMENT_LINE_KIND_CONTACT_FAMILY_FEE,
                     RoundedShare(fee_per_day, fee_tenths_bp, 10 * kBpWhole), true,
                     "Contact family fee (arvode)"));
  const int agreed = terms.contact_family_expense_allowance_bp() > 0
                         ? terms.contact_family_expense_allowance_bp()
                         : band->expense_allowance_min().basis_points();
  const int free_bp = std::min(agreed, band->expense_allowance_max().basis_points());
  const int64_t pbb = table.prisbasbelopp().amount_ore();
  const int64_t per_tenth_den = kDaysPerYear * kBpWhole * 10;
  Line allowance = line(v1::PAYMENT_LINE_KIND_CONTACT_FAMILY_EXPENSE_ALLOWANCE,
                        RoundedShare(pbb, int64_t{free_bp} * count.days_tenths, per_tenth_den),
                        false, "Contact family expense allowance (omkostnadsersättning)");
  allowance.full_rate_ore = RoundedShare(pbb, free_bp, kDaysPerYear * kBpWhole);
  out.push_back(allowance);
  if (agreed > free_bp) {
    Line above =
        line(v1::PAYMENT_LINE_KIND_CONTACT_FAMILY_EXPENSE_ALLOWANCE,
             RoundedShare(pbb, int64_t{agreed - free_bp} * count.days_tenths, per_tenth_den), true,
             "Contact family expense allowance above the tax-free maximum");
    out.push_back(above);
  }
  return out;
}

}  // namespace fhv::payments
