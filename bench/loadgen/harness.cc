#include "bench/loadgen/harness.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace fhv::bench {
namespace {

constexpr size_t kMaxErrorKinds = 20;

struct Sample {
  int op;
  absl::Duration took;
  bool ok;
};

// One caller's state; touched only by its own chain of calls (one call at a time).
struct Caller {
  int index = 0;
  int64_t seq = 0;
  std::mt19937_64 rng;
  std::vector<Sample> samples;
  std::map<std::string, int64_t> errors;
};

class Run {
 public:
  Run(const std::vector<Operation>& ops, const LoadOptions& options)
      : ops_(ops), options_(options) {
    std::vector<int> weights;
    for (const auto& op : ops) weights.push_back(op.weight);
    pick_ = std::discrete_distribution<int>(weights.begin(), weights.end());
    callers_.resize(options.callers);
    for (int i = 0; i < options.callers; ++i) {
      callers_[i].index = i;
      callers_[i].rng.seed(options.seed * 1000003 + i);
    }
    start_ = absl::Now();
    measure_from_ = start_ + options.warmup;
    end_ = measure_from_ + options.duration;
  }

  LoadResult Go() {
    if (ops_.front().start_async) {
      running_ = options_.callers;
      for (auto& c : callers_) Next(c);
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return running_ == 0; });
    } else {
      std::vector<std::thread> threads;
      for (auto& c : callers_) {
        threads.emplace_back([this, &c] {
          while (absl::Now() < end_) {
            const int op = Pick(c);
            const absl::Time t0 = absl::Now();
            Record(c, op, t0, ops_[op].run_blocking(c.index, c.seq++));
          }
        });
      }
      for (auto& t : threads) t.join();
    }
    return Summarise();
  }

 private:
  int Pick(Caller& c) { return ops_.size() == 1 ? 0 : pick_(c.rng); }

  void Next(Caller& c) {
    if (absl::Now() >= end_) {
      std::lock_guard<std::mutex> lock(mu_);
      if (--running_ == 0) cv_.notify_one();
      return;
    }
    const int op = Pick(c);
    const absl::Time t0 = absl::Now();
    ops_[op].start_async(c.index, c.seq++, [this, &c, op, t0](absl::Status st) {
      Record(c, op, t0, st);
      Next(c);
    });
  }

  void Record(Caller& c, int op, absl::Time t0, const absl::Status& st) {
    const absl::Time t1 = absl::Now();
    if (!st.ok() && c.errors.size() < kMaxErrorKinds) {
      ++c.errors[absl::StrCat(ops_[op].name, ": ", absl::StatusCodeToString(st.code()), ": ",
                              st.message().substr(0, 200))];
    } else if (!st.ok()) {
      ++c.errors["(more kinds of errors)"];
    }
    if (t0 >= measure_from_ && t1 <= end_) c.samples.push_back({op, t1 - t0, st.ok()});
  }

  static Latencies Summary(std::vector<double>& ms, int64_t errors, double seconds) {
    Latencies l;
    l.calls = static_cast<int64_t>(ms.size());
    l.errors = errors;
    l.qps = seconds > 0 ? l.calls / seconds : 0;
    if (ms.empty()) return l;
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
      return ms[std::min(ms.size() - 1, static_cast<size_t>(q * (ms.size() - 1) + 0.5))];
    };
    l.p50_ms = at(0.50);
    l.p95_ms = at(0.95);
    l.p99_ms = at(0.99);
    l.max_ms = ms.back();
    double sum = 0;
    for (double v : ms) sum += v;
    l.mean_ms = sum / ms.size();
    return l;
  }

  LoadResult Summarise() {
    const double seconds = absl::ToDoubleSeconds(options_.duration);
    std::vector<double> all;
    std::vector<std::vector<double>> per(ops_.size());
    std::vector<int64_t> errors(ops_.size());
    LoadResult r;
    for (const auto& c : callers_) {
      for (const auto& s : c.samples) {
        const double ms = absl::ToDoubleMilliseconds(s.took);
        all.push_back(ms);
        per[s.op].push_back(ms);
        if (!s.ok) ++errors[s.op];
      }
      for (const auto& [text, n] : c.errors) {
        r.errors[text] += n;
        r.failed_calls += n;
      }
    }
    int64_t total_errors = 0;
    for (size_t i = 0; i < ops_.size(); ++i) {
      total_errors += errors[i];
      r.by_operation[ops_[i].name] = Summary(per[i], errors[i], seconds);
    }
    r.total = Summary(all, total_errors, seconds);
    return r;
  }

  const std::vector<Operation>& ops_;
  const LoadOptions options_;
  std::discrete_distribution<int> pick_;
  std::vector<Caller> callers_;
  absl::Time start_, measure_from_, end_;
  std::mutex mu_;
  std::condition_variable cv_;
  int running_ = 0;
};

std::string Quote(absl::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", ch);
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string LatencyJson(const Latencies& l) {
  return absl::StrFormat(
      "{\"calls\":%d,\"errors\":%d,\"qps\":%.1f,\"p50_ms\":%.3f,\"p95_ms\":%.3f,"
      "\"p99_ms\":%.3f,\"max_ms\":%.3f,\"mean_ms\":%.3f}",
      l.calls, l.errors, l.qps, l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms, l.mean_ms);
}

}  // namespace

LoadResult RunLoad(const std::vector<Operation>& ops, const LoadOptions& options) {
  Run run(ops, options);
  return run.Go();
}

std::string ToJson(const LoadResult& r) {
  std::vector<std::string> ops, errors;
  for (const auto& [name, l] : r.by_operation) {
    ops.push_back(absl::StrCat(Quote(name), ":", LatencyJson(l)));
  }
  for (const auto& [text, n] : r.errors) errors.push_back(absl::StrCat(Quote(text), ":", n));
  return absl::StrCat("{\"total\":", LatencyJson(r.total), ",\"failed_calls\":", r.failed_calls,
                      ",\"operations\":{", absl::StrJoin(ops, ","), "},\"error_kinds\":{",
                      absl::StrJoin(errors, ","), "}}");
}

}  // namespace fhv::bench
