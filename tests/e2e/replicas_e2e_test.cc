// Two replicas of every service against one database: the demo's whole flow (interest to bank
// file) with every service's calls alternating between its replicas, and each replica's events
// sent to the other replicas of the services it calls. Every event must reach its destination
// once and take effect once.

#include <sstream>

#include "tests/e2e/suite_fixture.h"

namespace fhv::testing {
namespace {

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

class ReplicasE2E : public SuiteE2E {
 protected:
  void SetUp() override { StartSuite(2); }
};

TEST_F(ReplicasE2E, TheWholeFlowThroughTwoReplicasLosesNoEventAndAppliesNoneTwice) {
  std::ostringstream story;
  auto ids = demo::RunFlow(addresses_, keys_.signer(), {}, story);
  ASSERT_TRUE(ids.ok()) << ids.status() << "\n" << story.str();
  EXPECT_TRUE(ids->run_approved) << story.str();

  // Both replicas of every service answered calls.
  for (const auto& [service, replicas] : processes_) {
    for (const auto& r : replicas) {
      EXPECT_GT(SuiteCallsHandled(HttpGet(r->metrics_port(), "/metrics")), 0) << r->address();
    }
  }

  // Opened, approved and started: events to recruitment and payments at least.
  EXPECT_GE(ExpectEveryEventAppliedOnce(), 4);
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
  ExpectRunPaysTheAgreementOnce(ids->payment_run_id, ids->agreement_id);
}

}  // namespace
}  // namespace fhv::testing
