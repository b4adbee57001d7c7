// The placement service's statutory clocks: due dates from rules as data and the steps
// recorded. These tests pin Deadlines' results: a change that makes one of them fail moves
// stored due dates, so it must also bump kClockLogicVersion (clocks.h).

#include "services/placement/src/domain/clocks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_format.h"

namespace fhv::placement {
namespace {

fhv::common::v1::Date D(int y, int m, int d) {
  fhv::common::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

std::string S(const fhv::common::v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

v1::StatutoryClockRule Rule(std::string id, v1::StatutoryClockKind kind,
                            v1::StatutoryClockAnchor anchor, int first, int repeat,
                            bool from_last_step) {
  v1::StatutoryClockRule r;
  r.set_rule_id(std::move(id));
  r.set_kind(kind);
  r.set_anchor(anchor);
  r.set_first_due_after_months(first);
  r.set_repeat_every_months(repeat);
  r.set_repeat_from_last_step(from_last_step);
  r.set_legal_citation("citation (test data)");
  return r;
}

// Test rules shaped like the statutory ones (the real rows with their citations are data
// of the placement service).
std::vector<v1::StatutoryClockRule> Rules() {
  auto review = Rule("review", v1::STATUTORY_CLOCK_KIND_REVIEW,
                     v1::STATUTORY_CLOCK_ANCHOR_CARE_START, 6, 6, true);
  review.add_legal_bases(v1::LEGAL_BASIS_VOLUNTARY);
  review.add_legal_bases(v1::LEGAL_BASIS_LVU_HOME_ENVIRONMENT);
  auto redecision = Rule("re-decision", v1::STATUTORY_CLOCK_KIND_RE_DECISION,
                         v1::STATUTORY_CLOCK_ANCHOR_CARE_START, 6, 6, false);
  redecision.add_legal_bases(v1::LEGAL_BASIS_LVU_OWN_BEHAVIOUR);
  auto jourhem = Rule("jourhem", v1::STATUTORY_CLOCK_KIND_JOURHEM_LIMIT,
                      v1::STATUTORY_CLOCK_ANCHOR_CHILD_INVESTIGATION_FINISHED, 2, 0, false);
  jourhem.add_forms(v1::PLACEMENT_FORM_JOURHEM);
  auto custody = Rule("custody", v1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION,
                      v1::STATUTORY_CLOCK_ANCHOR_PLACEMENT_START, 36, 12, true);
  return {review, redecision, jourhem, custody};
}

ClockFacts Voluntary(absl::CivilDay start) {
  return {.legal_basis = v1::LEGAL_BASIS_VOLUNTARY,
          .form = v1::PLACEMENT_FORM_FAMILJEHEM,
          .placement_start = start,
          .care_start = start};
}

TEST(Clocks, AddMonthsKeepsTheDayOrTakesTheMonthsLast) {
  EXPECT_EQ(AddMonths(absl::CivilDay(2026, 8, 31), 6), absl::CivilDay(2027, 2, 28));
  EXPECT_EQ(AddMonths(absl::CivilDay(2027, 8, 31), 6), absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(AddMonths(absl::CivilDay(2026, 1, 15), 36), absl::CivilDay(2029, 1, 15));
  EXPECT_EQ(AddMonths(absl::CivilDay(2026, 3, 31), 1), absl::CivilDay(2026, 4, 30));
}

TEST(Clocks, AVoluntaryPlacementHasReviewsAndTheCustodyConsideration) {
  const auto due =
      Deadlines(Voluntary(absl::CivilDay(2026, 1, 15)), Rules(), absl::CivilDay(2026, 3, 1));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].kind(), v1::STATUTORY_CLOCK_KIND_REVIEW);
  EXPECT_EQ(S(due[0].due_date()), "2026-07-15");
  EXPECT_FALSE(due[0].overdue());
  EXPECT_EQ(due[1].kind(), v1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION);
  EXPECT_EQ(S(due[1].due_date()), "2029-01-15");
}

TEST(Clocks, AReviewMovesTheNextOneAndLateIsOverdue) {
  ClockFacts facts = Voluntary(absl::CivilDay(2026, 1, 15));
  EXPECT_TRUE(Deadlines(facts, Rules(), absl::CivilDay(2026, 7, 16))[0].overdue());
  facts.steps.push_back({v1::STATUTORY_STEP_KIND_REVIEW_HELD, absl::CivilDay(2026, 7, 10)});
  const auto due = Deadlines(facts, Rules(), absl::CivilDay(2026, 7, 16));
  EXPECT_EQ(S(due[0].due_date()), "2027-01-10");
  EXPECT_FALSE(due[0].overdue());
}

TEST(Clocks, OwnBehaviourHasReDecisionsCountedFromCareStartNotReviews) {
  ClockFacts facts = Voluntary(absl::CivilDay(2026, 5, 1));
  facts.legal_basis = v1::LEGAL_BASIS_LVU_OWN_BEHAVIOUR;
  facts.care_start = absl::CivilDay(2026, 3, 1);  // care began in another home
  auto due = Deadlines(facts, Rules(), absl::CivilDay(2026, 5, 2));
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].kind(), v1::STATUTORY_CLOCK_KIND_RE_DECISION);
  EXPECT_EQ(S(due[0].due_date()), "2026-09-01");
  // A review is not a re-decision: it does not satisfy the clock.
  facts.steps.push_back({v1::STATUTORY_STEP_KIND_REVIEW_HELD, absl::CivilDay(2026, 8, 20)});
  EXPECT_EQ(S(Deadlines(facts, Rules(), absl::CivilDay(2026, 8, 21))[0].due_date()), "2026-09-01");
  // A re-decision early counts a whole period from the previous due date.
  facts.steps.push_back({v1::STATUTORY_STEP_KIND_RE_DECISION_MADE, absl::CivilDay(2026, 8, 25)});
  EXPECT_EQ(S(Deadlines(facts, Rules(), absl::CivilDay(2026, 8, 26))[0].due_date()), "2027-03-01");
}

TEST(Clocks, TheJourhemLimitRunsFromTheFinishedInvestigationAndMovesWhenExtended) {
  ClockFacts facts = Voluntary(absl::CivilDay(2026, 2, 1));
  facts.form = v1::PLACEMENT_FORM_JOURHEM;
  auto kinds = [&](absl::CivilDay today) {
    std::vector<v1::StatutoryClockKind> out;
    for (const auto& d : Deadlines(facts, Rules(), today)) out.push_back(d.kind());
    return out;
  };
  EXPECT_THAT(kinds(absl::CivilDay(2026, 3, 1)),
              ::testing::Not(::testing::Contains(v1::STATUTORY_CLOCK_KIND_JOURHEM_LIMIT)));
  facts.steps.push_back(
      {v1::STATUTORY_STEP_KIND_CHILD_INVESTIGATION_FINISHED, absl::CivilDay(2026, 4, 30)});
  auto due = Deadlines(facts, Rules(), absl::CivilDay(2026, 7, 1));
  ASSERT_EQ(due[0].kind(), v1::STATUTORY_CLOCK_KIND_JOURHEM_LIMIT);
  EXPECT_EQ(S(due[0].due_date()), "2026-06-30");
  EXPECT_TRUE(due[0].overdue());
  facts.jourhem_extended_until = absl::CivilDay(2026, 9, 30);
  due = Deadlines(facts, Rules(), absl::CivilDay(2026, 7, 1));
  EXPECT_EQ(due[0].kind(), v1::STATUTORY_CLOCK_KIND_REVIEW);  // 2026-08-01 comes first
  EXPECT_EQ(S(due[1].due_date()), "2026-09-30");
  EXPECT_FALSE(due[1].overdue());
}

TEST(Clocks, TheRuleInForceOnTheDueDateNamesItAndEndedPlacementsHaveNone) {
  auto rules = Rules();
  auto old_review = rules[0];
  old_review.set_rule_id("review-old-act");
  *old_review.mutable_valid_to() = D(2025, 6, 30);
  rules[0].set_rule_id("review-new-act");
  *rules[0].mutable_valid_from() = D(2025, 7, 1);
  rules.push_back(old_review);
  ClockFacts facts = Voluntary(absl::CivilDay(2024, 10, 1));
  EXPECT_EQ(Deadlines(facts, rules, absl::CivilDay(2024, 11, 1))[0].rule_id(), "review-old-act");
  facts.steps.push_back({v1::STATUTORY_STEP_KIND_REVIEW_HELD, absl::CivilDay(2025, 3, 20)});
  EXPECT_EQ(Deadlines(facts, rules, absl::CivilDay(2025, 4, 1))[0].rule_id(), "review-new-act");
  facts.ended = absl::CivilDay(2025, 5, 1);
  EXPECT_TRUE(Deadlines(facts, rules, absl::CivilDay(2025, 6, 1)).empty());
}

// The two custody rules of the migration: three years until 2022-06-30, two years from
// 2022-07-01 (SFS 2022:665).
std::vector<v1::StatutoryClockRule> CustodyRules() {
  auto three = Rule("custody-3y-2021", v1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION,
                    v1::STATUTORY_CLOCK_ANCHOR_PLACEMENT_START, 36, 12, true);
  *three.mutable_valid_from() = D(2021, 3, 1);
  *three.mutable_valid_to() = D(2022, 6, 30);
  auto two = Rule("custody-2y-2022", v1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION,
                  v1::STATUTORY_CLOCK_ANCHOR_PLACEMENT_START, 24, 12, true);
  *two.mutable_valid_from() = D(2022, 7, 1);
  for (auto* r : {&three, &two}) {
    r->add_forms(v1::PLACEMENT_FORM_FAMILJEHEM);
    r->add_forms(v1::PLACEMENT_FORM_AGENCY_SUPPORTED_FAMILJEHEM);
    r->add_forms(v1::PLACEMENT_FORM_INTENSIVELY_REINFORCED_FAMILJEHEM);
  }
  return {three, two};
}

TEST(Clocks, CustodyOverdueUnderTheOldRuleFallsDueTheDayTheNewRuleCameIntoForce) {
  // Two years after 2020-01-15 is before the two-year rule; three years after is after the
  // three-year rule ended: the two-year rule applies from its first day.
  const auto due =
      Deadlines(Voluntary(absl::CivilDay(2020, 1, 15)), CustodyRules(), absl::CivilDay(2022, 3, 1));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].kind(), v1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION);
  EXPECT_EQ(due[0].rule_id(), "custody-2y-2022");
  EXPECT_EQ(S(due[0].due_date()), "2022-07-01");
  EXPECT_FALSE(due[0].overdue());
  EXPECT_TRUE(Deadlines(Voluntary(absl::CivilDay(2020, 1, 15)), CustodyRules(),
                        absl::CivilDay(2022, 7, 2))[0]
                  .overdue());
}

