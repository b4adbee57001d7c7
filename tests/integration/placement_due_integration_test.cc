// The placement service's stored due dates against the real PostgreSQL: what
// ListDueStatutoryItems reads (filters, order, paging) and which placements count as stale.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/migrate.h"
#include "common/db/transaction.h"
#include "common/util/dates.h"
#include "common/util/ids.h"
#include "services/placement/src/storage/placement_store.h"
#include "tests/support/test_env.h"

namespace fhv::placement {
const std::vector<db::MigrationFile>& Migrations();
}

namespace fhv::testing {
namespace {

namespace pv1 = ::fhv::placement::v1;
using ::fhv::placement::DueFilter;
using ::fhv::placement::DueKey;
using ::fhv::placement::PlacementStore;
using Item = std::tuple<absl::CivilDay, std::string, int>;  // due, placement, kind

const absl::CivilDay kToday(2026, 12, 7);

class PlacementDueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto conn = db::Connection::Open(db_.Dsn("placement"), nullptr);
    ASSERT_TRUE(conn.ok()) << conn.status();
    conn_ = *std::move(conn);
    ASSERT_TRUE(db::Migrate(*conn_, "placement", placement::Migrations()).ok());
    ASSERT_EQ(ChangeFingerprint("fp"), true);
  }

  absl::Status InTx(const std::function<absl::Status()>& fn) {
    return db::InTransaction(*conn_, fn);
  }

  // An active (or ended) placement of `municipality` with its request, no due dates stored.
  pv1::Placement Insert(const std::string& municipality, bool ended = false) {
    pv1::Placement p;
    p.set_placement_id(NewUuid());
    p.set_placement_request_id(NewUuid());
    p.set_municipality_id(municipality);
    p.set_home_id(NewUuid());
    p.mutable_home_owner()->set_id("5560000001");
    p.mutable_child()->set_child_id(NewUuid());
    p.set_state(ended ? pv1::PLACEMENT_STATE_ENDED : pv1::PLACEMENT_STATE_ACTIVE);
    p.set_form(pv1::PLACEMENT_FORM_FAMILJEHEM);
    *p.mutable_start_date() = ToDate(kToday - 100);
    auto admin = db_.Admin();
    EXPECT_TRUE(admin
                    ->ExecScript(absl::StrCat(
                        "INSERT INTO placement.placement_request (id, municipality_id, "
                        "addressee_id, state, urgency, child_id, state_since, created_at, "
                        "updated_at, body) VALUES ('",
                        p.placement_request_id(), "', '", municipality,
                        "', 'x', 'PLACEMENT_REQUEST_STATE_PLACED', 'PLACEMENT_URGENCY_PLANNED', '",
                        p.child().child_id(), "', now(), now(), now(), '')"))
                    .ok());
    EXPECT_TRUE(InTx([&] { return PlacementStore::InsertPlacement(*conn_, p, absl::Now()); }).ok());
    return p;
  }

  // Stores `due` (kind, day) as the placement's due dates, computed with `fingerprint`.
  void Store(pv1::Placement p,
             const std::vector<std::pair<pv1::StatutoryClockKind, absl::CivilDay>>& due,
             const std::string& fingerprint = "fp") {
    p.clear_deadlines();
    for (const auto& [kind, day] : due) {
      auto& d = *p.add_deadlines();
      d.set_kind(kind);
      d.set_rule_id(absl::StrCat("rule-", kind));
      *d.mutable_due_date() = ToDate(day);
    }
    EXPECT_TRUE(InTx([&] { return PlacementStore::StoreDue(*conn_, p, fingerprint); }).ok());
  }

  // Every page of the listing, `page_size` at a time.
  std::vector<Item> List(DueFilter f, int page_size = 1) {
    std::vector<Item> out;
    std::optional<DueKey> after;
    for (int pages = 0; pages < 50; ++pages) {
      auto page = PlacementStore::ListDue(*conn_, f, page_size, after);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_LE(static_cast<int>(page->items.size()), page_size);
      for (const auto& row : page->items) {
        EXPECT_EQ(row.rule_id, absl::StrCat("rule-", row.kind));
        out.emplace_back(row.due, row.placement.placement_id(), row.kind);
      }
      if (!page->last) break;
      after = page->last;
    }
    return out;
  }

  // ChangeDueFingerprint in a transaction: whether it was another; nullopt on error.
  std::optional<bool> ChangeFingerprint(const std::string& fingerprint) {
    std::optional<bool> changed;
    const absl::Status st = InTx([&]() -> absl::Status {
      auto c = PlacementStore::ChangeDueFingerprint(*conn_, fingerprint, absl::Now());
      if (!c.ok()) return c.status();
      changed = *c;
      return absl::OkStatus();
    });
    EXPECT_TRUE(st.ok()) << st;
    return st.ok() ? changed : std::nullopt;
  }

