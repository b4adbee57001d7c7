#include "services/payments/src/domain/agreement.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/status.h"
#include "common/validation/request.h"

namespace fhv::payments {
namespace {

namespace pl = ::fhv::placement::v1;

constexpr int64_t kMaxMonthlyFee = 20'000'000;
constexpr int64_t kMaxMonthlyAllowance = 5'000'000;
constexpr int64_t kMaxDailyRate = 2'000'000;

bool InForce(const v1::AgreementVersion& v) { return v.superseded_by_version() == 0; }

// A contact person's terms name the expense level, and the fee as an amount or a level.
void CheckContactPersonTerms(Violations& v, fhv::common::v1::AssignmentKind kind,
                             const v1::AgreementTerms& t) {
  if (!IsContactPerson(kind)) return;
  if (t.contact_person_expense_level_code().empty()) {
    v.Add("terms.contact_person_expense_level_code", "is required for a contact person");
  }
  if (t.monthly_fee_ore() == 0 && t.contact_person_fee_level_code().empty()) {
    v.Add("terms.monthly_fee_ore", "or contact_person_fee_level_code is required");
  }
}

}  // namespace

v1::Agreement FromPlacement(const pl::PlacementStartedEvent& e, const std::string& agreement_id,
                            absl::Time now) {
  v1::Agreement a;
  a.set_agreement_id(agreement_id);
  a.set_source(v1::AGREEMENT_SOURCE_PLACEMENT);
  a.set_assignment_kind(e.form() == pl::PLACEMENT_FORM_JOURHEM
                            ? fhv::common::v1::ASSIGNMENT_KIND_JOURHEM
                            : fhv::common::v1::ASSIGNMENT_KIND_FAMILJEHEM);
  a.set_placement_id(e.placement_id());
  a.set_home_id(e.home_id());
  a.set_child_id(e.child().child_id());
  *a.mutable_child_birth_date() = e.child().birth_date();
  a.set_paying_municipality_id(e.paying_municipality_id());
  a.set_agency_home(e.agency_home());
  if (e.agency_home()) *a.mutable_agency() = e.agency();
  *a.mutable_valid_from() = e.start_date();
  a.set_state(v1::AGREEMENT_STATE_ACTIVE);
  v1::AgreementVersion& v = *a.add_versions();
  v.set_version(1);
  *v.mutable_valid_from() = e.start_date();
  if (e.agency_home()) {
    v.mutable_terms()->set_agency_daily_rate_ore(e.agency_daily_rate_ore());
  } else if (e.agreed_monthly_fee_ore() > 0) {
    v.mutable_terms()->set_monthly_fee_ore(e.agreed_monthly_fee_ore());
  } else {
    v.mutable_terms()->set_fee_level_code("BASE");
  }
  v.set_created_by_user_id("service:placement");
  *v.mutable_create_time() = ToTimestamp(now);
  *a.mutable_create_time() = ToTimestamp(now);
  *a.mutable_update_time() = ToTimestamp(now);
  Derive(a);
  return a;
}

absl::Status ValidateTerms(const v1::AgreementTerms& t, const std::string& f) {
  Violations v;
  if (t.monthly_fee_ore() < 0 || t.monthly_fee_ore() > kMaxMonthlyFee) {
    v.Add(f + ".monthly_fee_ore", "must be 0 to 20 000 000 öre");
  }
  if (!t.fee_level_code().empty() &&
      !validation::IsCode(absl::AsciiStrToLower(t.fee_level_code()), 32)) {
    v.Add(f + ".fee_level_code", "must be a fee level code, e.g. BASE");
  }
  if (t.expense_allowance_addition_bp() < -20000 || t.expense_allowance_addition_bp() > 20000) {
    v.Add(f + ".expense_allowance_addition_bp", "must be -20000 to 20000 basis points");
  }
  if (t.expense_allowance_fixed_monthly_ore() < 0 ||
      t.expense_allowance_fixed_monthly_ore() > kMaxMonthlyAllowance) {
    v.Add(f + ".expense_allowance_fixed_monthly_ore", "must be 0 to 5 000 000 öre");
  }
  if (t.child_allowance_deduction_monthly_ore() < 0 ||
      t.child_allowance_deduction_monthly_ore() > kMaxMonthlyAllowance) {
    v.Add(f + ".child_allowance_deduction_monthly_ore", "must be 0 to 5 000 000 öre");
  }
  if (t.extra_allowances_size() > 10) v.Add(f + ".extra_allowances", "at most 10");
  for (int i = 0; i < t.extra_allowances_size(); ++i) {
    const auto& x = t.extra_allowances(i);
    const std::string xf = absl::StrCat(f, ".extra_allowances[", i, "]");
    validation::CheckText(v, xf + ".reason", x.reason(), 500, true);
    if (x.monthly_amount_ore() <= 0 || x.monthly_amount_ore() > kMaxMonthlyAllowance) {
      v.Add(xf + ".monthly_amount_ore", "must be more than 0 and at most 5 000 000 öre");
    }
  }
  if (t.contact_family_expense_allowance_bp() < 0 ||
      t.contact_family_expense_allowance_bp() > 50000) {
    v.Add(f + ".contact_family_expense_allowance_bp", "must be 0 to 50000 basis points");
  }
  if (t.agency_daily_rate_ore() < 0 || t.agency_daily_rate_ore() > kMaxDailyRate) {
    v.Add(f + ".agency_daily_rate_ore", "must be 0 to 2 000 000 öre");
  }
  return v.ToStatus();
}

absl::StatusOr<v1::Agreement> NewManual(const v1::Agreement& in, const v1::AgreementTerms& terms,
                                        const std::string& agreement_id,
                                        const std::string& municipality_id, const std::string& user,
                                        absl::Time now) {
  Violations v;
  const int kind = in.assignment_kind();
  if (kind == 0 || !fhv::common::v1::AssignmentKind_IsValid(kind)) {
    v.Add("agreement.assignment_kind", "is required");
  }
  validation::CheckText(v, "agreement.home_id", in.home_id(), 64, true);
  validation::CheckText(v, "agreement.client_reference", in.client_reference(), 64, false);
  if (!in.client_reference().empty() &&
      std::count_if(in.client_reference().begin(), in.client_reference().end(), ::isdigit) >= 10) {
    v.Add("agreement.client_reference", "must not be a personnummer");
  }
  const auto born = DayOf(in.child_birth_date());
  const auto from = DayOf(in.valid_from());
  if (!born) v.Add("agreement.child_birth_date", "is required");
  if (!from) v.Add("agreement.valid_from", "is required");
  if (born && from && *born > *from) v.Add("agreement.child_birth_date", "is after valid_from");
  if (!in.paying_municipality_id().empty() && in.paying_municipality_id() != municipality_id) {
    v.Add("agreement.paying_municipality_id", "must be the caller's municipality");
  }
  if (terms.agency_daily_rate_ore() != 0) {
    v.Add("terms.agency_daily_rate_ore", "a hand-made agreement is with the home itself");
  }
  if (auto st = ValidateTerms(terms, "terms"); !st.ok()) {
    for (const auto& fv : GetViolations(st)) v.Add(fv.field, fv.description);
  }
  CheckContactPersonTerms(v, in.assignment_kind(), terms);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  v1::Agreement a;
  a.set_agreement_id(agreement_id);
  a.set_source(v1::AGREEMENT_SOURCE_MANUAL);
  a.set_assignment_kind(in.assignment_kind());
  a.set_home_id(in.home_id());
  a.set_child_id(in.child_id());
  a.set_client_reference(in.client_reference());
  *a.mutable_child_birth_date() = in.child_birth_date();
  a.set_paying_municipality_id(municipality_id);
  *a.mutable_valid_from() = in.valid_from();
  a.set_state(v1::AGREEMENT_STATE_ACTIVE);
  v1::AgreementVersion& ver = *a.add_versions();
  ver.set_version(1);
  *ver.mutable_valid_from() = in.valid_from();
  *ver.mutable_terms() = terms;
  ver.set_created_by_user_id(user);
  *ver.mutable_create_time() = ToTimestamp(now);
  *a.mutable_create_time() = ToTimestamp(now);
  *a.mutable_update_time() = ToTimestamp(now);
  Derive(a);
  return a;
}

absl::Status Amend(v1::Agreement& a, absl::CivilDay valid_from, const v1::AgreementTerms& terms,
                   const std::string& reason, const std::string& user, absl::Time now) {
  Violations v;
  const auto start = *DayOf(a.valid_from());
  const auto end = DayOf(a.valid_to());
  if (valid_from < start) v.Add("valid_from", "is before the agreement's first day");
  validation::CheckText(v, "change_reason", reason, 1000, true);
  if (a.agency_home() != (terms.agency_daily_rate_ore() > 0)) {
    v.Add("terms.agency_daily_rate_ore", a.agency_home() ? "is required for an agency home"
                                                         : "must be 0 for a home paid directly");
  }
  if (auto st = ValidateTerms(terms, "terms"); !st.ok()) {
    for (const auto& fv : GetViolations(st)) v.Add(fv.field, fv.description);
  }
  CheckContactPersonTerms(v, a.assignment_kind(), terms);
  if (auto st = v.ToStatus(); !st.ok()) return st;
  if (end && valid_from > *end) {
    return FailedPrecondition("AGREEMENT_ENDED", "the agreement ended before valid_from");
  }
  if (a.versions_size() >= 200) {
    return FailedPrecondition("TOO_MANY_VERSIONS", "the agreement has 200 versions");
  }
  const int number = a.versions_size() + 1;
  for (auto& old : *a.mutable_versions()) {
    if (InForce(old) && DayOf(old.valid_from()) == valid_from)
      old.set_superseded_by_version(number);
  }
  v1::AgreementVersion& ver = *a.add_versions();
  ver.set_version(number);
  *ver.mutable_valid_from() = ToDate(valid_from);
  *ver.mutable_terms() = terms;
  ver.set_change_reason(reason);
  ver.set_created_by_user_id(user);
  *ver.mutable_create_time() = ToTimestamp(now);
  *a.mutable_update_time() = ToTimestamp(now);
  Derive(a);
  return absl::OkStatus();
}

absl::Status End(v1::Agreement& a, absl::CivilDay end_date, bool by_placement, absl::Time now) {
  if (!by_placement && a.source() == v1::AGREEMENT_SOURCE_PLACEMENT) {
    return FailedPrecondition("AGREEMENT_OF_PLACEMENT",
                              "a placement's agreement ends when the placement ends");
  }
  if (a.state() == v1::AGREEMENT_STATE_ENDED) {
    return Error(absl::StatusCode::kFailedPrecondition, "INVALID_STATE",
                 "the agreement has already ended",
                 {{"state", v1::AgreementState_Name(a.state())}});
  }
  if (end_date < *DayOf(a.valid_from())) {
    Violations v;
    v.Add("end_date", "is before the agreement's first day");
    return v.ToStatus();
  }
  *a.mutable_valid_to() = ToDate(end_date);
  a.set_state(v1::AGREEMENT_STATE_ENDED);
  *a.mutable_update_time() = ToTimestamp(now);
  Derive(a);
  return absl::OkStatus();
}

void Derive(v1::Agreement& a) {
  std::vector<v1::AgreementVersion*> in_force;
  for (auto& v : *a.mutable_versions()) {
    v.clear_valid_to();
    if (InForce(v)) in_force.push_back(&v);
  }
  std::stable_sort(in_force.begin(), in_force.end(), [](const auto* x, const auto* y) {
    return *DayOf(x->valid_from()) < *DayOf(y->valid_from());
  });
  for (size_t i = 0; i < in_force.size(); ++i) {
    if (i + 1 < in_force.size()) {
      *in_force[i]->mutable_valid_to() = ToDate(*DayOf(in_force[i + 1]->valid_from()) - 1);
    } else if (a.has_valid_to()) {
      *in_force[i]->mutable_valid_to() = a.valid_to();
    }
  }
}

AgreementPeriod PeriodOf(const v1::Agreement& a) {
  AgreementPeriod p{.kind = a.assignment_kind(),
                    .valid_from = *DayOf(a.valid_from()),
                    .valid_to = DayOf(a.valid_to()),
                    .child_birth_date = *DayOf(a.child_birth_date())};
  for (const auto& v : a.versions()) {
    if (InForce(v)) p.versions.push_back(v);
  }
  std::stable_sort(p.versions.begin(), p.versions.end(), [](const auto& x, const auto& y) {
    return *DayOf(x.valid_from()) < *DayOf(y.valid_from());
  });
  // A version that begins before the agreement counts from the agreement's first day.
  return p;
}

bool AllowanceOverMax(const v1::AgreementTerms& t, const v1::RateTable& table) {
  for (const auto& band : table.expense_allowance_bands()) {
    const __int128 max = static_cast<__int128>(table.prisbasbelopp().amount_ore()) *
                         band.tax_free_max().basis_points();
    const __int128 paid =
        t.expense_allowance_fixed_monthly_ore() > 0
            ? static_cast<__int128>(t.expense_allowance_fixed_monthly_ore()) * 120000
            : static_cast<__int128>(table.prisbasbelopp().amount_ore()) *
                  (band.base().basis_points() + t.expense_allowance_addition_bp());
    if (paid > max) return true;
  }
  return false;
}

bool MayRead(const auth::Principal& p, const std::string& municipality_id) {
  return p.org_kind == auth::OrgKind::kMunicipality && p.org_id == municipality_id &&
         (p.HasRole("finance_officer") || p.HasRole("case_worker") || p.HasRole("admin"));
}

bool IsHome(const auth::Principal& p) {
  return p.org_kind == auth::OrgKind::kHome && p.HasRole("foster_home");
}

bool MayReadAgreement(const auth::Principal& p, const v1::Agreement& a) {
  return MayRead(p, a.paying_municipality_id()) || (IsHome(p) && p.org_id == a.home_id());
}

}  // namespace fhv::payments
