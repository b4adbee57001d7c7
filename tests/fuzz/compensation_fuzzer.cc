// Fuzzes the payment calculator's pure rules (services/payments/src/domain/compensation.h): a rate
// table, an agreement and a month built from the input, plus RoundedShare and MonthOf.
//
// Properties:
// - ValidateRateTable never crashes and returns OK or INVALID_ARGUMENT with 1..20 violations of
//   rate_table fields; it accepts every table built by its documented rules and refuses each
//   documented violation (pbb not in 1..100 000 000 öre, no band, not exactly one BASE, negative
//   figures, a maximum below its base or above 100000 basis points, a year outside 2000..9999).
// - BandFor returns a band of the table holding the child's age (or the highest band, for older
//   children) or FAILED_PRECONDITION RATE_TABLE_INCOMPLETE; for a valid table it always finds one.
// - MonthLines returns lines, FAILED_PRECONDITION RATE_TABLE_INCOMPLETE or, only when a version
//   has no valid_from, INTERNAL. For a valid table and terms within ValidateTerms' ranges:
//   it succeeds whenever the table has what the terms name; each line lies in the month with
//   days_covered matching its period; the versions' periods are disjoint and cover exactly the
//   days in force; each version has its fee and allowance lines (and an extra allowance line per
//   allowance, a deduction iff there is one); amounts are non-negative (the deduction
//   non-positive), never more than the whole month's rate, within rounding of rate × days / days
//   in month and equal to it for a whole month; the fee is the terms' or the level's; the expense
//   allowance splits at the band's tax-free maximum and its parts add up to the agreed allowance;
//   taxable flags are as documented.
// - RoundedShare(a, n, d) is a × n / d rounded half away from zero whenever that fits in int64.
// - MonthOf accepts exactly the months of 2000..9999.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/util/dates.h"
#include "common/util/status.h"
#include "services/payments/src/domain/compensation.h"
#include "tests/fuzz/fuzz_input.h"

namespace fhv::fuzz {
namespace {

namespace v1 = ::fhv::payments::v1;
using Wide = __int128;
using payments::AgreementPeriod;
using payments::Line;

constexpr int64_t kYearlyBpPerMonth = 120000;  // pbb × bp / 10000 / 12
// ValidateTerms' limits (services/payments/src/domain/agreement.cc).
constexpr int64_t kMaxMonthlyFee = 20'000'000;
constexpr int64_t kMaxMonthlyAllowance = 5'000'000;
// ValidateRateTable's limits (compensation.h).
constexpr int64_t kMaxPrisbasbeloppOre = 100'000'000;
constexpr int32_t kMaxBasisPoints = 100'000;

Wide Abs(Wide x) { return x < 0 ? -x : x; }

// What the input asks for, kept for the checks.
struct Input {
  v1::RateTable table;
  bool table_valid_by_construction = false;
  AgreementPeriod agreement;
  absl::CivilMonth month;
  bool terms_in_range = true;  // every version's terms within ValidateTerms' ranges
  bool all_have_from = true;   // every version has a valid_from
};

// ---- building the input ----

class Builder {
 public:
  explicit Builder(Reader& in) : in_(in) {}

