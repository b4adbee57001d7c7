#include "services/recruitment/src/domain/pipeline.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "google/protobuf/util/time_util.h"

namespace fhv::recruitment {
namespace {

using ::google::protobuf::Timestamp;

constexpr double kSecondsPerDay = 86400.0;

// The main path, in order; median_days covers each consecutive pair.
constexpr std::array<v1::ApplicantState, 6> kMainPath = {
    v1::APPLICANT_STATE_NEW,
    v1::APPLICANT_STATE_CONTACTED,
    v1::APPLICANT_STATE_INFO_MEETING_HELD,
    v1::APPLICANT_STATE_APPLIED,
    v1::APPLICANT_STATE_IN_INVESTIGATION,
    v1::APPLICANT_STATE_APPROVED,
};

std::string StateName(v1::ApplicantState state) {
  if (!v1::ApplicantState_IsValid(state)) return absl::StrCat(static_cast<int>(state));
  return v1::ApplicantState_Name(state);
}

const char* StepText(PipelineStep step) {
  switch (step) {
    case PipelineStep::kContact:
      return "contact";
    case PipelineStep::kHoldInfoMeeting:
      return "hold info meeting";
    case PipelineStep::kApply:
      return "apply";
    case PipelineStep::kStartInvestigation:
      return "start investigation";
    case PipelineStep::kApprove:
      return "approve";
    case PipelineStep::kReject:
      return "reject";
    case PipelineStep::kWithdraw:
      return "withdraw";
  }
  return "make an unknown step";
}

// The state `step` leads to from `from`, or UNSPECIFIED if it is not allowed.
v1::ApplicantState Target(v1::ApplicantState from, PipelineStep step) {
  switch (step) {
    case PipelineStep::kContact:
      if (from == v1::APPLICANT_STATE_NEW) return v1::APPLICANT_STATE_CONTACTED;
      break;
    case PipelineStep::kHoldInfoMeeting:
      if (from == v1::APPLICANT_STATE_CONTACTED) return v1::APPLICANT_STATE_INFO_MEETING_HELD;
      break;
    case PipelineStep::kApply:
      if (from == v1::APPLICANT_STATE_INFO_MEETING_HELD) return v1::APPLICANT_STATE_APPLIED;
      break;
    case PipelineStep::kStartInvestigation:
      if (from == v1::APPLICANT_STATE_APPLIED) return v1::APPLICANT_STATE_IN_INVESTIGATION;
      break;
    case PipelineStep::kApprove:
      if (from == v1::APPLICANT_STATE_IN_INVESTIGATION) return v1::APPLICANT_STATE_APPROVED;
      break;
    case PipelineStep::kReject:
      if (from == v1::APPLICANT_STATE_IN_INVESTIGATION) return v1::APPLICANT_STATE_REJECTED;
      break;
    case PipelineStep::kWithdraw:
      if (IsOpen(from)) return v1::APPLICANT_STATE_WITHDRAWN;
      break;
  }
  return v1::APPLICANT_STATE_UNSPECIFIED;
}

double Days(const Timestamp& from, const Timestamp& to) {
  // operator- on Timestamps comes from time_util.h.
  const google::protobuf::Duration d = to - from;
  return static_cast<double>(d.seconds()) / kSecondsPerDay +
         static_cast<double>(d.nanos()) / (kSecondsPerDay * 1e9);
}

// Sorts `values` (non-empty) and returns their median.
double Median(std::vector<double>& values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  if (n % 2 == 1) return values[n / 2];
  return (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

struct Group {
  std::map<std::string, int64_t> reached;
  // Index i holds the day counts from kMainPath[i] to kMainPath[i + 1].
  std::array<std::vector<double>, kMainPath.size() - 1> days;
};

}  // namespace

bool IsOpen(v1::ApplicantState state) {
  switch (state) {
    case v1::APPLICANT_STATE_NEW:
    case v1::APPLICANT_STATE_CONTACTED:
    case v1::APPLICANT_STATE_INFO_MEETING_HELD:
    case v1::APPLICANT_STATE_APPLIED:
    case v1::APPLICANT_STATE_IN_INVESTIGATION:
      return true;
    default:
      return false;
  }
}

absl::StatusOr<v1::ApplicantState> NextState(v1::ApplicantState from, PipelineStep step) {
  const v1::ApplicantState to = Target(from, step);
  if (to != v1::APPLICANT_STATE_UNSPECIFIED) return to;
  const std::string state = StateName(from);
  return fhv::Error(absl::StatusCode::kFailedPrecondition, "INVALID_STATE",
                    absl::StrCat("applicant is ", state, "; cannot ", StepText(step)),
                    {{"state", state}});
}

v1::ApplicantState StateAfterEvent(v1::ApplicantState from, PipelineStep step) {
  if (!IsOpen(from)) return v1::APPLICANT_STATE_UNSPECIFIED;
  switch (step) {
    case PipelineStep::kStartInvestigation:
      return from == v1::APPLICANT_STATE_IN_INVESTIGATION ? v1::APPLICANT_STATE_UNSPECIFIED
                                                          : v1::APPLICANT_STATE_IN_INVESTIGATION;
    case PipelineStep::kApprove:
      return v1::APPLICANT_STATE_APPROVED;
    case PipelineStep::kReject:
      return v1::APPLICANT_STATE_REJECTED;
    case PipelineStep::kWithdraw:
      return v1::APPLICANT_STATE_WITHDRAWN;
    default:
      return v1::APPLICANT_STATE_UNSPECIFIED;
  }
}

std::vector<v1::FunnelRow> Funnel(const std::vector<FunnelInput>& applicants) {
  // Keyed by (source, campaign_id) so that iteration gives the row order.
  std::map<std::pair<int, std::string>, Group> groups;
  for (const FunnelInput& applicant : applicants) {
    Group& group = groups[{static_cast<int>(applicant.source), applicant.campaign_id}];
    // The first time each state occurs in the history.
    std::map<v1::ApplicantState, const Timestamp*> first;
    for (const v1::ApplicantTransition& t : applicant.history) {
      if (t.state() == v1::APPLICANT_STATE_UNSPECIFIED) continue;
      first.emplace(t.state(), &t.at());
    }
    for (const auto& [state, at] : first) ++group.reached[StateName(state)];
    for (size_t i = 0; i + 1 < kMainPath.size(); ++i) {
      auto earlier = first.find(kMainPath[i]);
      auto later = first.find(kMainPath[i + 1]);
      if (earlier == first.end() || later == first.end()) continue;
      group.days[i].push_back(Days(*earlier->second, *later->second));
    }
  }

  std::vector<v1::FunnelRow> rows;
  rows.reserve(groups.size());
  for (auto& [key, group] : groups) {
    v1::FunnelRow& row = rows.emplace_back();
    row.set_source(static_cast<v1::InterestSource>(key.first));
    row.set_campaign_id(key.second);
    row.mutable_reached()->insert(group.reached.begin(), group.reached.end());
    for (size_t i = 0; i < group.days.size(); ++i) {
      if (group.days[i].empty()) continue;
      (*row.mutable_median_days())[absl::StrCat(
          StateName(kMainPath[i]), "->", StateName(kMainPath[i + 1]))] = Median(group.days[i]);
    }
  }
  return rows;
}

}  // namespace fhv::recruitment
