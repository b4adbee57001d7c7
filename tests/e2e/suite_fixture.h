#pragma once

// The whole suite for end-to-end tests: every service's binary, in one or more replicas against
// one throwaway database, and the checks that no event was lost or applied twice.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "fhv/payments/v1/payments_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/test_env.h"
#include "tools/fhv-demo/flow.h"

namespace fhv::testing {

class SuiteE2E : public ::testing::Test {
 protected:
  static inline const std::vector<std::string> kServices = {"recruitment", "investigation",
                                                            "placement", "payments"};

  // Migrates and starts `replicas` of every service; replica r sends its events to replica
  // (r + 1) % replicas of each service. Seeds Malå and its region.
  void StartSuite(int replicas) {
    std::map<std::string, std::vector<int>> ports;
    for (const std::string& s : kServices) {
      auto r = RunBinary("fhv-" + s, {"--migrate", "--database_dsn=" + db_.Dsn(s)});
      ASSERT_EQ(r.exit_code, 0) << r.output;
      for (int i = 0; i < replicas; ++i) ports[s].push_back(FreePort());
    }
    for (int replica = 0; replica < replicas; ++replica) {
      std::vector<std::string> peers;
      for (const std::string& s : kServices) {
        peers.push_back(absl::StrCat(s, "=127.0.0.1:", ports[s][(replica + 1) % replicas]));
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
        processes_[s].push_back(std::move(process));
      }
    }
    SeedPlaces(addresses_["recruitment"][0], keys_.Mint(SuiteAdmin()));
  }

  // Waits up to 60 s until no schema has an undelivered event; the undelivered count then.
  int64_t AwaitOutboxesEmpty() {
    int64_t pending = -1;
    for (int i = 0; i < 300 && pending != 0; ++i) {
      if (pending > 0) absl::SleepFor(absl::Milliseconds(200));
      pending = 0;
      for (const std::string& s : kServices) {
        pending += db_.Count(
            absl::StrCat("SELECT count(*) FROM ", s, ".outbox WHERE delivered_at IS NULL"));
      }
    }
    return pending;
  }

  // No event lost: every event of every outbox was delivered and recorded as applied by its
  // destination (each once: processed_events is keyed by the event id). Returns the number of
  // events.
  int64_t ExpectEveryEventAppliedOnce() {
    EXPECT_EQ(AwaitOutboxesEmpty(), 0);
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
    return events;
  }

  // The payment lines of a run, each kind of line at most once and all of `agreement_id`.
  void ExpectRunPaysTheAgreementOnce(const std::string& run_id, const std::string& agreement_id) {
    auth::Principal finance = Admin("2418");
    finance.roles = {"finance_officer"};
    fhv::payments::v1::ListPaymentLinesRequest lines;
    lines.set_payment_run_id(run_id);
    auto stub = fhv::payments::v1::PaymentsService::NewStub(
        grpc::CreateChannel(addresses_["payments"].back(), grpc::InsecureChannelCredentials()));
    auto listed = CallRpc(*stub, &fhv::payments::v1::PaymentsService::Stub::ListPaymentLines, lines,
                          keys_.Mint(finance));
    ASSERT_TRUE(listed.ok()) << listed.status();
    ASSERT_GT(listed->lines_size(), 0);
    std::set<int> kinds;
    for (const auto& l : listed->lines()) {
      EXPECT_EQ(l.agreement_id(), agreement_id);
      EXPECT_TRUE(kinds.insert(l.kind()).second)
          << fhv::payments::v1::PaymentLineKind_Name(l.kind());
    }
  }

  TestDatabase db_{kServices};
  TestKeys keys_;
  std::map<std::string, std::vector<std::unique_ptr<ServiceProcess>>> processes_;
  demo::Addresses addresses_;
};

}  // namespace fhv::testing