  // Figures: realistic, or anywhere ValidateRateTable allows (`huge_` and `valid_`), or anywhere
  // in the type's range (`huge_`); never negative if `valid_`.
  int64_t Ore() {
    if (huge_)
      return in_.Int<int64_t>(valid_ ? 0 : std::numeric_limits<int64_t>::min(),
                              std::numeric_limits<int64_t>::max());
    return in_.Int<int64_t>(valid_ ? 0 : -1000, 20'000'000);
  }
  int32_t Bp() {
    if (huge_ && valid_) return in_.Int<int32_t>(0, kMaxBasisPoints);
    if (huge_) return in_.Int<int32_t>();
    return in_.Int<int32_t>(valid_ ? 0 : -100, 30'000);
  }
  // A maximum not below `min` (valid_) or any figure.
  int32_t BpFrom(int32_t min) {
    if (!valid_) return Bp();
    return min +
           in_.Int<int32_t>(0, std::min(kMaxBasisPoints - min, huge_ ? kMaxBasisPoints : 10'000));
  }
  std::string Code(std::initializer_list<const char*> codes) {
    const size_t i = in_.Int<uint8_t>(0, static_cast<uint8_t>(codes.size()));
    if (i == codes.size()) return in_.String(8);
    return *(codes.begin() + i);
  }
  // Age bands: from 0 without gaps when valid, in any order; anything otherwise.
  std::vector<std::pair<int, int>> Ranges(int min_count) {
    std::vector<std::pair<int, int>> ranges(in_.Int<uint8_t>(min_count, 4));
    int next = 0;
    for (auto& [lo, hi] : ranges) {
      if (valid_) {
        lo = next;
        hi = lo + in_.Int<int32_t>(0, 25);
        next = hi + 1;
      } else {
        lo = in_.Int<int32_t>(-3, 30);
        hi = in_.Int<int32_t>(-3, 30);
      }
    }
    if (!ranges.empty()) {
      std::rotate(ranges.begin(), ranges.begin() + in_.Int<uint8_t>(0, 3) % ranges.size(),
                  ranges.end());
    }
    return ranges;
  }

  v1::RateTable Table() {
    valid_ = in_.Bool();
    huge_ = in_.Bool();
    v1::RateTable t;
    t.set_year(valid_ ? in_.Int<int32_t>(2000, 2100) : in_.Int<int32_t>(1990, 10010));
    t.mutable_prisbasbelopp()->set_amount_ore(
        valid_ ? in_.Int<int64_t>(1, huge_ ? kMaxPrisbasbeloppOre : 20'000'000) : Ore());
    for (const auto& [lo, hi] : Ranges(valid_ ? 1 : 0)) {
      auto* b = t.add_expense_allowance_bands();
      b->set_min_age_years(lo);
      b->set_max_age_years(hi);
      b->mutable_base()->set_basis_points(Bp());
      b->mutable_tax_free_max()->set_basis_points(BpFrom(b->base().basis_points()));
    }
    if (valid_) {
      // One BASE level and distinct other codes.
      const std::vector<std::string> codes = {"BASE", "RAISED_1", "RAISED_2", "RAISED_3"};
      const size_t n = in_.Int<uint8_t>(1, 4);
      for (size_t i = 0; i < n; ++i) {
        auto* level = t.add_fee_levels();
        level->set_code(codes[i]);
        level->mutable_monthly_fee()->set_amount_ore(Ore());
      }
    } else {
      for (int i = in_.Int<uint8_t>(0, 4); i > 0; --i) {
        auto* level = t.add_fee_levels();
        level->set_code(Code({"BASE", "RAISED_1", ""}));
        level->mutable_monthly_fee()->set_amount_ore(Ore());
      }
    }
    if (in_.Bool()) {
      for (const auto& [lo, hi] : Ranges(1)) {
        auto* b = t.add_contact_family_bands();
        b->set_min_age_years(lo);
        b->set_max_age_years(hi);
        b->mutable_expense_allowance_min()->set_basis_points(Bp());
        b->mutable_expense_allowance_max()->set_basis_points(
            BpFrom(b->expense_allowance_min().basis_points()));
        b->mutable_fee_per_day()->set_amount_ore(Ore());
      }
    }
    const std::vector<std::string> fee_codes = {"MEETS_1_2_PER_MONTH", "WEEKLY"};
    for (int i = in_.Int<uint8_t>(0, 2); i > 0; --i) {
      auto* level = t.add_contact_person_fee_levels();
      level->set_code(fee_codes[i - 1]);
      level->mutable_monthly_fee()->set_amount_ore(Ore());
    }
    const std::vector<std::string> expense_codes = {"LOW", "MEDIUM", "HIGH"};
    for (int i = in_.Int<uint8_t>(0, 3); i > 0; --i) {
      auto* level = t.add_contact_person_expense_levels();
      level->set_code(expense_codes[i - 1]);
      level->mutable_per_year()->set_basis_points(Bp());
    }
    t.mutable_mileage_rate_per_km()->set_amount_ore(Ore());
    t.mutable_contact_family_holiday_fee_multiplier()->set_basis_points(Bp());
    return t;
  }

  int64_t MaybeZero(int64_t lo, int64_t hi, bool in_range) {
    if (in_.Bool()) return 0;
    return in_range ? in_.Int<int64_t>(lo, hi) : in_.Int<int64_t>();
  }

  v1::AgreementTerms Terms(bool in_range) {
    v1::AgreementTerms t;
    t.set_fee_level_code(Code({"", "BASE", "RAISED_1", "RAISED_3", "MISSING"}));
    t.set_monthly_fee_ore(MaybeZero(0, kMaxMonthlyFee, in_range));
    t.set_expense_allowance_addition_bp(in_.Bool() ? 0
                                        : in_range ? in_.Int<int32_t>(-20000, 20000)
                                                   : in_.Int<int32_t>());
    t.set_expense_allowance_fixed_monthly_ore(MaybeZero(0, kMaxMonthlyAllowance, in_range));
    t.set_child_allowance_deduction_monthly_ore(MaybeZero(0, kMaxMonthlyAllowance, in_range));
    for (int i = in_.Int<uint8_t>(0, in_range ? 3 : 12); i > 0; --i) {
      auto* extra = t.add_extra_allowances();
      extra->set_reason("fuzz");
      extra->set_monthly_amount_ore(in_range ? in_.Int<int64_t>(1, kMaxMonthlyAllowance)
                                             : in_.Int<int64_t>());
      extra->set_taxable(in_.Bool());
    }
    t.set_contact_person_fee_level_code(Code({"MEETS_1_2_PER_MONTH", "WEEKLY", "NOPE"}));
    t.set_contact_person_expense_level_code(Code({"LOW", "MEDIUM", "HIGH", "NOPE"}));
    return t;
  }

  Input Build() {
    Input x;
    x.table = Table();
    x.table_valid_by_construction = valid_;
    x.month = absl::CivilMonth(in_.Int<int32_t>(2000, 2100), in_.Int<uint8_t>(1, 12));
    const absl::CivilDay first(x.month);
    AgreementPeriod& a = x.agreement;
    a.kind = static_cast<fhv::common::v1::AssignmentKind>(in_.Int<uint8_t>(0, 5));
    a.valid_from = first + in_.Int<int32_t>(-400, 400);
    if (in_.Bool()) a.valid_to = a.valid_from + in_.Int<int32_t>(-3, 800);
    a.child_birth_date = first - in_.Int<int32_t>(-400, 30 * 366);
    absl::CivilDay from = a.valid_from + in_.Int<int32_t>(-40, 40);
    for (int n = in_.Int<uint8_t>(0, 4), i = 0; i < n; ++i) {
      v1::AgreementVersion v;
      v.set_version(i + 1);
      if (in_.Int<uint8_t>(0, 31) == 0) {
        x.all_have_from = false;  // valid_from left unset
      } else {
        *v.mutable_valid_from() = ToDate(from);
      }
      const bool in_range = !in_.Bool() || !in_.Bool();  // mostly
      x.terms_in_range = x.terms_in_range && in_range;
      *v.mutable_terms() = Terms(in_range);
      a.versions.push_back(std::move(v));
      from += in_.Int<int32_t>(1, 60);
    }
    return x;
  }

 private:
  Reader& in_;
  bool valid_ = false;
  bool huge_ = false;
};

// ---- checks ----

std::string Describe(const Input& x) {
  std::string out =
      absl::StrCat("month ", absl::FormatCivilTime(x.month), " kind ", x.agreement.kind, " from ",
                   absl::FormatCivilTime(x.agreement.valid_from), " to ",
                   x.agreement.valid_to ? absl::FormatCivilTime(*x.agreement.valid_to) : "open",
                   " born ", absl::FormatCivilTime(x.agreement.child_birth_date), "\n  table ",
                   x.table.ShortDebugString());
  for (const auto& v : x.agreement.versions)
    absl::StrAppend(&out, "\n  version ", v.ShortDebugString());
  return out;
}

void CheckValidateRateTable(const Input& x) {
  const v1::RateTable& t = x.table;
  const absl::Status status = payments::ValidateRateTable(t);
  const std::string context = absl::StrCat(status.ToString(), "\n  table ", t.ShortDebugString());
  if (x.table_valid_by_construction) FHV_FUZZ_CHECK(status.ok(), context);
  int base_levels = 0;
  bool negative = t.prisbasbelopp().amount_ore() <= 0 ||
                  t.prisbasbelopp().amount_ore() > kMaxPrisbasbeloppOre || t.year() < 2000 ||
                  t.year() > 9999 || t.expense_allowance_bands().empty() ||
                  t.contact_family_holiday_fee_multiplier().basis_points() > kMaxBasisPoints;
  for (const auto& l : t.fee_levels()) {
    base_levels += l.code() == "BASE";
    negative = negative || l.monthly_fee().amount_ore() < 0;
  }
  for (const auto& b : t.expense_allowance_bands()) {
    negative = negative || b.base().basis_points() < 0 ||
               b.tax_free_max().basis_points() < b.base().basis_points() ||
               b.tax_free_max().basis_points() > kMaxBasisPoints;
  }
  for (const auto& l : t.contact_person_expense_levels()) {
    negative = negative || l.per_year().basis_points() < 0 ||
               l.per_year().basis_points() > kMaxBasisPoints;
  }
  if (negative || base_levels != 1) FHV_FUZZ_CHECK(!status.ok(), context);
  if (status.ok()) return;
  FHV_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument, context);
  const std::vector<FieldViolation> violations = GetViolations(status);
  FHV_FUZZ_CHECK(!violations.empty() && violations.size() <= Violations::kMaxListedViolations,
                 context);
  for (const auto& v : violations) {
    FHV_FUZZ_CHECK(v.field.rfind("rate_table.", 0) == 0 && !v.description.empty(), context);
  }
}

int AgeOn(absl::CivilDay birth, absl::CivilDay day) {
  const bool before_birthday =
      std::make_pair(day.month(), day.day()) < std::make_pair(birth.month(), birth.day());
  return static_cast<int>(day.year() - birth.year()) - (before_birthday ? 1 : 0);
}

// Returns the band BandFor gives, after checking it.
std::optional<v1::ExpenseAllowanceBand> CheckBandFor(const Input& x, bool table_ok) {
  auto band = payments::BandFor(x.table, x.agreement.child_birth_date, x.month);
  const std::string context = absl::StrCat(
      band.ok() ? band->ShortDebugString() : band.status().ToString(), "\n  ", Describe(x));
  if (table_ok) FHV_FUZZ_CHECK(band.ok(), context);
  if (!band.ok()) {
    FHV_FUZZ_CHECK(band.status().code() == absl::StatusCode::kFailedPrecondition &&
                       GetReason(band.status()) == "RATE_TABLE_INCOMPLETE",
                   context);
    return std::nullopt;
  }
  const int age = std::max(0, AgeOn(x.agreement.child_birth_date, absl::CivilDay(x.month) - 1));
  bool in_table = false;
  int highest_min = std::numeric_limits<int>::min();
  for (const auto& b : x.table.expense_allowance_bands()) {
    in_table = in_table || b.SerializeAsString() == band->SerializeAsString();
    highest_min = std::max(highest_min, b.min_age_years());
  }
  FHV_FUZZ_CHECK(in_table, context);
  FHV_FUZZ_CHECK((band->min_age_years() <= age && age <= band->max_age_years()) ||
                     (age > band->max_age_years() && band->min_age_years() == highest_min),
                 absl::StrCat("age ", age, ": ", context));
  return *band;
}

// The fee level's amount, or nullopt if the table lacks `code`.
template <typename Levels>
std::optional<int64_t> LevelFee(const Levels& levels, const std::string& code) {
  for (const auto& l : levels) {
    if (l.code() == code) return l.monthly_fee().amount_ore();
  }
  return std::nullopt;
}

std::optional<int32_t> ExpenseLevel(const v1::RateTable& t, const std::string& code) {
  for (const auto& l : t.contact_person_expense_levels()) {
    if (l.code() == code) return l.per_year().basis_points();
  }
  return std::nullopt;
}

// |full × 120000 − num| <= 60000: `full` is num / 120000 rounded.
bool RoundedFrom(int64_t full, Wide num, Wide den) {
  return Abs(Wide{full} * den - num) * 2 <= den;
}

void CheckMonthLines(const Input& x, bool table_ok,
                     const std::optional<v1::ExpenseAllowanceBand>& band) {
  const AgreementPeriod& a = x.agreement;
  auto lines = payments::MonthLines(a, x.table, x.month);
  const std::string context =
      absl::StrCat(lines.ok() ? absl::StrCat(lines->size(), " lines") : lines.status().ToString(),
                   "\n  ", Describe(x));
  if (!lines.ok()) {
    const absl::StatusCode code = lines.status().code();
    FHV_FUZZ_CHECK((code == absl::StatusCode::kFailedPrecondition &&
                    GetReason(lines.status()) == "RATE_TABLE_INCOMPLETE") ||
                       (code == absl::StatusCode::kInternal && !x.all_have_from),
                   context);
  }
  if (!table_ok || !x.terms_in_range || !x.all_have_from) return;

  // What the table must hold for the terms.
  const bool contact_person = payments::IsContactPerson(a.kind);
  bool resolvable = true;
  for (const auto& v : a.versions) {
    const v1::AgreementTerms& t = v.terms();
    if (contact_person) {
      resolvable = resolvable && ExpenseLevel(x.table, t.contact_person_expense_level_code()) &&
                   (t.monthly_fee_ore() > 0 || LevelFee(x.table.contact_person_fee_levels(),
                                                        t.contact_person_fee_level_code()));
    } else {
      const std::string code = t.fee_level_code().empty() ? "BASE" : t.fee_level_code();
      resolvable = resolvable && (t.monthly_fee_ore() > 0 || LevelFee(x.table.fee_levels(), code));
    }
  }
  if (resolvable) FHV_FUZZ_CHECK(lines.ok(), context);
  if (!lines.ok()) return;

  const absl::CivilDay first(x.month);
  const absl::CivilDay last = absl::CivilDay(x.month + 1) - 1;
  const int dim = static_cast<int>(last - first) + 1;
  const Wide pbb = x.table.prisbasbelopp().amount_ore();

  // The days in force in the month.
  int want_days = 0;
  if (!a.versions.empty()) {
    absl::CivilDay from = std::max({a.valid_from, *DayOf(a.versions[0].valid_from()), first});
    absl::CivilDay to = a.valid_to ? std::min(*a.valid_to, last) : last;
    want_days = from <= to ? static_cast<int>(to - from) + 1 : 0;
  }

  struct PerVersion {
    absl::CivilDay start, end;
    std::map<v1::PaymentLineKind, int> count;
    std::map<v1::PaymentLineKind, int64_t> full;
    std::string band;
  };
  std::map<int, PerVersion> versions;
  for (const Line& l : *lines) {
    const std::string lc = absl::StrCat("line kind ", l.kind, " version ", l.agreement_version, " ",
                                        absl::FormatCivilTime(l.period_start), "..",
                                        absl::FormatCivilTime(l.period_end), " days ",
                                        l.days_covered, "/", l.days_in_month, " full ",
                                        l.full_rate_ore, " amount ", l.amount_ore, "; ", context);
    FHV_FUZZ_CHECK(
        first <= l.period_start && l.period_start <= l.period_end && l.period_end <= last, lc);
    FHV_FUZZ_CHECK(l.days_covered == static_cast<int>(l.period_end - l.period_start) + 1 &&
                       l.days_in_month == dim,
                   lc);
    // Pro rata within rounding: amount ≈ full × days / dim, each rounded once.
    FHV_FUZZ_CHECK(Abs(Wide{l.amount_ore} * dim - Wide{l.full_rate_ore} * l.days_covered) <= dim,
                   lc);
    FHV_FUZZ_CHECK(Abs(l.amount_ore) <= Abs(l.full_rate_ore), lc);
    if (l.days_covered == dim) FHV_FUZZ_CHECK(l.amount_ore == l.full_rate_ore, lc);
    if (l.kind == v1::PAYMENT_LINE_KIND_CHILD_ALLOWANCE_DEDUCTION) {
      FHV_FUZZ_CHECK(l.amount_ore <= 0 && !l.taxable, lc);
    } else {
      FHV_FUZZ_CHECK(l.amount_ore >= 0 && l.full_rate_ore >= 0, lc);
    }
    switch (l.kind) {
      case v1::PAYMENT_LINE_KIND_FEE:
      case v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX:
      case v1::PAYMENT_LINE_KIND_CONTACT_PERSON_FEE:
        FHV_FUZZ_CHECK(l.taxable, lc);
        break;
      case v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE:
      case v1::PAYMENT_LINE_KIND_CONTACT_PERSON_EXPENSE_ALLOWANCE:
        FHV_FUZZ_CHECK(!l.taxable, lc);
        break;
      default:
        break;
    }
    auto [it, added] = versions.try_emplace(l.agreement_version);
    PerVersion& pv = it->second;
    if (added) {
      pv.start = l.period_start;
      pv.end = l.period_end;
    }
    FHV_FUZZ_CHECK(pv.start == l.period_start && pv.end == l.period_end, lc);
    ++pv.count[l.kind];
    pv.full[l.kind] += l.full_rate_ore;
    if (l.kind == v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE) pv.band = l.age_band;
  }

  // Disjoint periods covering exactly the days in force.
  int days = 0;
  std::optional<absl::CivilDay> previous_end;
  for (const auto& [number, pv] : versions) {
    if (previous_end) FHV_FUZZ_CHECK(*previous_end < pv.start, context);
    previous_end = pv.end;
    days += static_cast<int>(pv.end - pv.start) + 1;
  }
  FHV_FUZZ_CHECK(days == want_days,
                 absl::StrCat(days, " days paid, ", want_days, " in force; ", context));

  for (const auto& entry : versions) {
    const int number = entry.first;
    const PerVersion& pv = entry.second;  // (clang 14 cannot capture a structured binding)
    FHV_FUZZ_CHECK(number >= 1 && number <= static_cast<int>(a.versions.size()), context);
    const v1::AgreementTerms& t = a.versions[number - 1].terms();
    const auto count = [&](v1::PaymentLineKind k) {
      auto it = pv.count.find(k);
      return it == pv.count.end() ? 0 : it->second;
    };
    const auto full = [&](v1::PaymentLineKind k) {
      auto it = pv.full.find(k);
      return it == pv.full.end() ? int64_t{0} : it->second;
    };
    const std::string vc = absl::StrCat("version ", number, "; ", context);
    if (contact_person) {
      FHV_FUZZ_CHECK(count(v1::PAYMENT_LINE_KIND_CONTACT_PERSON_FEE) == 1 &&
                         count(v1::PAYMENT_LINE_KIND_CONTACT_PERSON_EXPENSE_ALLOWANCE) == 1 &&
                         pv.count.size() == 2,
                     vc);
      const int64_t fee = t.monthly_fee_ore() > 0 ? t.monthly_fee_ore()
                                                  : *LevelFee(x.table.contact_person_fee_levels(),
                                                              t.contact_person_fee_level_code());
      FHV_FUZZ_CHECK(full(v1::PAYMENT_LINE_KIND_CONTACT_PERSON_FEE) == fee, vc);
      const Wide num = pbb * *ExpenseLevel(x.table, t.contact_person_expense_level_code());
      FHV_FUZZ_CHECK(RoundedFrom(full(v1::PAYMENT_LINE_KIND_CONTACT_PERSON_EXPENSE_ALLOWANCE), num,
                                 kYearlyBpPerMonth),
                     vc);
      continue;
    }
    FHV_FUZZ_CHECK(count(v1::PAYMENT_LINE_KIND_FEE) == 1 &&
                       count(v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE) == 1 &&
                       count(v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX) <= 1 &&
                       count(v1::PAYMENT_LINE_KIND_EXTRA_ALLOWANCE) == t.extra_allowances_size() &&
                       count(v1::PAYMENT_LINE_KIND_CHILD_ALLOWANCE_DEDUCTION) ==
                           (t.child_allowance_deduction_monthly_ore() > 0 ? 1 : 0),
                   vc);
    const int64_t fee = t.monthly_fee_ore() > 0
                            ? t.monthly_fee_ore()
                            : *LevelFee(x.table.fee_levels(),
                                        t.fee_level_code().empty() ? "BASE" : t.fee_level_code());
    FHV_FUZZ_CHECK(full(v1::PAYMENT_LINE_KIND_FEE) == fee, vc);
    int64_t extras = 0;
    for (const auto& e : t.extra_allowances()) extras += e.monthly_amount_ore();
    FHV_FUZZ_CHECK(full(v1::PAYMENT_LINE_KIND_EXTRA_ALLOWANCE) == extras, vc);
    FHV_FUZZ_CHECK(full(v1::PAYMENT_LINE_KIND_CHILD_ALLOWANCE_DEDUCTION) ==
                       -t.child_allowance_deduction_monthly_ore(),
                   vc);

    // The expense allowance: split at the band's tax-free maximum, the parts adding up to the
    // agreed allowance (each part rounded once).
    FHV_FUZZ_CHECK(band.has_value(), vc);
    FHV_FUZZ_CHECK(pv.band == absl::StrCat(band->min_age_years(), "-", band->max_age_years()), vc);
    const Wide agreed = t.expense_allowance_fixed_monthly_ore() > 0
                            ? Wide{t.expense_allowance_fixed_monthly_ore()} * kYearlyBpPerMonth
                            : pbb * std::max<Wide>(0, Wide{band->base().basis_points()} +
                                                          t.expense_allowance_addition_bp());
    const Wide max = pbb * band->tax_free_max().basis_points();
    const int64_t free = full(v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE);
    const int64_t above = full(v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX);
    FHV_FUZZ_CHECK(RoundedFrom(free, std::min(agreed, max), kYearlyBpPerMonth), vc);
    FHV_FUZZ_CHECK(count(v1::PAYMENT_LINE_KIND_EXPENSE_ALLOWANCE_ABOVE_MAX) == (agreed > max), vc);
    if (agreed > max) FHV_FUZZ_CHECK(RoundedFrom(above, agreed - max, kYearlyBpPerMonth), vc);
  }
}

void CheckRoundedShare(Reader& in) {
  const int64_t amount = in.Int<int64_t>();
  const int64_t numerator = in.Int<int64_t>();
  const int64_t denominator = in.Int<int64_t>(1, std::numeric_limits<int64_t>::max());
  const Wide product = Wide{amount} * numerator;
  // The exact quotient rounded half away from zero, when it fits.
  Wide q = product / denominator;
  const Wide r = product % denominator;
  if (Abs(r) * 2 >= denominator) q += product < 0 ? -1 : 1;
  if (q < std::numeric_limits<int64_t>::min() || q > std::numeric_limits<int64_t>::max()) return;
  const int64_t got = payments::RoundedShare(amount, numerator, denominator);
  const std::string context =
      absl::StrCat(amount, " × ", numerator, " / ", denominator, " = ", got);
  FHV_FUZZ_CHECK(Abs(Wide{got} * denominator - product) * 2 <= denominator, context);
  FHV_FUZZ_CHECK(got == q, context);
}

void CheckMonthOf(Reader& in) {
  v1::YearMonth m;
  m.set_year(in.Int<int32_t>());
  m.set_month(in.Int<int32_t>());
  auto month = payments::MonthOf(m, "month");
  const bool want = m.year() >= 2000 && m.year() <= 9999 && m.month() >= 1 && m.month() <= 12;
  const std::string context = m.ShortDebugString();
  FHV_FUZZ_CHECK(month.ok() == want, context);
  if (month.ok()) {
    FHV_FUZZ_CHECK(month->year() == m.year() && month->month() == m.month(), context);
  } else {
    FHV_FUZZ_CHECK(month.status().code() == absl::StatusCode::kInvalidArgument &&
                       GetViolations(month.status()).size() == 1 &&
                       GetViolations(month.status())[0].field == "month",
                   context);
  }
}

// ---- seeds ----

// A valid table and a foster home's agreement of one version, as SKR's 2023 figures.
Writer Typical(bool huge, uint8_t kind, int32_t birth_days_before) {
  Writer w;
  w.Bool(true).Bool(huge).Int<int32_t>(2023, 2000).Int<int64_t>(5'250'000, 1);
  // Two bands, 0-12 and 13-19, 110/155 % and 125/175 %.
  w.Int<uint8_t>(2, 1).Int<int32_t>(12, 0).Int<int32_t>(6, 0).Int<uint8_t>(0, 0);
  w.Int<int32_t>(11000, 0).Int<int32_t>(4500, 0).Int<int32_t>(12500, 0).Int<int32_t>(5000, 0);
  // BASE and RAISED_1.
  w.Int<uint8_t>(2, 1).Int<int64_t>(1'123'700, 0).Int<int64_t>(1'313'200, 0);
  w.Bool(false);  // no contact family bands
  w.Int<uint8_t>(1, 0).Int<int64_t>(120'000, 0);
  w.Int<uint8_t>(2, 0).Int<int32_t>(2500, 0).Int<int32_t>(1000, 0);  // MEDIUM, LOW
  w.Int<int64_t>(250, 0).Int<int32_t>(20000, 0);
  // January 2023, from 15 December 2022, open-ended.
  w.Int<int32_t>(2023, 2000).Int<uint8_t>(1, 1).Int<uint8_t>(kind, 0).Int<int32_t>(-17, -400);
  w.Bool(false).Int<int32_t>(birth_days_before, -400).Int<int32_t>(0, -40);
  return w;
}

void TypicalTerms(Writer& w, int64_t fee, int64_t fixed, int64_t deduction, int extras) {
  w.Int<uint8_t>(1, 0);  // has valid_from
  w.Bool(false);         // in range
  w.Int<uint8_t>(0, 0);  // fee level ""
  if (fee == 0) {
    w.Bool(true);
  } else {
    w.Bool(false).Int<int64_t>(fee, 0);
  }
  w.Bool(true);  // no addition
  if (fixed == 0) {
    w.Bool(true);
  } else {
    w.Bool(false).Int<int64_t>(fixed, 0);
  }
  if (deduction == 0) {
    w.Bool(true);
  } else {
    w.Bool(false).Int<int64_t>(deduction, 0);
  }
  w.Int<uint8_t>(static_cast<uint8_t>(extras), 0);
  for (int i = 0; i < extras; ++i) w.Int<int64_t>(100'000, 1).Bool(i % 2 == 0);
  w.Int<uint8_t>(0, 0).Int<uint8_t>(1, 0);  // MEETS_1_2_PER_MONTH, MEDIUM
}

std::vector<std::pair<std::string, std::string>> Seeds() {
  std::vector<std::pair<std::string, std::string>> seeds;
  const auto add = [&](std::string name, const Writer& body) {
    seeds.emplace_back("lines-" + name, std::string(1, '\0') + body.bytes());
  };
  {
    Writer w = Typical(false, 1, 5 * 365);
    w.Int<uint8_t>(1, 0);
    TypicalTerms(w, 0, 0, 0, 0);
    add("foster-base", w);
  }
  {
    Writer w = Typical(false, 2, 13 * 365 + 20);
    w.Int<uint8_t>(2, 0);
    TypicalTerms(w, 0, 0, 125'000, 2);
    w.Int<int32_t>(27, 1);  // version 2 from 11 January 2023
    TypicalTerms(w, 1'500'000, 900'000, 0, 1);
    add("emergency-two-versions", w);
  }
  {
    Writer w = Typical(false, 4, 10 * 365);
    w.Int<uint8_t>(1, 0);
    TypicalTerms(w, 300'000, 0, 0, 0);
    add("contact-person", w);
  }
  {
    Writer w = Typical(true, 1, 2 * 365);
    w.Int<uint8_t>(1, 0);
    TypicalTerms(w, 0, 5'000'000, 0, 3);
    add("huge-fixed-allowance", w);
  }
  seeds.emplace_back(
      "rounded-share",
      Writer().Int<uint8_t>(1).Int<int64_t>(-5).Int<int64_t>(1).Int<int64_t>(2, 1).bytes());
  seeds.emplace_back("month-of",
                     Writer().Int<uint8_t>(2).Int<int32_t>(2024).Int<int32_t>(2).bytes());
  return seeds;
}

}  // namespace
}  // namespace fhv::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fhv::fuzz::MaybeWriteSeeds(*argc, *argv, fhv::fuzz::Seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fhv::fuzz::Reader in(data, size);
  switch (in.Int<uint8_t>(0, 2)) {
    case 0: {
      const fhv::fuzz::Input x = fhv::fuzz::Builder(in).Build();
      fhv::fuzz::CheckValidateRateTable(x);
      const bool table_ok = fhv::payments::ValidateRateTable(x.table).ok();
      const auto band = fhv::fuzz::CheckBandFor(x, table_ok);
      fhv::fuzz::CheckMonthLines(x, table_ok, band);
      break;
    }
    case 1:
      fhv::fuzz::CheckRoundedShare(in);
      break;
    default:
      fhv::fuzz::CheckMonthOf(in);
      break;
  }
  return 0;
}
