// The recruitment service's pure pipeline rules and funnel statistics.

#include "services/recruitment/src/domain/pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "google/protobuf/util/time_util.h"

namespace fhv::recruitment {
namespace {

using ::google::protobuf::util::TimeUtil;
using ::testing::DoubleEq;
using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr PipelineStep kAllSteps[] = {
    PipelineStep::kContact,  PipelineStep::kHoldInfoMeeting,
    PipelineStep::kApply,    PipelineStep::kStartInvestigation,
    PipelineStep::kApprove,  PipelineStep::kReject,
    PipelineStep::kWithdraw,
};

constexpr v1::ApplicantState kOpenStates[] = {
    v1::APPLICANT_STATE_NEW,
    v1::APPLICANT_STATE_CONTACTED,
    v1::APPLICANT_STATE_INFO_MEETING_HELD,
    v1::APPLICANT_STATE_APPLIED,
    v1::APPLICANT_STATE_IN_INVESTIGATION,
};

constexpr v1::ApplicantState kTerminalStates[] = {
    v1::APPLICANT_STATE_APPROVED,
    v1::APPLICANT_STATE_REJECTED,
    v1::APPLICANT_STATE_WITHDRAWN,
};

// Every allowed (from, step) and where it leads; everything else is refused.
const std::map<std::pair<v1::ApplicantState, PipelineStep>, v1::ApplicantState>& Allowed() {
  static const auto* allowed =
      new std::map<std::pair<v1::ApplicantState, PipelineStep>, v1::ApplicantState>{
          {{v1::APPLICANT_STATE_NEW, PipelineStep::kContact}, v1::APPLICANT_STATE_CONTACTED},
          {{v1::APPLICANT_STATE_CONTACTED, PipelineStep::kHoldInfoMeeting},
           v1::APPLICANT_STATE_INFO_MEETING_HELD},
          {{v1::APPLICANT_STATE_INFO_MEETING_HELD, PipelineStep::kApply},
           v1::APPLICANT_STATE_APPLIED},
          {{v1::APPLICANT_STATE_APPLIED, PipelineStep::kStartInvestigation},
           v1::APPLICANT_STATE_IN_INVESTIGATION},
          {{v1::APPLICANT_STATE_IN_INVESTIGATION, PipelineStep::kApprove},
           v1::APPLICANT_STATE_APPROVED},
          {{v1::APPLICANT_STATE_IN_INVESTIGATION, PipelineStep::kReject},
           v1::APPLICANT_STATE_REJECTED},
          {{v1::APPLICANT_STATE_NEW, PipelineStep::kWithdraw}, v1::APPLICANT_STATE_WITHDRAWN},
          {{v1::APPLICANT_STATE_CONTACTED, PipelineStep::kWithdraw}, v1::APPLICANT_STATE_WITHDRAWN},
          {{v1::APPLICANT_STATE_INFO_MEETING_HELD, PipelineStep::kWithdraw},
           v1::APPLICANT_STATE_WITHDRAWN},
          {{v1::APPLICANT_STATE_APPLIED, PipelineStep::kWithdraw}, v1::APPLICANT_STATE_WITHDRAWN},
          {{v1::APPLICANT_STATE_IN_INVESTIGATION, PipelineStep::kWithdraw},
           v1::APPLICANT_STATE_WITHDRAWN},
      };
  return *allowed;
}

std::vector<v1::ApplicantState> AllStates() {
  std::vector<v1::ApplicantState> out;
  for (int s = v1::ApplicantState_MIN; s <= v1::ApplicantState_MAX; ++s) {
    out.push_back(static_cast<v1::ApplicantState>(s));
  }
  return out;
}

void ExpectRefused(v1::ApplicantState from, PipelineStep step, const std::string& state_name) {
  auto r = NextState(from, step);
  ASSERT_FALSE(r.ok()) << "allowed, leading to " << v1::ApplicantState_Name(*r);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  EXPECT_EQ(GetReason(r.status()), "INVALID_STATE");
  EXPECT_THAT(GetErrorMetadata(r.status()), ElementsAre(Pair("state", state_name)));
  EXPECT_THAT(std::string(r.status().message()),
              ::testing::StartsWith("applicant is " + state_name + "; cannot "));
}

TEST(PipelineTest, AllowsEveryStepOfThePipeline) {
  ASSERT_EQ(Allowed().size(), 11u);
  for (const auto& [key, to] : Allowed()) {
    const auto& [from, step] = key;
    SCOPED_TRACE(absl::StrCat(v1::ApplicantState_Name(from), " step ", static_cast<int>(step)));
    auto r = NextState(from, step);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, to);
  }
}

TEST(PipelineTest, RefusesEveryOtherStepFromEveryState) {
  int refused = 0;
  for (v1::ApplicantState from : AllStates()) {
    for (PipelineStep step : kAllSteps) {
      if (Allowed().contains({from, step})) continue;
      SCOPED_TRACE(absl::StrCat(v1::ApplicantState_Name(from), " step ", static_cast<int>(step)));
      ExpectRefused(from, step, v1::ApplicantState_Name(from));
      ++refused;
    }
  }
  // 9 states (UNSPECIFIED included) x 7 steps, less the 11 allowed.
  EXPECT_EQ(refused, 9 * 7 - 11);
}

TEST(PipelineTest, MessageNamesTheStateAndTheStep) {
  EXPECT_EQ(
      NextState(v1::APPLICANT_STATE_NEW, PipelineStep::kStartInvestigation).status().message(),
      "applicant is APPLICANT_STATE_NEW; cannot start investigation");
  EXPECT_EQ(NextState(v1::APPLICANT_STATE_WITHDRAWN, PipelineStep::kWithdraw).status().message(),
            "applicant is APPLICANT_STATE_WITHDRAWN; cannot withdraw");
  EXPECT_EQ(NextState(v1::APPLICANT_STATE_APPLIED, PipelineStep::kApprove).status().message(),
            "applicant is APPLICANT_STATE_APPLIED; cannot approve");
  EXPECT_EQ(NextState(v1::APPLICANT_STATE_CONTACTED, PipelineStep::kContact).status().message(),
            "applicant is APPLICANT_STATE_CONTACTED; cannot contact");
}

TEST(PipelineTest, WithdrawsFromEveryOpenStateOnly) {
  for (v1::ApplicantState from : kOpenStates) {
    SCOPED_TRACE(v1::ApplicantState_Name(from));
    auto r = NextState(from, PipelineStep::kWithdraw);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, v1::APPLICANT_STATE_WITHDRAWN);
  }
  for (v1::ApplicantState from : kTerminalStates) {
    SCOPED_TRACE(v1::ApplicantState_Name(from));
    ExpectRefused(from, PipelineStep::kWithdraw, v1::ApplicantState_Name(from));
  }
  ExpectRefused(v1::APPLICANT_STATE_UNSPECIFIED, PipelineStep::kWithdraw,
                "APPLICANT_STATE_UNSPECIFIED");
}

