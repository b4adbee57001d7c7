#pragma once

// The one way a payments record (a run, a claim, a purchase pre-approval) enters a state: the
// state set and the change kept with its time, actor and reason.

#include <string>

#include "absl/time/time.h"
#include "common/util/dates.h"

namespace fhv::payments {

template <typename Record, typename State>
void EnterState(Record& record, State state, const std::string& user, absl::Time now,
                const std::string& reason = "") {
  record.set_state(state);
  auto* t = record.add_transitions();
  t->set_state(state);
  *t->mutable_time() = ToTimestamp(now);
  t->set_actor_user_id(user);
  t->set_reason(reason);
}

}  // namespace fhv::payments
