#include "services/payments/src/domain/compensation.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/status.h"

namespace fhv::payments {
namespace {

using Wide = __int128;

// Per month from a yearly basis-point share of pbb: pbb × bp / 10000 / 12.
constexpr int64_t kYearlyBpPerMonth = 120000;

// The largest figures a rate table may hold where they multiply: pbb (1 000 000 SEK, some 17
// times today's) and a percentage (1000 %). Their products stay far inside int64 öre.
constexpr int64_t kMaxPrisbasbeloppOre = 100'000'000;
constexpr int32_t kMaxBasisPoints = 100'000;

// n / d rounded half away from zero; d > 0.
int64_t RoundDiv(Wide n, Wide d) {
  Wide q = n / d;
  const Wide r = n % d;
  if ((r < 0 ? -r : r) * 2 >= d) q += n < 0 ? -1 : 1;
  return static_cast<int64_t>(q);
}

absl::CivilDay FirstDay(absl::CivilMonth m) { return absl::CivilDay(m); }
absl::CivilDay LastDay(absl::CivilMonth m) { return absl::CivilDay(m + 1) - 1; }

std::string BandName(const v1::ExpenseAllowanceBand& b) {
  return absl::StrCat(b.min_age_years(), "-", b.max_age_years());
}

// A line of `days` of a month from a monthly rate given as numerator / kYearlyBpPerMonth öre.
Line Share(v1::PaymentLineKind kind, Wide monthly_num, Wide monthly_den, int days, int dim) {
  Line l;
  l.kind = kind;
  l.days_covered = days;
  l.days_in_month = dim;
  l.full_rate_ore = RoundDiv(monthly_num, monthly_den);
  l.amount_ore = RoundDiv(monthly_num * days, monthly_den * dim);
  return l;
}

}  // namespace

int64_t RoundedShare(int64_t amount, int64_t numerator, int64_t denominator) {
  return RoundDiv(static_cast<Wide>(amount) * numerator, denominator);
}

absl::StatusOr<v1::ExpenseAllowanceBand> BandFor(const v1::RateTable& table,
                                                 absl::CivilDay birth_date,
                                                 absl::CivilMonth month) {
  const int age = std::max(0, AgeOn(birth_date, FirstDay(month) - 1));
  const v1::ExpenseAllowanceBand* best = nullptr;
  for (const auto& b : table.expense_allowance_bands()) {
    if (b.min_age_years() <= age && age <= b.max_age_years()) return b;
    if (best == nullptr || b.min_age_years() > best->min_age_years()) best = &b;
  }
  // The highest band applies to every older age.
  if (best != nullptr && age > best->max_age_years()) return *best;
  return FailedPrecondition("RATE_TABLE_INCOMPLETE",
                            absl::StrCat("the ", table.year(),
                                         " rate table has no expense "
                                         "allowance band for the child's age"));
}

namespace {

// A contact person's lines for `days` of a month of `dim` days under terms `t`.
absl::StatusOr<std::vector<Line>> ContactPersonLines(const v1::AgreementTerms& t,
                                                     const v1::RateTable& table, int days,
                                                     int dim) {
  int64_t fee = t.monthly_fee_ore();
  if (fee == 0) {
    const auto level = std::find_if(
        table.contact_person_fee_levels().begin(), table.contact_person_fee_levels().end(),
        [&](const auto& l) { return l.code() == t.contact_person_fee_level_code(); });
    if (level == table.contact_person_fee_levels().end()) {
      return FailedPrecondition(
          "RATE_TABLE_INCOMPLETE",
          absl::StrCat("the ", table.year(), " rate table has no contact person fee level \"",
                       t.contact_person_fee_level_code(),
                       "\"; give the agreement its monthly fee"));
    }
    fee = level->monthly_fee().amount_ore();
  }
  const auto expense = std::find_if(
      table.contact_person_expense_levels().begin(), table.contact_person_expense_levels().end(),
      [&](const auto& l) { return l.code() == t.contact_person_expense_level_code(); });
  if (expense == table.contact_person_expense_levels().end()) {
    return FailedPrecondition(
        "RATE_TABLE_INCOMPLETE",
        absl::StrCat("the ", table.year(), " rate table has no contact person expense level \"",
                     t.contact_person_expense_level_code(), "\""));
  }
  Line fee_line = Share(v1::PAYMENT_LINE_KIND_CONTACT_PERSON_FEE, fee, 1, days, dim);
  fee_line.taxable = true;
  fee_line.description = "Contact person fee (arvode)";
  Line allowance = Share(
      v1::PAYMENT_LINE_KIND_CONTACT_PERSON_EXPENSE_ALLOWANCE,
      static_cast<Wide>(table.prisbasbelopp().amount_ore()) * expense->per_year().basis_points(),
      kYearlyBpPerMonth, days, dim);
  allowance.description = "Contact person expense allowance (omkostnadsersättning)";
  return std::vector<Line>{fee_line, allowance};
}

}  // namespace

bool IsContactPerson(fhv::common::v1::AssignmentKind kind) {
  return kind == fhv::common::v1::ASSIGNMENT_KIND_KONTAKTPERSON_CHILD ||
         kind == fhv::common::v1::ASSIGNMENT_KIND_KONTAKTPERSON_ADULT;
}

absl::StatusOr<std::vector<Line>> MonthLines(const AgreementPeriod& a, const v1::RateTable& table,
                                             absl::CivilMonth month) {
  std::vector<Line> out;
  const absl::CivilDay month_first = FirstDay(month), month_last = LastDay(month);
  const int dim = static_cast<int>(month_last - month_first) + 1;
  const Wide pbb = table.prisbasbelopp().amount_ore();
  for (size_t i = 0; i < a.versions.size(); ++i) {
    const v1::AgreementVersion& v = a.versions[i];
    const auto version_from = DayOf(v.valid_from());
    if (!version_from) return absl::InternalError("an agreement version has no valid_from");
    absl::CivilDay from = std::max({*version_from, a.valid_from, month_first});
    absl::CivilDay to = month_last;
    if (i + 1 < a.versions.size()) {
      if (const auto next = DayOf(a.versions[i + 1].valid_from())) to = std::min(to, *next - 1);
    }
    if (a.valid_to) to = std::min(to, *a.valid_to);
    if (from > to) continue;
    const int days = static_cast<int>(to - from) + 1;
    const v1::AgreementTerms& t = v.terms();
    std::vector<Line> lines;
    if (IsContactPerson(a.kind)) {
      auto person = ContactPersonLines(t, table, days, dim);
      if (!person.ok()) return person.status();
      lines = *std::move(person);
    } else {
      // The fee.
      int64_t fee = t.monthly_fee_ore();
      if (fee == 0) {
        const std::string code = t.fee_level_code().empty() ? "BASE" : t.fee_level_code();
        bool found = false;
        for (const auto& level : table.fee_levels()) {
          if (level.code() == code) {
            fee = level.monthly_fee().amount_ore();
            found = true;
          }
        }
        if (!found) {
          return FailedPrecondition(
              "RATE_TABLE_INCOMPLETE",
              absl::StrCat("the ", table.year(), " rate table has no fee level ", code));
        }
      }
      Line fee_line = Share(v1::PAYMENT_LINE_KIND_FEE, fee, 1, days, dim);
      fee_line.taxable = true;
      fee_line.description = "Fee (arvode)";
      lines.push_back(fee_line);

      // The expense allowance, tax-free up to the band's maximum.
      auto band = BandFor(table, a.child_birth_date, month);
      if (!band.ok()) return band.status();
      const Wide max_num = pbb * band->tax_free_max().basis_points();
      Wide num =
          t.expense_allowance_fixed_monthly_ore() > 0
              ? static_cast<Wide>(t.expense_allowance_fixed_monthly_ore()) * kYearlyBpPerMonth
              : pbb * std::max<Wide>(
                          0, Wide{band->base().basis_points()} + t.expense_allowance_addition_bp());
      const Wide free_num = std::min(num, max_num);
      Line allowance =
          Share(v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE, free_num, kYearlyBpPerMonth, days, dim);
      allowance.age_band = BandName(*band);
      allowance.description = "Expense allowance (omkostnadsersättning)";
      lines.push_back(allowance);
      if (num > free_num) {
        Line above = Share(v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX, num - free_num,
                           kYearlyBpPerMonth, days, dim);
        above.taxable = true;
        above.age_band = BandName(*band);
        above.description = "Expense allowance above the tax-free maximum";
        lines.push_back(above);
      }

      for (const auto& extra : t.extra_allowances()) {
        Line l =
            Share(v1::PAYMENT_LINE_KIND_EXTRA_ALLOWANCE, extra.monthly_amount_ore(), 1, days, dim);
        l.taxable = extra.taxable();
        l.description = "Extra allowance";
        lines.push_back(l);
      }
      if (t.child_allowance_deduction_monthly_ore() > 0) {
        Line l = Share(v1::PAYMENT_LINE_KIND_CHILD_ALLOWANCE_DEDUCTION,
                       -static_cast<Wide>(t.child_allowance_deduction_monthly_ore()), 1, days, dim);
        l.description = "Child allowance paid to the home";
        lines.push_back(l);
      }
    }
    for (Line& l : lines) {
      l.agreement_version = v.version();
      l.period_start = from;
      l.period_end = to;
      out.push_back(std::move(l));
    }
  }
  return out;
}

absl::Status ValidateRateTable(const v1::RateTable& t) {
  Violations v;
  if (t.year() < 2000 || t.year() > 9999) v.Add("rate_table.year", "must be 2000..9999");
  if (t.prisbasbelopp().amount_ore() <= 0) {
    v.Add("rate_table.prisbasbelopp", "must be positive");
  } else if (t.prisbasbelopp().amount_ore() > kMaxPrisbasbeloppOre) {
    v.Add("rate_table.prisbasbelopp", "must be at most 100 000 000 öre");
  }
  auto check_bp_max = [&v](const std::string& field, int32_t bp) {
    if (bp > kMaxBasisPoints) v.Add(field, "must be at most 100000 basis points");
  };
  // Bands from age 0, without gaps or overlaps.
  auto check_bands = [&v](const std::string& field, std::vector<std::pair<int, int>> ranges) {
    if (ranges.empty()) {
      v.Add(field, "must cover ages from 0");
      return;
    }
    std::sort(ranges.begin(), ranges.end());
    int next = 0;
    for (const auto& [lo, hi] : ranges) {
      if (lo != next || hi < lo) {
        v.Add(field, "must cover ages from 0 without gaps or overlaps");
        return;
      }
      next = hi + 1;
    }
  };
  std::vector<std::pair<int, int>> ranges;
  for (int i = 0; i < t.expense_allowance_bands_size(); ++i) {
    const auto& b = t.expense_allowance_bands(i);
    ranges.emplace_back(b.min_age_years(), b.max_age_years());
    const std::string f = absl::StrCat("rate_table.expense_allowance_bands[", i, "]");
    if (b.base().basis_points() < 0) v.Add(f + ".base", "must not be negative");
    if (b.tax_free_max().basis_points() < b.base().basis_points()) {
      v.Add(f + ".tax_free_max", "must not be below the base");
    }
    check_bp_max(f + ".tax_free_max", b.tax_free_max().basis_points());
  }
  check_bands("rate_table.expense_allowance_bands", ranges);
  ranges.clear();
  for (int i = 0; i < t.contact_family_bands_size(); ++i) {
    const auto& b = t.contact_family_bands(i);
    ranges.emplace_back(b.min_age_years(), b.max_age_years());
    const std::string f = absl::StrCat("rate_table.contact_family_bands[", i, "]");
    if (b.expense_allowance_min().basis_points() < 0 || b.fee_per_day().amount_ore() < 0) {
      v.Add(f, "must not hold negative figures");
    }
    if (b.expense_allowance_max().basis_points() < b.expense_allowance_min().basis_points()) {
      v.Add(f + ".expense_allowance_max", "must not be below the minimum");
    }
    check_bp_max(f + ".expense_allowance_max", b.expense_allowance_max().basis_points());
  }
  if (t.contact_family_bands_size() > 0) check_bands("rate_table.contact_family_bands", ranges);
  int base_levels = 0;
  for (int i = 0; i < t.fee_levels_size(); ++i) {
    const auto& level = t.fee_levels(i);
    base_levels += level.code() == "BASE";
    if (level.code().empty())
      v.Add(absl::StrCat("rate_table.fee_levels[", i, "].code"), "is required");
    if (level.monthly_fee().amount_ore() < 0) {
      v.Add(absl::StrCat("rate_table.fee_levels[", i, "].monthly_fee"), "must not be negative");
    }
  }
  if (base_levels != 1) v.Add("rate_table.fee_levels", "must have exactly one level BASE");
  for (int i = 0; i < t.contact_person_fee_levels_size(); ++i) {
    if (t.contact_person_fee_levels(i).monthly_fee().amount_ore() < 0) {
      v.Add(absl::StrCat("rate_table.contact_person_fee_levels[", i, "].monthly_fee"),
            "must not be negative");
    }
  }
  for (int i = 0; i < t.contact_person_expense_levels_size(); ++i) {
    const std::string f =
        absl::StrCat("rate_table.contact_person_expense_levels[", i, "].per_year");
    if (t.contact_person_expense_levels(i).per_year().basis_points() < 0) {
      v.Add(f, "must not be negative");
    }
    check_bp_max(f, t.contact_person_expense_levels(i).per_year().basis_points());
  }
  if (t.mileage_rate_per_km().amount_ore() < 0) {
    v.Add("rate_table.mileage_rate_per_km", "must not be negative");
  }
  if (t.contact_family_holiday_fee_multiplier().basis_points() < 0) {
    v.Add("rate_table.contact_family_holiday_fee_multiplier", "must not be negative");
  }
  check_bp_max("rate_table.contact_family_holiday_fee_multiplier",
               t.contact_family_holiday_fee_multiplier().basis_points());
  return v.ToStatus();
}

absl::StatusOr<absl::CivilMonth> MonthOf(const v1::YearMonth& m, const std::string& field) {
  if (m.year() < 2000 || m.year() > 9999 || m.month() < 1 || m.month() > 12) {
    Violations v;
    v.Add(field, "must be a month: year 2000..9999, month 1..12");
    return v.ToStatus();
  }
  return absl::CivilMonth(m.year(), m.month());
}

std::optional<absl::CivilMonth> OptionalMonth(Violations& v, bool present, const v1::YearMonth& m,
                                              const std::string& field) {
  if (!present) return std::nullopt;
  auto month = MonthOf(m, field);
  if (month.ok()) return *month;
  v.Check(field, month.status());
  return std::nullopt;
}

}  // namespace fhv::payments