  std::vector<std::string> Stale() {
    std::vector<std::string> ids;
    EXPECT_TRUE(InTx([&]() -> absl::Status {
                  ids.clear();
                  auto stale = PlacementStore::LockStaleDue(
                      *conn_, "00000000-0000-0000-0000-000000000000", 100);
                  if (!stale.ok()) return stale.status();
                  for (const auto& p : *stale) ids.push_back(p.placement_id());
                  return absl::OkStatus();
                }).ok());
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  TestDatabase db_{{"placement"}};
  std::unique_ptr<db::Connection> conn_;
};

TEST_F(PlacementDueTest, TheListingFiltersOrdersAndPagesByDueDatePlacementAndKind) {
  const auto a = Insert("0316"), b = Insert("0316"), ended = Insert("0316", true);
  const auto elsewhere = Insert("0180");
  const absl::CivilDay soon = kToday + 10;
  Store(a, {{pv1::STATUTORY_CLOCK_KIND_REVIEW, soon},
            {pv1::STATUTORY_CLOCK_KIND_JOURHEM_LIMIT, soon},
            {pv1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION, kToday + 110}});
  Store(b, {{pv1::STATUTORY_CLOCK_KIND_REVIEW, soon},
            {pv1::STATUTORY_CLOCK_KIND_RE_DECISION, kToday - 40}});
  Store(ended, {{pv1::STATUTORY_CLOCK_KIND_REVIEW, soon}});
  Store(elsewhere, {{pv1::STATUTORY_CLOCK_KIND_REVIEW, soon}});

  // The coming year, one a page: ties on the day by placement id, then by kind.
  std::vector<Item> year = {
      {soon, a.placement_id(), pv1::STATUTORY_CLOCK_KIND_REVIEW},
      {soon, a.placement_id(), pv1::STATUTORY_CLOCK_KIND_JOURHEM_LIMIT},
      {soon, b.placement_id(), pv1::STATUTORY_CLOCK_KIND_REVIEW},
      {kToday + 110, a.placement_id(), pv1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION}};
  std::sort(year.begin(), year.end());
  const DueFilter coming{.municipality_id = "0316", .from = kToday, .to = kToday + 366};
  EXPECT_EQ(List(coming), year);
  EXPECT_EQ(List(coming, 2), year);
  EXPECT_EQ(List(coming, 100), year);

  // From a later day with the overdue: those due before today, not those between today and
  // the first day asked for.
  const DueFilter later{
      .municipality_id = "0316", .from = kToday + 20, .to = kToday + 200, .overdue_before = kToday};
  EXPECT_EQ(List(later), (std::vector<Item>{
                             {kToday - 40, b.placement_id(), pv1::STATUTORY_CLOCK_KIND_RE_DECISION},
                             {kToday + 110, a.placement_id(),
                              pv1::STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION}}));

  // Only the kinds asked for.
  DueFilter reviews = coming;
  reviews.kinds = {pv1::STATUTORY_CLOCK_KIND_REVIEW};
  std::vector<Item> want = {{soon, a.placement_id(), pv1::STATUTORY_CLOCK_KIND_REVIEW},
                            {soon, b.placement_id(), pv1::STATUTORY_CLOCK_KIND_REVIEW}};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(List(reviews), want);

  // Storing again replaces: the clocks no longer listed go.
  Store(a, {{pv1::STATUTORY_CLOCK_KIND_REVIEW, kToday + 30}});
  EXPECT_EQ(List(coming),
            (std::vector<Item>{{soon, b.placement_id(), pv1::STATUTORY_CLOCK_KIND_REVIEW},
                               {kToday + 30, a.placement_id(), pv1::STATUTORY_CLOCK_KIND_REVIEW}}));
}

TEST_F(PlacementDueTest, DueDatesAreStaleAfterAWriteWithoutThemOrWithAnotherFingerprint) {
  const auto a = Insert("0316"), b = Insert("0316"), ended = Insert("0316", true);
  std::vector<std::string> all = {a.placement_id(), b.placement_id(), ended.placement_id()};
  std::sort(all.begin(), all.end());
  EXPECT_EQ(Stale(), all);  // inserted without due dates
  Store(a, {{pv1::STATUTORY_CLOCK_KIND_REVIEW, kToday}});
  Store(b, {}, "another binary's");
  Store(ended, {});
  EXPECT_EQ(Stale(), std::vector<std::string>{b.placement_id()});
  Store(b, {});
  EXPECT_TRUE(Stale().empty());

  // A write of the placement row alone, as a binary that does not store due dates makes.
  ASSERT_TRUE(db_.Admin()
                  ->ExecScript(absl::StrCat("UPDATE placement.placement SET version = version + 1 "
                                            "WHERE id = '",
                                            a.placement_id(), "'"))
                  .ok());
  EXPECT_EQ(Stale(), std::vector<std::string>{a.placement_id()});
  Store(a, {});

  // Another fingerprint recorded makes every active placement's stale, once.
  EXPECT_EQ(ChangeFingerprint("new rules"), true);
  std::vector<std::string> active = {a.placement_id(), b.placement_id()};
  std::sort(active.begin(), active.end());
  EXPECT_EQ(Stale(), active);
  EXPECT_EQ(ChangeFingerprint("new rules"), false);
  Store(a, {}, "new rules");
  EXPECT_EQ(Stale(), std::vector<std::string>{b.placement_id()});
}

}  // namespace
}  // namespace fhv::testing
