#include "services/recruitment/src/grpc/event_handlers.h"

#include <algorithm>

#include "common/util/dates.h"
#include "common/util/ids.h"
#include "common/util/log.h"
#include "common/util/paging.h"
#include "common/util/status.h"
#include "fhv/investigation/v1/events.pb.h"
#include "fhv/placement/v1/events.pb.h"
#include "services/recruitment/src/domain/home.h"
#include "services/recruitment/src/storage/applicant_store.h"
#include "services/recruitment/src/storage/home_store.h"

namespace fhv::recruitment {
namespace {

namespace inv = ::fhv::investigation::v1;
using events::On;
using events::Unpack;

// Enters or replaces the home of an approval.
absl::Status UpsertApproved(server::CallContext& call, db::Connection& conn,
                            const std::string& home_id, const std::string& applicant_id,
                            const fhv::common::v1::OrganisationRef& owner,
                            const inv::ApprovalScope& scope, const inv::HomeProfile& profile,
                            const fhv::common::v1::Date& decision_date) {
  auto home = HomeFromApproval(home_id, applicant_id, owner, scope, profile);
  if (!home.ok()) return home.status();
  auto decided = FromDate(decision_date, "decision_date");
  if (!decided.ok()) return decided.status();
  // A home is shared only with regions its owner belongs to; others are left out rather
  // than block the approval (which would hold back every later event of the applicant).
  if (home->owner().kind() != fhv::common::v1::ORGANISATION_KIND_MUNICIPALITY) {
    home->clear_shared_with_regions();
  } else {
    const std::vector<std::string> regions(home->shared_with_regions().begin(),
                                           home->shared_with_regions().end());
    auto outside = HomeStore::RegionsNotJoinedBy(conn, regions, home->owner().id());
    if (!outside.ok()) return outside.status();
    if (!outside->empty()) {
      log::Warn("approval names regions the owner is not in; not shared with them",
                {{"home_id", home_id}, {"regions_left_out", std::to_string(outside->size())}});
      home->clear_shared_with_regions();
      for (size_t i = 0; i < regions.size(); ++i) {
        if (std::find(outside->begin(), outside->end(), static_cast<int>(i)) == outside->end()) {
          home->add_shared_with_regions(regions[i]);
        }
      }
    }
  }
  // Once protected, an address stays protected: a later approval does not lower it.
  auto existing = HomeStore::GetMany(conn, {home_id}, {.all = true});
  if (!existing.ok()) return existing.status();
  if (!existing->empty() && existing->front().protected_address()) {
    home->set_protected_address(true);
  }
  call.Audit("home", home_id);
  return HomeStore::Upsert(conn, *home, *decided, call.now()).status();
}

constexpr char kInvestigationActor[] = "service:investigation";

}  // namespace

void RegisterEventHandlers(server::Runtime&, events::EventSink& sink) {
  sink.On("fhv.investigation.v1.InvestigationOpenedEvent",
          On<inv::InvestigationOpenedEvent>([](server::CallContext& call, db::Connection& conn,
                                               const inv::InvestigationOpenedEvent& e) {
            if (e.kind() != inv::INVESTIGATION_KIND_INITIAL) return absl::OkStatus();
            return ApplicantStore::RecordEvent(conn, e.applicant_id(),
                                               PipelineStep::kStartInvestigation,
                                               kInvestigationActor, call.now());
          }));
  sink.On(
      "fhv.investigation.v1.HomeApprovedEvent",
      On<inv::HomeApprovedEvent>([](server::CallContext& call, db::Connection& conn,
                                    const inv::HomeApprovedEvent& e) -> absl::Status {
        auto applicant = ApplicantStore::Get(conn, e.applicant_id(), "");
        if (!applicant.ok()) return applicant.status();
        if (applicant->state() == v1::APPLICANT_STATE_WITHDRAWN) {
          // The applicant withdrew before the decision arrived: no home enters.
          log::Warn("approval of a withdrawn applicant; the home is not entered",
                    {{"applicant_id", e.applicant_id()}});
          return absl::OkStatus();
        }
        if (auto st = ApplicantStore::RecordEvent(conn, e.applicant_id(), PipelineStep::kApprove,
                                                  kInvestigationActor, call.now());
            !st.ok()) {
          return st;
        }
        return UpsertApproved(call, conn, e.home_id(), e.applicant_id(), e.approving_organisation(),
                              e.scope(), e.profile(), e.decision_date());
      }));
  sink.On("fhv.investigation.v1.HomeApprovalUpdatedEvent",
          On<inv::HomeApprovalUpdatedEvent>([](server::CallContext& call, db::Connection& conn,
                                               const inv::HomeApprovalUpdatedEvent& e) {
            return UpsertApproved(call, conn, e.home_id(), e.applicant_id(),
                                  e.approving_organisation(), e.scope(), e.profile(),
                                  e.decision_date());
          }));
  sink.On("fhv.investigation.v1.HomeApprovalRevokedEvent",
          On<inv::HomeApprovalRevokedEvent>([](server::CallContext& call, db::Connection& conn,
                                               const inv::HomeApprovalRevokedEvent& e) {
            call.Audit("home", e.home_id());
            return HomeStore::Revoke(conn, e.home_id(), call.now());
          }));
  sink.On("fhv.investigation.v1.HomeRejectedEvent",
          On<inv::HomeRejectedEvent>(
              [](server::CallContext& call, db::Connection& conn, const inv::HomeRejectedEvent& e) {
                return ApplicantStore::RecordEvent(conn, e.applicant_id(), PipelineStep::kReject,
                                                   kInvestigationActor, call.now());
              }));
  sink.On(
      "fhv.investigation.v1.InvestigationDiscontinuedEvent",
      On<inv::InvestigationDiscontinuedEvent>([](server::CallContext& call, db::Connection& conn,
                                                 const inv::InvestigationDiscontinuedEvent& e) {
        if (e.kind() != inv::INVESTIGATION_KIND_INITIAL ||
            e.reason() != inv::DISCONTINUATION_REASON_APPLICANT_WITHDREW) {
          return absl::OkStatus();
        }
        return ApplicantStore::RecordEvent(conn, e.applicant_id(), PipelineStep::kWithdraw,
                                           kInvestigationActor, call.now());
      }));
  sink.On("fhv.placement.v1.PlacementStartedEvent",
          [](server::CallContext& call, db::Connection& conn,
             const fhv::common::v1::EventEnvelope& envelope) -> absl::Status {
            auto event = Unpack<fhv::placement::v1::PlacementStartedEvent>(envelope);
            if (!event.ok()) return event.status();
            auto start = FromDate(event->start_date(), "start_date");
            if (!start.ok()) return start.status();
            call.Audit("home", event->home_id());
            return HomeStore::RecordPlacement(conn, event->placement_id(), event->home_id(), *start,
                                              std::nullopt, call.now());
          });
  sink.On("fhv.placement.v1.PlacementEndedEvent",
          [](server::CallContext& call, db::Connection& conn,
             const fhv::common::v1::EventEnvelope& envelope) -> absl::Status {
            auto event = Unpack<fhv::placement::v1::PlacementEndedEvent>(envelope);
            if (!event.ok()) return event.status();
            auto start = FromDate(event->start_date(), "start_date");
            if (!start.ok()) return start.status();
            auto end = FromDate(event->end_date(), "end_date");
            if (!end.ok()) return end.status();
            call.Audit("home", event->home_id());
            return HomeStore::RecordPlacement(conn, event->placement_id(), event->home_id(), *start,
                                              *end, call.now());
          });
}

}  // namespace fhv::recruitment
