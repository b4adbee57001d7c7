#include "common/metrics/gauges.h"

#include "common/util/log.h"

namespace fhv::metrics {

void CountedGauges::Set(const std::map<Labels, double>& values) {
  absl::MutexLock lock(&mu_);
  for (const auto& labels : known_) {
    if (!values.contains(labels)) family_.Add(labels).Set(0);
  }
  for (const auto& [labels, value] : values) {
    family_.Add(labels).Set(value);
    known_.insert(labels);
  }
}

Periodic::Periodic(std::string what, absl::Duration interval, std::function<absl::Status()> refresh)
    : thread_([this, what = std::move(what), interval, refresh = std::move(refresh)] {
        do {
          if (auto st = refresh(); !st.ok()) {
            log::Warn("periodic refresh failed",
                      {{"what", what}, {"error", std::string(st.message())}});
          }
        } while (!stop_.WaitForNotificationWithTimeout(interval));
      }) {}

Periodic::~Periodic() {
  stop_.Notify();
  thread_.join();
}

}  // namespace fhv::metrics
