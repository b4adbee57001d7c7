#include "services/placement/src/jobs/due_dates.h"

#include "absl/strings/str_format.h"
#include "common/db/transaction.h"
#include "common/util/dates.h"
#include "common/util/log.h"
#include "services/placement/src/domain/clocks.h"
#include "services/placement/src/storage/placement_store.h"

namespace fhv::placement {
namespace {

struct Current {
  std::vector<v1::StatutoryClockRule> rules;
  std::string fingerprint;  // this binary's for `rules`
};

absl::StatusOr<Current> CurrentRules(db::Connection& conn) {
  auto rules = PlacementStore::Rules(conn);
  if (!rules.ok()) return rules.status();
  Current c{.rules = *std::move(rules)};
  c.fingerprint = DueDatesFingerprint(c.rules);
  return c;
}

}  // namespace

absl::Status PrepareDueDates(db::Pool& pool, const Clock& clock) {
  auto st = pool.Run([&](db::Connection& conn) {
    return db::InTransaction(conn, [&]() -> absl::Status {
      auto current = CurrentRules(conn);
      if (!current.ok()) return current.status();
      auto changed = PlacementStore::ChangeDueFingerprint(conn, current->fingerprint, clock.Now());
      if (!changed.ok()) return changed.status();
      if (*changed) {
        log::Info(
            "the clock rules or logic differ from those of the stored due dates: "
            "every active placement's are recomputed");
      }
      return absl::OkStatus();
    });
  });
  if (!st.ok()) return st;
  return ReconcileDueDates(pool, clock).status();
}

absl::StatusOr<int> ReconcileDueDates(db::Pool& pool, const Clock& clock) {
  constexpr int kBatch = 500;
  Current current;
  bool recorded = false;
  auto st = pool.Run([&](db::Connection& conn) -> absl::Status {
    auto c = CurrentRules(conn);
    if (!c.ok()) return c.status();
    current = *std::move(c);
    auto stored = PlacementStore::DueFingerprint(conn);
    if (!stored.ok()) return stored.status();
    recorded = *stored == current.fingerprint;
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (!recorded) return 0;

  const absl::Time started = clock.Now();
  std::string after = "00000000-0000-0000-0000-000000000000";
  int done = 0;
  for (bool more = true; more;) {
    int n = 0;  // set inside the transaction, which may run more than once
    std::string last;
    st = pool.Run([&](db::Connection& conn) {
      return db::InTransaction(conn, [&]() -> absl::Status {
        auto batch = PlacementStore::LockStaleDue(conn, after, kBatch);
        if (!batch.ok()) return batch.status();
        const absl::CivilDay today = Today(clock.Now());
        for (auto& p : *batch) {
          for (auto& d : Deadlines(FactsOf(p), current.rules, today)) {
            *p.add_deadlines() = std::move(d);
          }
          if (auto s = PlacementStore::StoreDue(conn, p, current.fingerprint); !s.ok()) return s;
        }
        n = static_cast<int>(batch->size());
        if (n > 0) last = batch->back().placement_id();
        return absl::OkStatus();
      });
    });
    if (!st.ok()) return st;
    done += n;
    more = n == kBatch;
    if (n > 0) after = last;
    if (more && done % (20 * kBatch) == 0) {
      log::Info("statutory due dates recomputed so far", {{"placements", std::to_string(done)}});
    }
  }
  if (done > 0) {
    log::Info("statutory due dates recomputed",
              {{"placements", std::to_string(done)},
               {"seconds", absl::StrFormat("%.1f", absl::ToDoubleSeconds(clock.Now() - started))}});
  }
  return done;
}

}  // namespace fhv::placement