TEST(PipelineTest, TerminalStatesAllowNoStep) {
  for (v1::ApplicantState from : kTerminalStates) {
    for (PipelineStep step : kAllSteps) {
      SCOPED_TRACE(absl::StrCat(v1::ApplicantState_Name(from), " step ", static_cast<int>(step)));
      ExpectRefused(from, step, v1::ApplicantState_Name(from));
    }
  }
}

TEST(PipelineTest, RefusesAStateOutsideTheEnum) {
  ExpectRefused(static_cast<v1::ApplicantState>(42), PipelineStep::kWithdraw, "42");
}

TEST(PipelineTest, IsOpenOnlyFromNewToInInvestigation) {
  for (v1::ApplicantState s : kOpenStates) EXPECT_TRUE(IsOpen(s)) << v1::ApplicantState_Name(s);
  for (v1::ApplicantState s : kTerminalStates)
    EXPECT_FALSE(IsOpen(s)) << v1::ApplicantState_Name(s);
  EXPECT_FALSE(IsOpen(v1::APPLICANT_STATE_UNSPECIFIED));
}

// --- Funnel -----------------------------------------------------------------------------

// 2026-03-02T00:00:00Z.
constexpr int64_t kT0 = 1772409600;

// An applicant whose interest arrived `start_day` days after kT0, with steps
// {state, hours after the start}.
FunnelInput Applicant(v1::InterestSource source, std::string campaign, int start_day,
                      std::vector<std::pair<v1::ApplicantState, double>> steps) {
  FunnelInput in;
  in.source = source;
  in.campaign_id = std::move(campaign);
  for (const auto& [state, hours] : steps) {
    v1::ApplicantTransition& t = in.history.emplace_back();
    t.set_state(state);
    *t.mutable_at() =
        TimeUtil::SecondsToTimestamp(kT0 + int64_t{start_day} * 86400 + std::llround(hours * 3600));
    t.set_actor("user:recruiter");
  }
  return in;
}

