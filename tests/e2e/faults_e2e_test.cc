// kill -9 of each service in turn in the middle of the demo's whole flow, right before the flow
// or an event needs it, and a restart two seconds later while the flow goes on (calls answered
// UNAVAILABLE are retried unchanged, with the same request_id). Every
// flow completes, no event is lost, and nothing is created twice.

#include <memory>
#include <sstream>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/synchronization/notification.h"
#include "tests/e2e/suite_fixture.h"

namespace fhv::testing {
namespace {

struct Victim {
  std::string service;
  int after_step;  // the demo's step numbers (tools/fhv-demo/flow.cc)
};

// Payments first: only the first flow pays its month (later ones find the run approved).
const Victim kVictims[] = {
    {"payments", 17},      // placement started: its event to payments, and the polls, wait
    {"recruitment", 12},   // matching: the search, and placement's checks with recruitment, wait
    {"investigation", 4},  // investigation opened: the flow's next calls wait
    {"placement", 16},     // approved: starting the placement (with its request_id) waits
};

class FaultsE2E : public SuiteE2E {
 protected:
  void SetUp() override { StartSuite(1); }
};

TEST_F(FaultsE2E, EachServiceKilledMidFlowAndRestartedLosesNothingAndDoublesNothing) {
  // A restarted service runs as the child of the thread that started it, and dies when that
  // thread ends (PR_SET_PDEATHSIG): the threads wait for the end of the test.
  absl::Notification test_over;
  std::vector<std::thread> restarters;
  auto join = absl::MakeCleanup([&] {
    test_over.Notify();
    for (auto& t : restarters) t.join();
  });
  std::vector<demo::FlowIds> flows;
  for (const Victim& v : kVictims) {
    SCOPED_TRACE(v.service);
    ServiceProcess& process = *processes_[v.service][0];
    auto restarted = std::make_shared<absl::Notification>();
    auto ready = std::make_shared<bool>(false);
    demo::FlowOptions options;
    options.retry_unavailable = absl::Seconds(30);
    options.after_step = [&](int step) {
      if (step != v.after_step) return;
      process.Kill();
      restarters.emplace_back([&process, &test_over, restarted, ready] {
        absl::SleepFor(absl::Seconds(2));
        *ready = process.Start();
        restarted->Notify();
        test_over.WaitForNotification();
      });
    };
    std::ostringstream story;
    auto ids = demo::RunFlow(addresses_, keys_.signer(), options, story);
    ASSERT_TRUE(restarted->WaitForNotificationWithTimeout(absl::Seconds(30))) << story.str();
    ASSERT_TRUE(*ready) << process.Log();
    ASSERT_TRUE(ids.ok()) << ids.status() << "\n" << story.str();
    flows.push_back(*ids);
  }

  EXPECT_GE(ExpectEveryEventAppliedOnce(), 4 * 4);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM recruitment.home"), 4);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM recruitment.applicant_transition "
                      "WHERE state = 'APPLICANT_STATE_APPROVED'"),
            4);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM placement.placement"), 4);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments.agreement"), 4);
  ASSERT_TRUE(flows[0].run_approved);
  ExpectRunPaysTheAgreementOnce(flows[0].payment_run_id, flows[0].agreement_id);
}

}  // namespace
}  // namespace fhv::testing
