// Two replicas of every service against one database: the demo's whole flow (interest to bank
// file) with every service's calls alternating between its replicas, and each replica's events
// sent to the other replicas of the services it calls. Every event must reach its destination
// once and take effect once.

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"
#include "tools/fhv-demo/flow.h"

namespace fhv::testing {
namespace {

namespace payv1 = ::fhv::payments::v1;

const std::vector<std::string> kServices = {"recruitment", "investigation", "placement",
                                            "payments"};

// The sum of grpc_server_handled_total over the suite's own services on a metrics page.
double SuiteCallsHandled(const std::string& page) {
  double sum = 0;
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("grpc_server_handled_total{", 0) != 0) continue;
    if (line.find("grpc_service=\"fhv.") == std::string::npos) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

class ReplicasE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    std::map<std::string, std::vector<int>> ports;
    for (const std::string& s : kServices) {
      auto r = RunBinary("fhv-" + s, {"--migrate", "--database_dsn=" + db_.Dsn(s)});
      ASSERT_EQ(r.exit_code, 0) << r.output;
      ports[s] = {FreePort(), FreePort()};
    }
    for (int replica = 0; replica < 2; ++replica) {
      // Events go to the other replica of each service.
      std::vector<std::string> peers;
      for (const std::string& s : kServices) {
        peers.push_back(absl::StrCat(s, "=127.0.0.1:", ports[s][1 - replica]));
      }
      for (const std::string& s : kServices) {
        auto process = std::make_unique<ServiceProcess>(
            "fhv-" + s,
            std::vector<std::string>{
                "--database_dsn=" + db_.Dsn(s), "--jwt_public_keys=" + keys_.public_pem_path(),
                "--jwt_issuer=fhv-test", "--service_key=" + keys_.private_pem_path(),
                "--peers=" + absl::StrJoin(peers, ","), "--gauge_refresh=500ms"},
            ports[s][replica]);
        ASSERT_TRUE(process->running()) << process->Log();
        addresses_[s].push_back(process->address());
        replicas_.push_back(std::move(process));
      }
    }
    SeedPlaces(addresses_["recruitment"][0], keys_.Mint(SuiteAdmin()));
  }

  // Waits up to 30 s until no schema has an undelivered event; the undelivered count then.
  int64_t AwaitOutboxesEmpty() {
    int64_t pending = -1;
    for (int i = 0; i < 150 && pending != 0; ++i) {
      if (pending > 0) absl::SleepFor(absl::Milliseconds(200));
      pending = 0;
      for (const std::string& s : kServices) {
        pending += db_.Count(
            absl::StrCat("SELECT count(*) FROM ", s, ".outbox WHERE delivered_at IS NULL"));
      }
    }
    return pending;
  }

  TestDatabase db_{kServices};
  TestKeys keys_;
  std::vector<std::unique_ptr<ServiceProcess>> replicas_;
  demo::Addresses addresses_;
};

TEST_F(ReplicasE2E, TheWholeFlowThroughTwoReplicasLosesNoEventAndAppliesNoneTwice) {
  std::ostringstream story;
  auto ids = demo::RunFlow(addresses_, keys_.signer(), {}, story);
  ASSERT_TRUE(ids.ok()) << ids.status() << "\n" << story.str();
  EXPECT_TRUE(ids->run_approved) << story.str();

  // Both replicas of every service answered calls.
  for (const auto& r : replicas_) {
    EXPECT_GT(SuiteCallsHandled(HttpGet(r->metrics_port(), "/metrics")), 0) << r->address();
  }

  // No event lost: every event of every outbox was delivered and recorded as applied by its
  // destination.
  ASSERT_EQ(AwaitOutboxesEmpty(), 0);
  int64_t events = 0;
  for (const std::string& from : kServices) {
    for (const std::string& to : kServices) {
      const std::string of =
          absl::StrCat("FROM ", from, ".outbox o WHERE o.destination = '", to, "'");
      events += db_.Count(absl::StrCat("SELECT count(*) ", of));
      EXPECT_EQ(db_.Count(absl::StrCat("SELECT count(*) ", of, " AND NOT EXISTS (SELECT 1 FROM ",
                                       to, ".processed_events p WHERE p.event_id = o.event_id)")),
                0)
          << from << " -> " << to;
    }
  }
  // Opened, approved and started: events to recruitment and payments at least.
  EXPECT_GE(events, 4);

  // None applied twice: each effect exists once.
  EXPECT_EQ(db_.Count("SELECT count(*) FROM recruitment.home"), 1);
  for (const char* state : {"APPLICANT_STATE_IN_INVESTIGATION", "APPLICANT_STATE_APPROVED"}) {
    EXPECT_EQ(db_.Count(absl::StrCat("SELECT count(*) FROM recruitment.applicant_transition ",
                                     "WHERE state = '", state, "'")),
              1)
        << state;
  }
  EXPECT_EQ(db_.Count("SELECT count(*) FROM placement.placement"), 1);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.agreement"), 1);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.payout"), 1);

  // The run pays the one agreement once: each kind of line at most once.
  auth::Principal finance = Admin("2418");
  finance.roles = {"finance_officer"};
  payv1::ListPaymentLinesRequest lines;
  lines.set_payment_run_id(ids->payment_run_id);
  auto stub = payv1::PaymentsService::NewStub(
      grpc::CreateChannel(addresses_["payments"][1], grpc::InsecureChannelCredentials()));
  auto listed =
      CallRpc(*stub, &payv1::PaymentsService::Stub::ListPaymentLines, lines, keys_.Mint(finance));
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_GT(listed->lines_size(), 0);
  std::set<int> kinds;
  for (const auto& l : listed->lines()) {
    EXPECT_EQ(l.agreement_id(), ids->agreement_id);
    EXPECT_TRUE(kinds.insert(l.kind()).second) << payv1::PaymentLineKind_Name(l.kind());
  }
}

}  // namespace
}  // namespace fhv::testing
