#include "common/events/sink.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/auth/policy.h"
#include "common/util/ids.h"
#include "common/util/status.h"

namespace fhv::events {

grpc::ServerUnaryReactor* EventSink::DeliverEvent(
    grpc::CallbackServerContext* ctx, const fhv::common::v1::DeliverEventRequest* request,
    fhv::common::v1::DeliverEventResponse* response) {
  return server::Serve(
      rt_, ctx,
      {.method = "DeliverEvent",
       .action = auth::Action::kDeliverEvent,
       .kind = server::CallKind::kWrite},
      *request, response,
      [this, request, response](server::CallContext& call, db::Connection& conn) -> absl::Status {
        const auto& event = request->event();
        Violations v;
        if (!IsUuid(event.event_id())) v.Add("event.event_id", "must be a UUID");
        if (event.source().empty()) v.Add("event.source", "is required");
        if (event.payload().type_url().empty()) v.Add("event.payload", "is required");
        if (auto st = v.ToStatus(); !st.ok()) return st;
        absl::string_view type = event.payload().type_url();
        type.remove_prefix(std::min(type.size(), type.rfind('/') + 1));
        auto handler = handlers_.find(type);
        if (handler == handlers_.end()) {
          return FailedPrecondition("UNHANDLED_EVENT_TYPE",
                                    absl::StrCat(rt_.service, " does not consume ", type));
        }
        const db::Statement record{
            "events_record",
            absl::StrCat("INSERT INTO ", rt_.schema,
                         ".processed_events (event_id, source, event_type, processed_at) "
                         "VALUES ($1::uuid, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING")};
        auto r = conn.Exec(record, {event.event_id(), event.source(), type, call.now()});
        if (!r.ok()) return r.status();
        if (r->affected() == 0) {
          response->set_applied(false);  // applied before
          return absl::OkStatus();
        }
        if (auto st = handler->second(call, conn, event); !st.ok()) return st;
        if (rt_.metrics) rt_.metrics->EventsApplied(type).Increment();
        response->set_applied(true);
        return absl::OkStatus();
      });
}

}  // namespace fhv::events
