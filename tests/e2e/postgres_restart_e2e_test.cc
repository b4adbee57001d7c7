// PostgreSQL itself restarted under load: fhv-recruitment reports NOT_SERVING while its
// database is down, recovers without being touched, and no acknowledged write is lost, after a
// crash (pg_ctl stop -m immediate) as after a clean shutdown (-m fast). The restarted cluster is
// a private one of each test, never the cluster that tests/run shares between tests.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/db/connection.h"
#include "common/util/ids.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"

namespace fhv::testing {
namespace {

namespace v1 = ::fhv::recruitment::v1;

std::string ShellQuote(absl::string_view s) {
  return absl::StrCat("'", absl::StrReplaceAll(s, {{"'", "'\\''"}}), "'");
}

// Runs one function of deploy/lib/pg.sh, e.g. PgSh({"fhv_pg_stop", datadir}); its exit code and
// output (stdout and stderr).
RunResult PgSh(const std::vector<std::string>& args) {
  std::string cmd = absl::StrCat("bash -c ", ShellQuote(R"(source "$0" && "$@")"), " ",
                                 ShellQuote(FHV_SOURCE_DIR "/deploy/lib/pg.sh"));
  for (const auto& a : args) absl::StrAppend(&cmd, " ", ShellQuote(a));
  return RunCommand(cmd);
}

// Polls `done` every 20 ms until it holds or `timeout` passed; whether it held.
bool Await(absl::Duration timeout, const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

int Occurrences(absl::string_view text, absl::string_view needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != absl::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// A PostgreSQL 15 cluster of one test in a temporary directory under /tmp: superuser fhv_test,
// trust auth, 127.0.0.1 only, a free port. synchronous_commit on: a commit is answered only once
// its WAL is written out, so a crash of the server's processes keeps it (with it off, the crash
// test does lose acknowledged writes); fsync and full_page_writes on, as in production. Stopped
// and removed at destruction. Runs as the `postgres` OS user when the test runs as root
// (deploy/lib/pg.sh).
class PrivateCluster {
 public:
  PrivateCluster() {
    char tmpl[] = "/tmp/fhv-pg-restart-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    dir_ = tmpl;
    chmod(dir_.c_str(), 0755);  // the postgres OS user must reach data/ and run/
    // For tests/run to remove the cluster if this process is killed (fhv_pg_reap).
    std::ofstream(dir_ + "/owner") << getpid() << "\n";
    const RunResult own = PgSh({"fhv_pg_own", dir_});
    if (own.exit_code != 0) {
      ADD_FAILURE() << own.output;
      return;
    }
    const RunResult init = PgSh({"fhv_pg_init", dir_ + "/data", "fhv_test"});
    if (init.exit_code != 0) {
      ADD_FAILURE() << "initdb failed:\n" << init.output;
      return;
    }
    port_ = FreePort();
    const RunResult started = Start();
    if (started.exit_code != 0) {
      ADD_FAILURE() << "PostgreSQL did not start:\n" << started.output;
      return;
    }
    ok_ = true;
  }

  ~PrivateCluster() {
    if (dir_.empty()) return;
    const RunResult stopped = PgSh({"fhv_pg_stop", dir_ + "/data"});
    EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // True once initdb and the first start succeeded.
  bool ok() const { return ok_; }
  // A superuser DSN (database postgres).
  std::string AdminDsn() const {
    return absl::StrCat("host=127.0.0.1 port=", port_, " user=fhv_test dbname=postgres");
  }

  // Starts the server on the same port and data directory and waits until it accepts
  // connections (after crash recovery, if any).
  RunResult Start() const {
    return PgSh({"fhv_pg_start", dir_ + "/data", absl::StrCat(port_), dir_ + "/run",
                 dir_ + "/postgres.log", "fsync=on", "synchronous_commit=on", "full_page_writes=on",
                 "max_connections=50", "shared_buffers=32MB"});
  }

  // pg_ctl stop -m <mode> ("fast": sessions terminated, a checkpoint; "immediate": every
  // process killed, no checkpoint, crash recovery at the next start) and waits until the
  // server is gone.
  RunResult Stop(const std::string& mode) const {
    return PgSh(
        {"fhv_pg_run", "pg_ctl", "stop", "-D", dir_ + "/data", "-m", mode, "-w", "-t", "30", "-s"});
  }

 private:
  std::string dir_;
  int port_ = 0;
  bool ok_ = false;
};

// The outage as the writers see it; a call belongs to the phase it started in.
enum Phase { kBefore = 0, kDown = 1, kRestarting = 2, kAfter = 3, kPhases = 4 };
constexpr const char* kPhaseNames[kPhases] = {"before", "down", "restarting", "after"};

class PostgresRestartE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = std::make_unique<PrivateCluster>();
    ASSERT_TRUE(cluster_->ok());
    db_ = std::make_unique<TestDatabase>(std::vector<std::string>{"recruitment"},
                                         cluster_->AdminDsn());
    auto migrated =
        RunBinary("fhv-recruitment", {"--migrate", "--database_dsn=" + db_->Dsn("recruitment")});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.output;
    server_ = std::make_unique<ServiceProcess>(
        "fhv-recruitment", std::vector<std::string>{"--database_dsn=" + db_->Dsn("recruitment"),
                                                    "--jwt_public_keys=" + keys_.public_pem_path(),
                                                    "--jwt_issuer=fhv-test", "--pool_size=4"});
    ASSERT_TRUE(server_->running()) << server_->Log();
    SeedPlaces(server_->address(), keys_.Mint(SuiteAdmin()));
    token_ = keys_.Mint(Recruiter("2418"));
  }

  // Four writers submit interests while PostgreSQL is stopped with `stop_mode` and started
  // again, then every check of the issue.
  void RestartUnderLoad(const std::string& stop_mode);

  // Destroyed in reverse: the service first, the cluster last.
  std::unique_ptr<PrivateCluster> cluster_;
  std::unique_ptr<TestDatabase> db_;
  TestKeys keys_;
  std::unique_ptr<ServiceProcess> server_;
  std::string token_;
};

void PostgresRestartE2E::RestartUnderLoad(const std::string& stop_mode) {
  ASSERT_EQ(HealthCheck(server_->address()), "SERVING");
  const absl::Time test_start = absl::Now();
  std::atomic<int> phase{kBefore};
  std::atomic<bool> stop{false};
  std::mutex mu;
  // Guarded by mu.
  std::vector<std::string> acknowledged;
  std::map<grpc::StatusCode, int> codes[kPhases];  // by the phase a call started in
  int acks_started_after = 0;
  int refused_within_down = 0;  // calls that started and ended while the server was down
  int acked_within_down = 0;
  absl::Duration slowest_refusal_within_down;
  int abandoned = 0;  // submissions never acknowledged
  std::vector<std::string> unexpected;

  auto writer = [&](int t) {
    auto stub = RecruitmentStub(server_->address());
    absl::Time give_up = absl::InfiniteFuture();
    for (int serial = 0; !stop; ++serial) {
      // A personnummer of its own for every submission (one open application per person):
      // 1000 serials per birth date, 336 dates per writer.
      const int block = serial / 1000;
      const std::string born =
          absl::StrFormat("19%02d%02d%02d", 50 + t, 1 + block / 28 % 12, 1 + block % 28);
      v1::SubmitInterestRequest req;
      req.set_request_id(NewUuid());
      *req.mutable_interest() = SampleInterest(MakePersonnummer(born, serial));
      // As a client should (AIP-155): UNAVAILABLE is retried with the same request_id until
      // acknowledged; after `stop`, for at most 15 s more.
      for (;;) {
        const int started_in = phase;
        const absl::Time t0 = absl::Now();
        v1::SubmitInterestResponse resp;
        const grpc::Status st = stub->SubmitInterest(Ctx(token_).get(), req, &resp);
        const absl::Duration took = absl::Now() - t0;
        const int ended_in = phase;
        {
          std::lock_guard<std::mutex> lock(mu);
          ++codes[started_in][st.error_code()];
          const bool within_down = started_in == kDown && ended_in == kDown;
          if (st.ok()) {
            acknowledged.push_back(resp.interest().id());
            if (started_in == kAfter) ++acks_started_after;
            if (within_down) ++acked_within_down;
          } else if (within_down) {
            ++refused_within_down;
            slowest_refusal_within_down = std::max(slowest_refusal_within_down, took);
          }
          if (!st.ok() && st.error_code() != grpc::StatusCode::UNAVAILABLE) {
            unexpected.push_back(absl::StrCat(kPhaseNames[started_in], ": ", st.error_code(), " ",
                                              st.error_message()));
          }
        }
        if (st.ok() || st.error_code() != grpc::StatusCode::UNAVAILABLE) break;
        if (stop && give_up == absl::InfiniteFuture()) give_up = absl::Now() + absl::Seconds(15);
        if (absl::Now() > give_up) {
          std::lock_guard<std::mutex> lock(mu);
          ++abandoned;
          break;
        }
        // A client's back-off: the refusals are immediate, so retrying at once would only spin.
        absl::SleepFor(absl::Milliseconds(20));
      }
    }
  };
  std::vector<std::thread> writers;
  // Joins the writers on every way out of this function, failed assertions included.
  struct Joiner {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Joiner() {
      stop = true;
      for (auto& w : threads) {
        if (w.joinable()) w.join();
      }
    }
  } joiner{stop, writers};
  for (int t = 0; t < 4; ++t) writers.emplace_back(writer, t);

  auto acks = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return acknowledged.size();
  };
  auto await_health = [&](const std::string& want, absl::Duration timeout) {
    std::string seen;
    Await(timeout, [&] { return (seen = HealthCheck(server_->address())) == want; });
    return seen;
  };

  // Writes are acknowledged before the outage.
  ASSERT_TRUE(Await(absl::Seconds(10), [&] { return acks() >= 20; }))
      << acks() << " writes acknowledged in 10 s before the outage";
  const size_t acked_before = acks();

  const RunResult stopped = cluster_->Stop(stop_mode);
  ASSERT_EQ(stopped.exit_code, 0) << "pg_ctl stop -m " << stop_mode << ":\n" << stopped.output;
  phase = kDown;
  const absl::Time down_at = absl::Now();
  // The service probes its database about once a second.
  EXPECT_EQ(await_health("NOT_SERVING", absl::Seconds(15)), "NOT_SERVING")
      << "health while PostgreSQL is down";
  const absl::Duration to_not_serving = absl::Now() - down_at;
  EXPECT_TRUE(Await(absl::Seconds(10), [&] {
    std::lock_guard<std::mutex> lock(mu);
    return refused_within_down >= 8;
  })) << "writes were not refused while PostgreSQL was down";

  phase = kRestarting;
  const RunResult started = cluster_->Start();
  ASSERT_EQ(started.exit_code, 0) << "PostgreSQL did not start again:\n" << started.output;
  phase = kAfter;
  const absl::Time up_at = absl::Now();
  // Recovery by the service alone: nothing is called but health checks and the writers.
  EXPECT_EQ(await_health("SERVING", absl::Seconds(30)), "SERVING")
      << "health 30 s after PostgreSQL accepts connections again";
  const absl::Duration to_serving = absl::Now() - up_at;
  EXPECT_TRUE(Await(absl::Seconds(15), [&] {
    std::lock_guard<std::mutex> lock(mu);
    return acks_started_after > 0;
  })) << "no write begun after the restart was acknowledged within 15 s";
  const absl::Duration to_first_ack = absl::Now() - up_at;

  stop = true;
  for (auto& w : writers) w.join();

  std::string summary;
  for (int p = 0; p < kPhases; ++p) {
    absl::StrAppend(&summary, " ", kPhaseNames[p], ":");
    for (const auto& [code, n] : codes[p]) absl::StrAppend(&summary, " ", code, "=", n);
  }
  std::printf(
      "[ restart  ] -m %s: NOT_SERVING after %s, SERVING %s and a write %s after the "
      "start; %zu acknowledged; calls by phase (code=count):%s; %s in all\n",
      stop_mode.c_str(), absl::FormatDuration(to_not_serving).c_str(),
      absl::FormatDuration(to_serving).c_str(), absl::FormatDuration(to_first_ack).c_str(),
      acknowledged.size(), summary.c_str(), absl::FormatDuration(absl::Now() - test_start).c_str());

  // The outage was met: writes acknowledged before and after it, refused during it.
  EXPECT_GT(acked_before, 0u);
  EXPECT_GT(acks_started_after, 0);
  EXPECT_GT(refused_within_down, 0);
  EXPECT_EQ(acked_within_down, 0) << "writes acknowledged while PostgreSQL was down";
  // UNAVAILABLE is the only refusal: a lost connection, a refused connect or a server starting
  // up all map to it, and each is answered at once. DEADLINE_EXCEEDED (the client's 10 s) is
  // not accepted: the pool waits at most 500 ms for a worker and a connect at most 5 s
  // (connect_timeout), so a call that runs out the client's deadline hangs on a dead database.
  EXPECT_TRUE(unexpected.empty()) << unexpected.size()
                                  << " calls failed otherwise, first: " << unexpected.front();
  EXPECT_LT(slowest_refusal_within_down, absl::Seconds(5));
  EXPECT_EQ(abandoned, 0) << "submissions still refused 15 s after the writers were stopped";

  // Every acknowledged write is there, once; with every submission acknowledged (abandoned == 0)
  // the table holds nothing else: a retry whose first attempt committed unanswered replayed it.
  ASSERT_FALSE(acknowledged.empty());
  EXPECT_EQ(std::set<std::string>(acknowledged.begin(), acknowledged.end()).size(),
            acknowledged.size())
      << "two submissions were acknowledged with the same interest";
  auto admin = db_->Admin();
  ASSERT_NE(admin, nullptr);
  auto found = admin->Exec({"acknowledged_found",
                            "SELECT count(*) FROM recruitment.interest WHERE id = ANY($1::uuid[])"},
                           {db::Param::TextArray(acknowledged)});
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->Int64(0, 0), static_cast<int64_t>(acknowledged.size()))
      << "acknowledged writes lost";
  EXPECT_EQ(db_->Count("SELECT count(*) FROM recruitment.interest"),
            static_cast<int64_t>(acknowledged.size()))
      << "interests written that were never acknowledged, or written twice";

  // The same process throughout: it never exited, and it started serving once.
  EXPECT_EQ(server_->Wait(absl::Milliseconds(100)), -1);
  EXPECT_TRUE(server_->running()) << "the service exited:\n" << server_->Log();
  const std::string log = server_->Log();
  EXPECT_EQ(Occurrences(log, R"("msg":"serving")"), 1);
  EXPECT_GE(Occurrences(log, "database unreachable: NOT_SERVING"), 1);
  EXPECT_GE(Occurrences(log, "database reachable: SERVING"), 2);
}

// The real proof: every process of the server killed, no checkpoint, crash recovery at the start.
TEST_F(PostgresRestartE2E, ACrashedDatabaseLosesNoAcknowledgedWriteAndServiceRecoversAlone) {
  RestartUnderLoad("immediate");
}

// A clean shutdown: sessions terminated with 57P01 (admin_shutdown), a checkpoint.
TEST_F(PostgresRestartE2E, AStoppedDatabaseLosesNoAcknowledgedWriteAndServiceRecoversAlone) {
  RestartUnderLoad("fast");
}

}  // namespace
}  // namespace fhv::testing