TEST(Clocks, CustodyUnderTheTwoYearRule) {
  const auto due =
      Deadlines(Voluntary(absl::CivilDay(2021, 6, 1)), CustodyRules(), absl::CivilDay(2022, 1, 1));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].rule_id(), "custody-2y-2022");
  EXPECT_EQ(S(due[0].due_date()), "2023-06-01");
}

TEST(Clocks, CustodyUnderTheThreeYearRuleWhileItWasInForce) {
  const auto due =
      Deadlines(Voluntary(absl::CivilDay(2019, 1, 10)), CustodyRules(), absl::CivilDay(2021, 6, 1));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].rule_id(), "custody-3y-2021");
  EXPECT_EQ(S(due[0].due_date()), "2022-01-10");
}

TEST(Clocks, CustodyRulesApplyOnlyToFamilyHomeForms) {
  ClockFacts facts = Voluntary(absl::CivilDay(2021, 6, 1));
  facts.form = v1::PLACEMENT_FORM_JOURHEM;
  EXPECT_TRUE(Deadlines(facts, CustodyRules(), absl::CivilDay(2022, 1, 1)).empty());
  facts.form = v1::PLACEMENT_FORM_AGENCY_SUPPORTED_FAMILJEHEM;
  EXPECT_EQ(Deadlines(facts, CustodyRules(), absl::CivilDay(2022, 1, 1)).size(), 1u);
}

