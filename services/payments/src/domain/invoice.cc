#include "services/payments/src/domain/invoice.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/util/dates.h"
#include "services/payments/src/domain/agreement.h"
#include "services/payments/src/domain/compensation.h"

namespace fhv::payments {
namespace {

void SetTotals(v1::CostFigures& f) {
  f.set_total_ore(f.fees_ore() + f.allowances_ore() + f.reimbursements_ore() + f.invoiced_ore());
  f.set_cost_per_day_ore(f.placement_days() > 0 ? RoundedShare(f.total_ore(), 1, f.placement_days())
                                                : 0);
}

}  // namespace

v1::AgencyInvoice BuildAgencyInvoice(const std::string& id,
                                     const fhv::common::v1::OrganisationRef& agency,
                                     const std::string& municipality_id, absl::CivilMonth month,
                                     const std::vector<v1::Agreement>& agreements,
                                     const std::vector<v1::Reimbursement>& claims) {
  v1::AgencyInvoice inv;
  inv.set_agency_invoice_id(id);
  *inv.mutable_agency() = agency;
  inv.set_municipality_id(municipality_id);
  inv.mutable_month()->set_year(static_cast<int>(month.year()));
  inv.mutable_month()->set_month(month.month());
  const absl::CivilDay first(month), last = absl::CivilDay(month + 1) - 1;
  for (const v1::Agreement& a : agreements) {
    const AgreementPeriod p = PeriodOf(a);
    for (size_t i = 0; i < p.versions.size(); ++i) {
      // A version runs from its first day (not before the agreement's) to the day before the
      // next version's, and not after the agreement's last day.
      absl::CivilDay from = std::max({*DayOf(p.versions[i].valid_from()), p.valid_from, first});
      absl::CivilDay to = last;
      if (i + 1 < p.versions.size()) to = std::min(to, *DayOf(p.versions[i + 1].valid_from()) - 1);
      if (p.valid_to) to = std::min(to, *p.valid_to);
      if (to < from) continue;
      v1::AgencyInvoiceLine& l = *inv.add_lines();
      l.set_kind(v1::AGENCY_INVOICE_LINE_KIND_DAILY_RATE);
      l.set_placement_id(a.placement_id());
      l.set_agreement_id(a.agreement_id());
      l.set_home_id(a.home_id());
      l.set_child_id(a.child_id());
      *l.mutable_period_start() = ToDate(from);
      *l.mutable_period_end() = ToDate(to);
      l.set_days(static_cast<int>(to - from + 1));
      l.set_daily_rate_ore(p.versions[i].terms().agency_daily_rate_ore());
      l.set_amount_ore(l.days() * l.daily_rate_ore());
      inv.set_placement_days(inv.placement_days() + l.days());
    }
  }
  for (const v1::Reimbursement& c : claims) {
    v1::AgencyInvoiceLine& l = *inv.add_lines();
    l.set_kind(v1::AGENCY_INVOICE_LINE_KIND_REIMBURSEMENT);
    l.set_agreement_id(c.agreement_id());
    l.set_home_id(c.home_id());
    l.set_child_id(c.child_id());
    *l.mutable_period_start() = c.expense_date();
    *l.mutable_period_end() = c.expense_date();
    l.set_amount_ore(c.approved_amount_ore());
    l.set_reimbursement_id(c.reimbursement_id());
  }
  int64_t total = 0;
  for (const auto& l : inv.lines()) total += l.amount_ore();
  inv.set_total_ore(total);
  return inv;
}

v1::CostFigures OwnHomeCosts(const std::vector<v1::PaymentLine>& lines) {
  v1::CostFigures f;
  // Days per agreement: the most any one kind of line covers (each kind covers the days once).
  std::map<std::string, std::map<int, int64_t>> days;
  for (const v1::PaymentLine& l : lines) {
    switch (l.kind()) {
      case v1::PAYMENT_LINE_KIND_FEE:
      case v1::PAYMENT_LINE_KIND_CONTACT_FAMILY_FEE:
      case v1::PAYMENT_LINE_KIND_CONTACT_PERSON_FEE:
        f.set_fees_ore(f.fees_ore() + l.amount_ore());
        break;
      case v1::PAYMENT_LINE_KIND_REIMBURSEMENT:
        f.set_reimbursements_ore(f.reimbursements_ore() + l.amount_ore());
        continue;  // a claim is no day of placement
      default:
        f.set_allowances_ore(f.allowances_ore() + l.amount_ore());
    }
    if (!l.adjustment()) days[l.agreement_id()][l.kind()] += l.days_covered();
  }
  f.set_placements(static_cast<int>(days.size()));
  for (const auto& [agreement, by_kind] : days) {
    int64_t most = 0;
    for (const auto& [kind, d] : by_kind) most = std::max(most, d);
    f.set_placement_days(f.placement_days() + most);
  }
  SetTotals(f);
  return f;
}

v1::CostFigures AgencyCosts(const v1::AgencyInvoice& invoice) {
  v1::CostFigures f;
  std::set<std::string> placed;
  for (const auto& l : invoice.lines()) {
    if (l.kind() == v1::AGENCY_INVOICE_LINE_KIND_REIMBURSEMENT) {
      f.set_reimbursements_ore(f.reimbursements_ore() + l.amount_ore());
    } else {
      f.set_invoiced_ore(f.invoiced_ore() + l.amount_ore());
      if (!l.adjustment() && l.days() > 0) placed.insert(l.agreement_id());
    }
  }
  f.set_placements(static_cast<int>(placed.size()));
  f.set_placement_days(invoice.placement_days());
  SetTotals(f);
  return f;
}

void AddCosts(v1::CostFigures& into, const v1::CostFigures& more) {
  into.set_placements(into.placements() + more.placements());
  into.set_placement_days(into.placement_days() + more.placement_days());
  into.set_fees_ore(into.fees_ore() + more.fees_ore());
  into.set_allowances_ore(into.allowances_ore() + more.allowances_ore());
  into.set_reimbursements_ore(into.reimbursements_ore() + more.reimbursements_ore());
  into.set_invoiced_ore(into.invoiced_ore() + more.invoiced_ore());
  SetTotals(into);
}

}  // namespace fhv::payments