std::map<std::string, int64_t> Reached(const v1::FunnelRow& row) {
  return {row.reached().begin(), row.reached().end()};
}

std::map<std::string, double> Medians(const v1::FunnelRow& row) {
  return {row.median_days().begin(), row.median_days().end()};
}

constexpr char kNew[] = "APPLICANT_STATE_NEW";
constexpr char kContacted[] = "APPLICANT_STATE_CONTACTED";
constexpr char kInfo[] = "APPLICANT_STATE_INFO_MEETING_HELD";
constexpr char kApplied[] = "APPLICANT_STATE_APPLIED";
constexpr char kInvestigation[] = "APPLICANT_STATE_IN_INVESTIGATION";
constexpr char kApproved[] = "APPLICANT_STATE_APPROVED";
constexpr char kRejected[] = "APPLICANT_STATE_REJECTED";
constexpr char kWithdrawn[] = "APPLICANT_STATE_WITHDRAWN";

constexpr char kNewToContacted[] = "APPLICANT_STATE_NEW->APPLICANT_STATE_CONTACTED";
constexpr char kContactedToInfo[] = "APPLICANT_STATE_CONTACTED->APPLICANT_STATE_INFO_MEETING_HELD";
constexpr char kInfoToApplied[] = "APPLICANT_STATE_INFO_MEETING_HELD->APPLICANT_STATE_APPLIED";
constexpr char kAppliedToInvestigation[] =
    "APPLICANT_STATE_APPLIED->APPLICANT_STATE_IN_INVESTIGATION";
constexpr char kInvestigationToApproved[] =
    "APPLICANT_STATE_IN_INVESTIGATION->APPLICANT_STATE_APPROVED";

TEST(FunnelTest, EmptyInputGivesNoRows) { EXPECT_THAT(Funnel({}), IsEmpty()); }