TEST(Clocks, AnEarlyCustodyConsiderationDoesNotStandInForTheOneDueAfterTheFullPeriod) {
  // Due 36 months after the start, then yearly: a consideration in the first year does not
  // count, one within the year before the due date does.
  ClockFacts f = Voluntary(absl::CivilDay(2024, 1, 15));
  f.steps.emplace_back(v1::STATUTORY_STEP_KIND_CUSTODY_TRANSFER_CONSIDERED,
                       absl::CivilDay(2024, 8, 1));
  auto custody = [&] {
    for (const auto& d : Deadlines(f, Rules(), absl::CivilDay(2025, 1, 1))) {
      if (d.kind() == v1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION) {
        return S(d.due_date());
      }
    }
    return std::string("none");
  };
  EXPECT_EQ(custody(), "2027-01-15");
  f.steps.emplace_back(v1::STATUTORY_STEP_KIND_CUSTODY_TRANSFER_CONSIDERED,
                       absl::CivilDay(2026, 6, 1));
  EXPECT_EQ(custody(), "2027-06-01");
}

TEST(Clocks, AnEarlyReviewCountsAndMovesTheNextOne) {
  ClockFacts f = Voluntary(absl::CivilDay(2026, 1, 10));
  f.steps.emplace_back(v1::STATUTORY_STEP_KIND_REVIEW_HELD, absl::CivilDay(2026, 2, 20));
  const auto d = Deadlines(f, Rules(), absl::CivilDay(2026, 3, 1));
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].kind(), v1::STATUTORY_CLOCK_KIND_REVIEW);
  EXPECT_EQ(S(d[0].due_date()), "2026-08-20");
}

