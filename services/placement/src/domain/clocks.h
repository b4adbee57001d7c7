#pragma once

// Pure rules of the statutory clocks that follow a placed child: when each clock next falls
// due, from the rules (data, see StatutoryClockRule) and the steps recorded. No I/O.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "fhv/placement/v1/placement_service.pb.h"

namespace fhv::placement {

namespace v1 = ::fhv::placement::v1;

// What the clocks of one placement count from.
struct ClockFacts {
  v1::LegalBasis legal_basis = v1::LEGAL_BASIS_UNSPECIFIED;
  v1::PlacementForm form = v1::PLACEMENT_FORM_UNSPECIFIED;
  absl::CivilDay placement_start;
  absl::CivilDay care_start;  // equals placement_start unless care started earlier
  std::optional<absl::CivilDay> ended;
  // Every statutory step recorded, with its date.
  std::vector<std::pair<v1::StatutoryStepKind, absl::CivilDay>> steps;
  // For a jourhem extended for special reasons: the new limit.
  std::optional<absl::CivilDay> jourhem_extended_until;
};

// `day` plus `months` calendar months; a day that the month lacks becomes its last day
// (2026-08-31 + 6 months = 2027-02-28).
absl::CivilDay AddMonths(absl::CivilDay day, int months);

// The next due date of each clock that applies to the placement, ordered by due date, then
// kind. A rule applies when its legal bases and forms include the placement's (empty: all).
// Each rule of a kind gives a due date by its own timing, moved to the day the rule came into
// force if earlier; the earliest due date that falls while its rule is in force names the
// deadline (a renumbered or changed law is a new rule with new validity dates).
// - The first due date is the anchor plus first_due_after_months. A clock anchored on the
//   finished child investigation runs only once that step is recorded.
// - A repeating clock is satisfied by each step of its kind made on or after one period
//   before its first due date (and not before its anchor): with
//   repeat_from_last_step the next due date counts from the last such step, otherwise one
//   period is added per step.
// - A clock that does not repeat is due once; the jourhem limit moves to the date of an
//   extension. A once-clock satisfied by a step is not listed.
// - An ended placement has no deadlines. `overdue` is set when the due date is before
//   `today`.
std::vector<v1::StatutoryDeadline> Deadlines(const ClockFacts& facts,
                                             const std::vector<v1::StatutoryClockRule>& rules,
                                             absl::CivilDay today);

// The facts of a stored placement.
ClockFacts FactsOf(const v1::Placement& placement);

// The version of the clock logic above. Bump it with every change that moves a due date for
// the same facts and rules: the service then recomputes the stored due dates at start.
inline constexpr int kClockLogicVersion = 1;

// What stored due dates computed by this logic from `rules` are valid for.
std::string DueDatesFingerprint(const std::vector<v1::StatutoryClockRule>& rules);

// The item ListDueStatutoryItems shows for the clock of `kind` of `placement` that falls due on
// `due` by `rule`, as of `today`.
v1::StatutoryDueItem DueItem(const v1::Placement& placement, v1::StatutoryClockKind kind,
                             absl::CivilDay due, const v1::StatutoryClockRule& rule,
                             absl::CivilDay today);

}  // namespace fhv::placement
