// The database core against the real PostgreSQL: pool bounds, transaction retries,
// migrations, and the audit hash chains.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/audit/audit.h"
#include "common/db/migrate.h"
#include "common/db/pool.h"
#include "common/db/transaction.h"
#include "common/util/status.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<db::Connection> Open(const std::string& dsn) {
  auto c = db::Connection::Open(dsn, nullptr);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *std::move(c) : nullptr;
}

TEST(PoolTest, ExhaustedPoolAnswersUnavailableQuickly) {
  TestDatabase db({"recruitment"});
  db::Pool pool({.dsn = db.Dsn("recruitment"),
                 .size = 1,
                 .acquire_timeout = absl::Milliseconds(100),
                 .max_waiting = 2},
                nullptr);
  absl::Notification busy;
  std::promise<absl::Status> slow;
  // Occupies the only connection for 2 seconds.
  pool.Submit([&](absl::StatusOr<db::Connection*> conn) {
    busy.Notify();
    slow.set_value(conn.ok() ? (*conn)->ExecScript("SELECT pg_sleep(2)") : conn.status());
  });
  busy.WaitForNotification();
  const absl::Time start = absl::Now();
  // Waits in the queue, then gives up after the acquire timeout.
  std::promise<absl::Status> waited;
  pool.Submit([&](absl::StatusOr<db::Connection*> conn) { waited.set_value(conn.status()); });
  // The queue holds two; the next ones are refused at once.
  pool.Submit([](absl::StatusOr<db::Connection*>) {});
  std::promise<absl::Status> refused;
  pool.Submit([&](absl::StatusOr<db::Connection*> conn) { refused.set_value(conn.status()); });
  absl::Status r = refused.get_future().get();
  EXPECT_EQ(r.code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(200));
  absl::Status w = waited.get_future().get();
  EXPECT_EQ(w.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(GetReason(w), "POOL_EXHAUSTED");
  // Answered once the acquire timeout has passed, well before the slow call (2 s) ends.
  const absl::Duration answered = absl::Now() - start;
  EXPECT_GE(answered, absl::Milliseconds(100));
  EXPECT_LT(answered, absl::Milliseconds(1200));
  EXPECT_TRUE(slow.get_future().get().ok());
}

TEST(PoolTest, ReconnectsAfterTheConnectionIsKilled) {
  TestDatabase db({"recruitment"});
  db::Pool pool({.dsn = db.Dsn("recruitment"), .size = 1}, nullptr);
  ASSERT_TRUE(pool.Run([](db::Connection& c) { return c.ExecScript("SELECT 1"); }).ok());
  auto admin = db.Admin();
  ASSERT_TRUE(admin
                  ->ExecScript(absl::StrCat("SELECT pg_terminate_backend(pid) FROM "
                                            "pg_stat_activity WHERE usename = '",
                                            db.Role("recruitment"), "'"))
                  .ok());
  absl::SleepFor(absl::Milliseconds(300));  // the server closes the session
  // The next call is not the victim: the closed connection is replaced before it runs.
  EXPECT_TRUE(pool.Run([](db::Connection& c) { return c.ExecScript("SELECT 1"); }).ok());
}

TEST(TransactionTest, RetriesSerializationFailures) {
  TestDatabase db({"recruitment"});
  auto setup = Open(db.Dsn("recruitment"));
  ASSERT_TRUE(setup
                  ->ExecScript("CREATE TABLE recruitment.counter (n int); "
                               "INSERT INTO recruitment.counter VALUES (0)")
                  .ok());
  // Many serializable read-modify-writes at once: conflicts happen, none is lost.
  constexpr int kThreads = 4, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto conn = Open(db.Dsn("recruitment"));
      const db::Statement read{"read", "SELECT n FROM recruitment.counter"};
      const db::Statement write{"write", "UPDATE recruitment.counter SET n = $1::int"};
      for (int i = 0; i < kEach; ++i) {
        absl::Status st =
            db::InTransaction(*conn,
                              [&]() -> absl::Status {
                                auto r = conn->Exec(read);
                                if (!r.ok()) return r.status();
                                return conn->Exec(write, {r->Int64(0, 0) + 1}).status();
                              },
                              {.isolation = db::Isolation::kSerializable, .max_attempts = 50});
        if (!st.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  auto r = setup->Exec({"final", "SELECT n FROM recruitment.counter"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Int64(0, 0), kThreads * kEach);
}

TEST(TransactionTest, OtherErrorsRollBackAndAreNotRetried) {
  TestDatabase db({"recruitment"});
  auto conn = Open(db.Dsn("recruitment"));
  ASSERT_TRUE(conn->ExecScript("CREATE TABLE recruitment.t (k int PRIMARY KEY)").ok());
  int attempts = 0;
  absl::Status st = db::InTransaction(*conn, [&]() -> absl::Status {
    ++attempts;
    if (auto s = conn->ExecScript("INSERT INTO recruitment.t VALUES (1)"); !s.ok()) return s;
    return conn->ExecScript("INSERT INTO recruitment.t VALUES (1)");
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(attempts, 1);
  auto r = conn->Exec({"count_t", "SELECT count(*) FROM recruitment.t"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->Int64(0, 0), 0);  // nothing half-written
}

const std::vector<db::MigrationFile> kFiles = {
    {"V001__one.sql", "CREATE TABLE recruitment.one (id int);"},
    {"V002__two.sql", "CREATE TABLE recruitment.two (id int);"},
};

TEST(MigrateTest, AppliesOnceAndRefusesAChangedFile) {
  TestDatabase db({"recruitment"});
  auto conn = Open(db.Dsn("recruitment"));
  ASSERT_TRUE(db::Migrate(*conn, "recruitment", kFiles).ok());
  ASSERT_TRUE(db::Migrate(*conn, "recruitment", kFiles).ok());  // a second run does nothing
  EXPECT_TRUE(db::CheckMigrated(*conn, "recruitment", kFiles).ok());
  auto n = conn->Exec({"n", "SELECT count(*) FROM recruitment.schema_migrations"});
  ASSERT_TRUE(n.ok());
  // The common files and both of ours.
  EXPECT_EQ(n->Int64(0, 0), static_cast<int64_t>(db::CommonMigrations().size() + 2));

  std::vector<db::MigrationFile> changed = kFiles;
  changed[0].sql = "CREATE TABLE recruitment.one (id bigint);";
  changed.push_back({"V003__three.sql", "CREATE TABLE recruitment.three (id int);"});
  absl::Status st = db::Migrate(*conn, "recruitment", changed);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(GetReason(st), "MIGRATION_CHANGED");
  EXPECT_THAT(std::string(st.message()), HasSubstr("V001__one.sql"));
  // Nothing of the refused run was applied.
  auto three = conn->Exec({"three", "SELECT to_regclass('recruitment.three') IS NULL"});
  ASSERT_TRUE(three.ok());
  EXPECT_TRUE(three->Bool(0, 0));
  // A binary that lacks an applied file is refused too.
  st = db::Migrate(*conn, "recruitment", {kFiles[0]});
  EXPECT_EQ(GetReason(st), "MIGRATION_UNKNOWN");
  // A pending file stops a service from serving.
  EXPECT_EQ(GetReason(db::CheckMigrated(*conn, "recruitment",
                                        {kFiles[0], kFiles[1], {"V003__three.sql", "SELECT 1;"}})),
            "MIGRATION_PENDING");
}

TEST(MigrateTest, ReplicasMigratingAtOnceApplyEachFileOnce) {
  TestDatabase db({"recruitment"});
  std::vector<std::future<absl::Status>> runs;
  for (int i = 0; i < 4; ++i) {
    runs.push_back(std::async(std::launch::async, [&] {
      auto conn = Open(db.Dsn("recruitment"));
      return db::Migrate(*conn, "recruitment", kFiles);
    }));
  }
  for (auto& r : runs) EXPECT_TRUE(r.get().ok());
  auto conn = Open(db.Dsn("recruitment"));
  auto n = conn->Exec({"n", "SELECT count(*) FROM recruitment.schema_migrations"});
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->Int64(0, 0), static_cast<int64_t>(db::CommonMigrations().size() + 2));
}

TEST(MigrateTest, AServiceRoleCannotTouchAnotherSchema) {
  TestDatabase db({"recruitment", "placement"});
  auto conn = Open(db.Dsn("recruitment"));
  ASSERT_TRUE(db::Migrate(*conn, "recruitment", {}).ok());
  auto other = Open(db.Dsn("placement"));
  EXPECT_FALSE(other->ExecScript("SELECT count(*) FROM recruitment.audit_log").ok());
  EXPECT_FALSE(other->ExecScript("CREATE TABLE recruitment.x (id int)").ok());
  EXPECT_EQ(db::Migrate(*other, "recruitment", {}).code(), absl::StatusCode::kInternal);
}

audit::Entry E(const std::string& id) {
  return {absl::FromUnixMicros(1795400000123456),
          "u1",
          "2418",
          "recruiter",
          "test.Read",
          "interest",
          id,
          "req"};
}

TEST(AuditTest, ChainsVerifyAndFindAlteredAndDeletedRows) {
  TestDatabase db({"recruitment"});
  auto a = Open(db.Dsn("recruitment"));
  auto b = Open(db.Dsn("recruitment"));
  ASSERT_TRUE(db::Migrate(*a, "recruitment", {}).ok());
  // Two connections append at the same time, each to a chain of its own.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(db::InTransaction(*a, [&] {
                  return audit::Append(*a, "recruitment", {E(absl::StrCat("a", i))});
                }).ok());
    ASSERT_TRUE(db::InTransaction(*b, [&] {
                  return audit::Append(*b, "recruitment",
                                       {E(absl::StrCat("b", i)), E(absl::StrCat("b", i, "x"))});
                }).ok());
  }
  // A rolled-back append leaves no gap.
  EXPECT_FALSE(db::InTransaction(*a, [&]() -> absl::Status {
                 if (auto st = audit::Append(*a, "recruitment", {E("gone")}); !st.ok()) return st;
                 return absl::AbortedError("roll back");
               }).ok());
  ASSERT_TRUE(
      db::InTransaction(*a, [&] { return audit::Append(*a, "recruitment", {E("a5")}); }).ok());

  auto report = audit::Verify(*a, "recruitment");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << report->problems[0];
  EXPECT_EQ(report->rows, 16);
  EXPECT_EQ(report->chains, 2);

  auto admin = db.Admin();
  ASSERT_TRUE(admin
                  ->ExecScript("SET session_replication_role = replica; "
                               "UPDATE recruitment.audit_log SET resource_id = 'a9' "
                               "WHERE resource_id = 'a2'")
                  .ok());
  report = audit::Verify(*a, "recruitment");
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_THAT(report->problems[0], HasSubstr("altered"));

  ASSERT_TRUE(admin
                  ->ExecScript("SET session_replication_role = replica; "
                               "DELETE FROM recruitment.audit_log WHERE resource_id = 'b2'")
                  .ok());
  report = audit::Verify(*a, "recruitment");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->problems.size(), 2u);
  EXPECT_THAT(report->problems[1], HasSubstr("deleted"));
}

TEST(AuditTest, GroupCommitSharesCommitsAndAnswersAfterDurability) {
  TestDatabase db({"recruitment"});
  {
    auto conn = Open(db.Dsn("recruitment"));
    ASSERT_TRUE(db::Migrate(*conn, "recruitment", {}).ok());
  }
  metrics::Metrics metrics;
  constexpr int kReads = 200;
  std::vector<std::future<absl::Status>> done;
  {
    audit::GroupCommitter committer(db.Dsn("recruitment"), "recruitment", &metrics);
    std::vector<std::shared_ptr<std::promise<absl::Status>>> promises;
    for (int i = 0; i < kReads; ++i) {
      auto p = std::make_shared<std::promise<absl::Status>>();
      done.push_back(p->get_future());
      committer.Submit({E(absl::StrCat("r", i))},
                       [p](absl::Status st) { p->set_value(std::move(st)); });
    }
    for (auto& f : done) EXPECT_TRUE(f.get().ok());
    // Every answered read is in the table already.
    auto conn = Open(db.Dsn("recruitment"));
    auto n = conn->Exec({"n", "SELECT count(*) FROM recruitment.audit_log"});
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->Int64(0, 0), kReads);
  }
  // Fewer commits than reads: they were shared.
  prometheus::ClientMetric m;
  for (const auto& family : metrics.registry().Collect()) {
    if (family.name == "fhv_audit_group_commit_rows") m = family.metric.at(0);
  }
  EXPECT_EQ(m.histogram.sample_sum, kReads);
  EXPECT_LT(m.histogram.sample_count, static_cast<uint64_t>(kReads));
}

}  // namespace
}  // namespace fhv::testing
