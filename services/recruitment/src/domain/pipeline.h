#pragma once

// Pure rules for the applicant pipeline: which step leads where, and the funnel
// statistics over applicants' histories.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fhv/recruitment/v1/recruitment_service.pb.h"

namespace fhv::recruitment {

namespace v1 = ::fhv::recruitment::v1;

// A step of the pipeline, made by a verb RPC or by an investigation event.
enum class PipelineStep {
  kContact,             // NEW -> CONTACTED
  kHoldInfoMeeting,     // CONTACTED -> INFO_MEETING_HELD
  kApply,               // INFO_MEETING_HELD -> APPLIED
  kStartInvestigation,  // APPLIED -> IN_INVESTIGATION
  kApprove,             // IN_INVESTIGATION -> APPROVED
  kReject,              // IN_INVESTIGATION -> REJECTED
  kWithdraw,            // any open state -> WITHDRAWN
};

// Returns the state `step` leads to from `from`. Otherwise returns FAILED_PRECONDITION
// with reason INVALID_STATE, a message naming the current state and the step (e.g.
// "applicant is APPLICANT_STATE_NEW; cannot start investigation") and ErrorInfo
// metadata {"state": <the enum name of `from`>}.
absl::StatusOr<v1::ApplicantState> NextState(v1::ApplicantState from, PipelineStep step);

// The state an investigation event moves the applicant to, or UNSPECIFIED for no change.
// Events record decisions made in the investigation service, so they are not refused:
// kStartInvestigation moves any open state before IN_INVESTIGATION there; kApprove,
// kReject and kWithdraw close any open state. A terminal state, or the state already
// reached, is left as it is (a repeated or late event changes nothing). Other steps
// give UNSPECIFIED.
v1::ApplicantState StateAfterEvent(v1::ApplicantState from, PipelineStep step);

// True for the open states NEW..IN_INVESTIGATION; false for the terminal states
// APPROVED, REJECTED, WITHDRAWN and for UNSPECIFIED.
bool IsOpen(v1::ApplicantState state);

// One applicant as the funnel sees it.
struct FunnelInput {
  v1::InterestSource source = v1::INTEREST_SOURCE_UNSPECIFIED;
  std::string campaign_id;
  // Every step with its time, oldest first.
  std::vector<v1::ApplicantTransition> history;
};

// Returns one row per (source, campaign_id) present in `applicants`, ordered by the
// source's enum value, then by campaign_id; empty input gives no rows.
// - `reached` maps a state's enum name (e.g. "APPLICANT_STATE_CONTACTED") to the number
//   of applicants whose history contains that state. A skipped step is not counted;
//   states no applicant reached, and UNSPECIFIED, are absent.
// - `median_days` maps each consecutive pair of the main path NEW -> CONTACTED ->
//   INFO_MEETING_HELD -> APPLIED -> IN_INVESTIGATION -> APPROVED, keyed
//   "APPLICANT_STATE_NEW->APPLICANT_STATE_CONTACTED" etc., to the median, over the
//   applicants whose history has both states, of the time from the earlier to the later
//   state in (fractional) days. An even count gives the mean of the two middle values.
//   Pairs no applicant has are absent. A state that occurs twice in one history counts
//   at its first occurrence.
std::vector<v1::FunnelRow> Funnel(const std::vector<FunnelInput>& applicants);

}  // namespace fhv::recruitment
