#include "services/placement/src/jobs/due_dates.h"

#include "absl/strings/str_format.h"
#include "common/db/transaction.h"
#include "common/util/dates.h"
#include "common/util/log.h"
#include "services/placement/src/domain/clocks.h"
#include "services/placement/src/storage/placement_store.h"

namespace fhv::placement {

absl::StatusOr<int> RebuildDueDates(db::Pool& pool, const Clock& clock) {
  constexpr int kBatch = 500;
  std::vector<v1::StatutoryClockRule> rules;
  std::string fingerprint;
  bool current = false;
  auto st = pool.Run([&](db::Connection& conn) -> absl::Status {
    auto r = PlacementStore::Rules(conn);
    if (!r.ok()) return r.status();
    rules = *std::move(r);
    fingerprint = DueDatesFingerprint(rules);
    auto stored = PlacementStore::DueFingerprint(conn);
    if (!stored.ok()) return stored.status();
    current = *stored == fingerprint;
    return absl::OkStatus();
  });
  if (!st.ok()) return st;
  if (current) return 0;

  log::Info("recomputing the statutory due dates of the active placements");
  const absl::Time started = clock.Now();
  std::string after = "00000000-0000-0000-0000-000000000000";
  int done = 0;
  for (bool more = true; more;) {
    int n = 0;  // set inside the transaction, which may run more than once
    std::string last;
    st = pool.Run([&](db::Connection& conn) {
      return db::InTransaction(conn, [&]() -> absl::Status {
        auto batch = PlacementStore::LockActivePlacements(conn, after, kBatch);
        if (!batch.ok()) return batch.status();
        const absl::CivilDay today = Today(clock.Now());
        for (auto& p : *batch) {
          for (auto& d : Deadlines(FactsOf(p), rules, today)) *p.add_deadlines() = std::move(d);
          if (auto s = PlacementStore::StoreDue(conn, p); !s.ok()) return s;
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
  st = pool.Run([&](db::Connection& conn) {
    return db::InTransaction(conn, [&]() -> absl::Status {
      if (auto s = PlacementStore::DropInactiveDue(conn); !s.ok()) return s;
      return PlacementStore::SetDueFingerprint(conn, fingerprint, clock.Now());
    });
  });
  if (!st.ok()) return st;
  log::Info("statutory due dates recomputed",
            {{"placements", std::to_string(done)},
             {"seconds", absl::StrFormat("%.1f", absl::ToDoubleSeconds(clock.Now() - started))}});
  return done;
}

}  // namespace fhv::placement
