#include "services/placement/src/domain/clocks.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/util/dates.h"
#include "common/util/hash.h"

namespace fhv::placement {
namespace {

// The step that satisfies a clock (UNSPECIFIED: none does).
v1::StatutoryStepKind SatisfiedBy(v1::StatutoryClockKind kind) {
  switch (kind) {
    case v1::STATUTORY_CLOCK_KIND_REVIEW:
      return v1::STATUTORY_STEP_KIND_REVIEW_HELD;
    case v1::STATUTORY_CLOCK_KIND_RE_DECISION:
      return v1::STATUTORY_STEP_KIND_RE_DECISION_MADE;
    case v1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION:
      return v1::STATUTORY_STEP_KIND_CUSTODY_TRANSFER_CONSIDERED;
    default:
      return v1::STATUTORY_STEP_KIND_UNSPECIFIED;
  }
}

template <typename Enum>
bool AppliesTo(const google::protobuf::RepeatedField<int>& listed, Enum value) {
  return listed.empty() || std::find(listed.begin(), listed.end(), value) != listed.end();
}

bool ValidOn(const v1::StatutoryClockRule& rule, absl::CivilDay day) {
  const auto from = DayOf(rule.valid_from());
  const auto to = DayOf(rule.valid_to());
  return (!from || *from <= day) && (!to || day <= *to);
}

std::optional<absl::CivilDay> Anchor(const ClockFacts& facts, v1::StatutoryClockAnchor anchor) {
  switch (anchor) {
    case v1::STATUTORY_CLOCK_ANCHOR_CARE_START:
      return facts.care_start;
    case v1::STATUTORY_CLOCK_ANCHOR_PLACEMENT_START:
      return facts.placement_start;
    case v1::STATUTORY_CLOCK_ANCHOR_CHILD_INVESTIGATION_FINISHED: {
      std::optional<absl::CivilDay> finished;
      for (const auto& [kind, day] : facts.steps) {
        if (kind == v1::STATUTORY_STEP_KIND_CHILD_INVESTIGATION_FINISHED) {
          finished = finished ? std::max(*finished, day) : day;
        }
      }
      return finished;
    }
    default:
      return std::nullopt;
  }
}

// The due date of one clock by `rule`'s timing, or nullopt if it is not running or done.
std::optional<absl::CivilDay> DueDate(const ClockFacts& facts, const v1::StatutoryClockRule& rule) {
  const auto anchor = Anchor(facts, rule.anchor());
  if (!anchor) return std::nullopt;
  const absl::CivilDay first = AddMonths(*anchor, rule.first_due_after_months());
  std::vector<absl::CivilDay> done;
  const v1::StatutoryStepKind satisfying = SatisfiedBy(rule.kind());
  // A step counts from one period before the first due date (from the anchor for a clock
  // that does not repeat): a custody consideration in the placement's first months does not
  // stand in for the one due after two years.
  const absl::CivilDay counts_from =
      std::max(*anchor, AddMonths(first, -std::max(0, rule.repeat_every_months())));
  for (const auto& [kind, day] : facts.steps) {
    if (satisfying != v1::STATUTORY_STEP_KIND_UNSPECIFIED && kind == satisfying &&
        day >= counts_from) {
      done.push_back(day);
    }
  }
  std::sort(done.begin(), done.end());
  if (rule.repeat_every_months() <= 0) {
    if (!done.empty()) return std::nullopt;
    if (rule.kind() == v1::STATUTORY_CLOCK_KIND_JOURHEM_LIMIT && facts.jourhem_extended_until) {
      return *facts.jourhem_extended_until;
    }
    return first;
  }
  if (done.empty()) return first;
  if (rule.repeat_from_last_step()) return AddMonths(done.back(), rule.repeat_every_months());
  return AddMonths(first, rule.repeat_every_months() * static_cast<int>(done.size()));
}

}  // namespace

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  return std::min(absl::CivilDay(month.year(), month.month(), day.day()), last,
                  [](absl::CivilDay a, absl::CivilDay b) { return a < b; });
}