TEST(FunnelTest, CountsAndMediansPerSourceAndCampaign) {
  using S = v1::ApplicantState;
  const S kN = v1::APPLICANT_STATE_NEW, kC = v1::APPLICANT_STATE_CONTACTED,
          kI = v1::APPLICANT_STATE_INFO_MEETING_HELD, kA = v1::APPLICANT_STATE_APPLIED,
          kInv = v1::APPLICANT_STATE_IN_INVESTIGATION, kOk = v1::APPLICANT_STATE_APPROVED,
          kNo = v1::APPLICANT_STATE_REJECTED, kW = v1::APPLICANT_STATE_WITHDRAWN;
  const auto kEmail = v1::INTEREST_SOURCE_EMAIL;        // 2
  const auto kPortal = v1::INTEREST_SOURCE_PORTAL;      // 1
  const auto kCampaign = v1::INTEREST_SOURCE_CAMPAIGN;  // 5

  // Deliberately not in row order.
  std::vector<FunnelInput> in = {
      // CAMPAIGN "vinter-2026": NEW->CONTACTED 0.25, 1.5, 3.5, 10 days (even count).
      Applicant(kCampaign, "vinter-2026", 0, {{kN, 0}, {kC, 6}}),
      // EMAIL "": the whole path. Days: 1, 2, 2, 5, 10.
      Applicant(kEmail, "", 3, {{kN, 0}, {kC, 24}, {kI, 72}, {kA, 120}, {kInv, 240}, {kOk, 480}}),
      Applicant(kCampaign, "vinter-2026", 5, {{kN, 0}, {kC, 36}}),
      // PORTAL "": NEW->CONTACTED 30.5 hours.
      Applicant(kPortal, "", 1, {{kN, 0}, {kC, 30.5}}),
      // EMAIL "": contacted after 0.5 days, then withdrew.
      Applicant(kEmail, "", 7, {{kN, 0}, {kC, 12}, {kW, 30}}),
      Applicant(kCampaign, "vinter-2026", 2, {{kN, 0}, {kC, 84}}),
      // CAMPAIGN "host-2025": never went further than NEW.
      Applicant(kCampaign, "host-2025", 4, {{kN, 0}}),
      // EMAIL "": skipped the info meeting. Days: NEW->CONTACTED 2, APPLIED->IN_INV 1.
      Applicant(kEmail, "", 10, {{kN, 0}, {kC, 48}, {kA, 96}, {kInv, 120}, {kNo, 200}}),
      Applicant(kCampaign, "vinter-2026", 9, {{kN, 0}, {kC, 240}, {kW, 250}}),
      // EMAIL "vinter-2026": withdrew before contact.
      Applicant(kEmail, "vinter-2026", 0, {{kN, 0}, {kW, 24}}),
  };

  const std::vector<v1::FunnelRow> rows = Funnel(in);
  ASSERT_EQ(rows.size(), 5u);

  // Ordered by source value (PORTAL=1, EMAIL=2, CAMPAIGN=5), then campaign_id.
  std::vector<std::pair<v1::InterestSource, std::string>> keys;
  for (const auto& row : rows) keys.emplace_back(row.source(), row.campaign_id());
  EXPECT_THAT(keys, ElementsAre(Pair(kPortal, ""), Pair(kEmail, ""), Pair(kEmail, "vinter-2026"),
                                Pair(kCampaign, "host-2025"), Pair(kCampaign, "vinter-2026")));

  // PORTAL "".
  EXPECT_THAT(Reached(rows[0]), ElementsAre(Pair(kContacted, 1), Pair(kNew, 1)));
  EXPECT_THAT(Medians(rows[0]), ElementsAre(Pair(kNewToContacted, DoubleNear(1.2708333, 1e-6))));

  // EMAIL "": three applicants.
  EXPECT_THAT(
      Reached(rows[1]),
      ElementsAre(Pair(kApplied, 2), Pair(kApproved, 1), Pair(kContacted, 3), Pair(kInfo, 1),
                  Pair(kInvestigation, 2), Pair(kNew, 3), Pair(kRejected, 1), Pair(kWithdrawn, 1)));
  EXPECT_THAT(
      Medians(rows[1]),
      ElementsAre(Pair(kAppliedToInvestigation, DoubleEq(3.0)),  // median of 5 and 1
                  Pair(kContactedToInfo, DoubleEq(2.0)), Pair(kInfoToApplied, DoubleEq(2.0)),
                  Pair(kInvestigationToApproved, DoubleEq(10.0)),
                  Pair(kNewToContacted, DoubleEq(1.0))));  // median of 1, 0.5, 2

  // EMAIL "vinter-2026": no pair of the main path.
  EXPECT_THAT(Reached(rows[2]), ElementsAre(Pair(kNew, 1), Pair(kWithdrawn, 1)));
  EXPECT_THAT(Medians(rows[2]), IsEmpty());

  // CAMPAIGN "host-2025".
  EXPECT_THAT(Reached(rows[3]), ElementsAre(Pair(kNew, 1)));
  EXPECT_THAT(Medians(rows[3]), IsEmpty());

  // CAMPAIGN "vinter-2026": four applicants; (1.5 + 3.5) / 2.
  EXPECT_THAT(Reached(rows[4]),
              ElementsAre(Pair(kContacted, 4), Pair(kNew, 4), Pair(kWithdrawn, 1)));
  EXPECT_THAT(Medians(rows[4]), ElementsAre(Pair(kNewToContacted, DoubleEq(2.5))));
}