// Stored due dates carry no "today": the item shown from one is overdue by the day asked.
TEST(Clocks, ADueItemIsOverdueFromTheDayAfterItsDueDate) {
  v1::Placement p;
  p.set_placement_id("p-1");
  p.set_placement_request_id("r-1");
  p.set_home_id("h-1");
  p.mutable_child()->set_child_id("c-1");
  const auto rule = Rules()[0];
  const absl::CivilDay due(2026, 8, 20);
  auto item = DueItem(p, v1::STATUTORY_CLOCK_KIND_REVIEW, due, rule, due);
  EXPECT_FALSE(item.overdue());
  EXPECT_EQ(item.days_overdue(), 0);
  EXPECT_EQ(S(item.due_date()), "2026-08-20");
  EXPECT_EQ(item.child().child_id(), "c-1");
  EXPECT_EQ(item.rule_id(), "review");
  EXPECT_EQ(item.legal_citation(), "citation (test data)");
  item = DueItem(p, v1::STATUTORY_CLOCK_KIND_REVIEW, due, rule, due + 12);
  EXPECT_TRUE(item.overdue());
  EXPECT_EQ(item.days_overdue(), 12);
}

// The stored due dates are recomputed when any rule changes, and only then.
TEST(Clocks, TheDueDatesFingerprintChangesWithEveryRule) {
  const auto rules = Rules();
  const std::string base = DueDatesFingerprint(rules);
  EXPECT_EQ(DueDatesFingerprint(Rules()), base);
  for (size_t i = 0; i < rules.size(); ++i) {
    auto changed = rules;
    changed[i].set_first_due_after_months(changed[i].first_due_after_months() + 1);
    EXPECT_NE(DueDatesFingerprint(changed), base) << i;
  }
  auto fewer = rules;
  fewer.pop_back();
  EXPECT_NE(DueDatesFingerprint(fewer), base);
  auto renamed = rules;
  renamed[0].set_name("a new name");
  EXPECT_NE(DueDatesFingerprint(renamed), base);
}

}  // namespace
}  // namespace fhv::placement