std::vector<v1::StatutoryDeadline> Deadlines(const ClockFacts& facts,
                                             const std::vector<v1::StatutoryClockRule>& rules,
                                             absl::CivilDay today) {
  std::vector<v1::StatutoryDeadline> out;
  if (facts.ended) return out;
  // One deadline per kind: the rules of a kind share their timing and differ in citation.
  std::map<int, std::vector<const v1::StatutoryClockRule*>> by_kind;
  for (const auto& rule : rules) {
    if (!AppliesTo(rule.legal_bases(), facts.legal_basis) || !AppliesTo(rule.forms(), facts.form)) {
      continue;
    }
    by_kind[rule.kind()].push_back(&rule);
  }
  for (const auto& [kind, candidates] : by_kind) {
    // Each rule gives a due date by its own timing, not earlier than the day it came into
    // force; the earliest that falls while its rule is in force counts.
    const v1::StatutoryClockRule* rule = nullptr;
    std::optional<absl::CivilDay> due;
    for (const auto* r : candidates) {
      auto d = DueDate(facts, *r);
      if (!d) continue;
      if (const auto from = DayOf(r->valid_from()); from && *d < *from) d = *from;
      if (!ValidOn(*r, *d) || (due && *due <= *d)) continue;
      rule = r;
      due = d;
    }
    if (rule == nullptr) continue;  // done, not running, or no rule in force
    v1::StatutoryDeadline& d = out.emplace_back();
    d.set_kind(static_cast<v1::StatutoryClockKind>(kind));
    d.set_rule_id(rule->rule_id());
    *d.mutable_due_date() = ToDate(*due);
    d.set_overdue(*due < today);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const auto da = *DayOf(a.due_date()), db = *DayOf(b.due_date());
    if (da != db) return da < db;
    return a.kind() < b.kind();
  });
  return out;
}

ClockFacts FactsOf(const v1::Placement& placement) {
  ClockFacts f{
      .legal_basis = placement.legal_basis(),
      .form = placement.form(),
      .placement_start = *DayOf(placement.start_date()),
      .care_start = DayOf(placement.care_start_date()).value_or(*DayOf(placement.start_date())),
      .ended = DayOf(placement.end_date())};
  for (const auto& step : placement.statutory_steps()) {
    const auto day = DayOf(step.step_date());
    if (!day) continue;
    f.steps.emplace_back(step.kind(), *day);
    if (step.kind() == v1::STATUTORY_STEP_KIND_JOURHEM_EXTENDED) {
      f.jourhem_extended_until = DayOf(step.extended_until());
    }
  }
  return f;
}

std::string DueDatesFingerprint(const std::vector<v1::StatutoryClockRule>& rules) {
  std::string data = absl::StrCat("clock-logic-", kClockLogicVersion);
  for (const auto& rule : rules) {
    const std::string bytes = rule.SerializeAsString();
    absl::StrAppend(&data, "|", bytes.size(), ":", bytes);
  }
  return Sha256Hex(data);
}

v1::StatutoryDueItem DueItem(const v1::Placement& placement, v1::StatutoryClockKind kind,
                             absl::CivilDay due, const v1::StatutoryClockRule& rule,
                             absl::CivilDay today) {
  v1::StatutoryDueItem item;
  item.set_placement_id(placement.placement_id());
  item.set_placement_request_id(placement.placement_request_id());
  *item.mutable_child() = placement.child();
  item.set_home_id(placement.home_id());
  item.set_kind(kind);
  *item.mutable_due_date() = ToDate(due);
  item.set_overdue(due < today);
  item.set_days_overdue(due < today ? static_cast<int>(today - due) : 0);
  item.set_rule_id(rule.rule_id());
  item.set_rule_name(rule.name());
  item.set_legal_citation(rule.legal_citation());
  return item;
}

}  // namespace fhv::placement