TEST(FunnelTest, ARepeatedStateCountsOnceAtItsFirstTime) {
  const auto rows = Funnel({Applicant(v1::INTEREST_SOURCE_PHONE, "", 0,
                                      {{v1::APPLICANT_STATE_NEW, 0},
                                       {v1::APPLICANT_STATE_CONTACTED, 24},
                                       {v1::APPLICANT_STATE_CONTACTED, 96}})});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(Reached(rows[0]), ElementsAre(Pair(kContacted, 1), Pair(kNew, 1)));
  EXPECT_THAT(Medians(rows[0]), ElementsAre(Pair(kNewToContacted, DoubleEq(1.0))));
}

TEST(FunnelTest, FractionalDaysKeepSubSecondPrecision) {
  FunnelInput in = Applicant(v1::INTEREST_SOURCE_OTHER, "", 0,
                             {{v1::APPLICANT_STATE_NEW, 0}, {v1::APPLICANT_STATE_CONTACTED, 0}});
  // 43200.5 seconds = 0.5 days + half a second.
  *in.history[1].mutable_at() =
      TimeUtil::NanosecondsToTimestamp(TimeUtil::TimestampToNanoseconds(in.history[0].at()) +
                                       int64_t{43200} * 1000000000 + 500000000);
  const auto rows = Funnel({in});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(Medians(rows[0]), ElementsAre(Pair(kNewToContacted, DoubleEq(43200.5 / 86400.0))));
}

TEST(Pipeline, EventsRecordDecisionsWithoutRefusingAndChangeNothingTwice) {
  for (v1::ApplicantState from : kOpenStates) {
    const v1::ApplicantState started = StateAfterEvent(from, PipelineStep::kStartInvestigation);
    EXPECT_EQ(started, from == v1::APPLICANT_STATE_IN_INVESTIGATION
                           ? v1::APPLICANT_STATE_UNSPECIFIED
                           : v1::APPLICANT_STATE_IN_INVESTIGATION)
        << v1::ApplicantState_Name(from);
    EXPECT_EQ(StateAfterEvent(from, PipelineStep::kApprove), v1::APPLICANT_STATE_APPROVED);
    EXPECT_EQ(StateAfterEvent(from, PipelineStep::kReject), v1::APPLICANT_STATE_REJECTED);
    EXPECT_EQ(StateAfterEvent(from, PipelineStep::kWithdraw), v1::APPLICANT_STATE_WITHDRAWN);
    EXPECT_EQ(StateAfterEvent(from, PipelineStep::kContact), v1::APPLICANT_STATE_UNSPECIFIED);
  }
  for (v1::ApplicantState closed : {v1::APPLICANT_STATE_APPROVED, v1::APPLICANT_STATE_REJECTED,
                                    v1::APPLICANT_STATE_WITHDRAWN}) {
    for (PipelineStep step : kAllSteps) {
      EXPECT_EQ(StateAfterEvent(closed, step), v1::APPLICANT_STATE_UNSPECIFIED);
    }
  }
}

}  // namespace
}  // namespace fhv::recruitment
