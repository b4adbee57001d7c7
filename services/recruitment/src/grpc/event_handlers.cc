#include "services/recruitment/src/grpc/event_handlers.h"

#include "common/util/status.h"
#include "fhv/placement/v1/events.pb.h"
#include "services/recruitment/src/grpc/convert.h"
#include "services/recruitment/src/storage/home_store.h"

namespace fhv::recruitment {
namespace {

template <typename Event>
absl::StatusOr<Event> Unpack(const fhv::common::v1::EventEnvelope& envelope) {
  Event event;
  if (!envelope.payload().UnpackTo(&event)) {
    return absl::InvalidArgumentError("the event's payload does not parse");
  }
  return event;
}

}  // namespace

void RegisterEventHandlers(server::Runtime&, events::EventSink& sink) {
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
