#include "common/audit/audit.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/db/transaction.h"
#include "common/util/hash.h"
#include "common/util/log.h"
#include "common/util/status.h"

namespace fhv::audit {
namespace {

// First row of every chain links to this.
const std::string& GenesisHash() {
  static const std::string* h = new std::string(32, '\0');
  return *h;
}

void AppendField(std::string& out, absl::string_view v) {
  const uint64_t n = v.size();
  for (int i = 0; i < 8; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  out.append(v.data(), v.size());
}

int32_t LockClass(absl::string_view schema) {
  // Advisory locks are per database: key the chain locks by schema.
  uint32_t h = 2166136261u;
  for (char c : absl::StrCat("fhv_audit:", schema)) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
  return static_cast<int32_t>(h);
}

// Claims a free chain for this connection and loads its head.
absl::Status ClaimChain(db::Connection& conn, absl::string_view schema) {
  auto& chain = conn.audit_chain();
  if (chain.chain >= 0) return absl::OkStatus();
  const db::Statement try_lock{"audit_try_lock", "SELECT pg_try_advisory_lock($1::int, $2::int)"};
  const db::Statement head{
      "audit_head", absl::StrCat("SELECT position, hash FROM ", schema,
                                 ".audit_log WHERE chain = $1 ORDER BY position DESC LIMIT 1")};
  for (int candidate = 0; candidate < 100000; ++candidate) {
    auto locked = conn.Exec(try_lock, {static_cast<int64_t>(LockClass(schema)), candidate});
    if (!locked.ok()) return locked.status();
    if (!locked->Bool(0, 0)) continue;
    auto h = conn.Exec(head, {candidate});
    if (!h.ok()) return h.status();
    chain.chain = candidate;
    chain.position = h->rows() ? h->Int64(0, 0) : 0;
    chain.last_hash = h->rows() ? h->Bytes(0, 1) : GenesisHash();
    return absl::OkStatus();
  }
  return absl::InternalError("no free audit chain");
}

}  // namespace

std::string RowHash(int chain, int64_t position, absl::string_view prev_hash, const Entry& e) {
  std::string buf;
  AppendField(buf, std::to_string(chain));
  AppendField(buf, std::to_string(position));
  AppendField(buf, prev_hash);
  AppendField(buf, std::to_string(absl::ToUnixMicros(e.occurred_at)));
  AppendField(buf, e.actor_user);
  AppendField(buf, e.actor_org);
  AppendField(buf, e.actor_roles);
  AppendField(buf, e.action);
  AppendField(buf, e.resource_type);
  AppendField(buf, e.resource_id);
  AppendField(buf, e.request_id);
  // Rows without these (all rows before they existed) hash as they always did.
  if (!e.purpose.empty() || !e.outcome.empty()) {
    AppendField(buf, e.purpose);
    AppendField(buf, e.outcome);
  }
  return Sha256(buf);
}

absl::Status Append(db::Connection& conn, absl::string_view schema,
                    absl::Span<const Entry> entries) {
  if (entries.empty()) return absl::OkStatus();
  if (!conn.in_transaction()) return absl::InternalError("audit::Append outside a transaction");
  if (auto st = ClaimChain(conn, schema); !st.ok()) return st;
  auto& chain = conn.audit_chain();
  // One multi-row insert through arrays keeps this to a single round trip.
  const db::Statement insert{
      "audit_append",
      absl::StrCat(
          "INSERT INTO ", schema,
          ".audit_log (chain, position, prev_hash, hash, occurred_at, actor_user, "
          "actor_org, actor_roles, action, resource_type, resource_id, request_id, purpose, "
          "outcome) "
          "SELECT $1::int, * FROM unnest($2::bigint[], $3::bytea[], $4::bytea[], "
          "$5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], "
          "$10::text[], $11::text[], $12::text[], $13::text[], $14::text[])")};
  std::vector<int64_t> positions;
  std::vector<std::string> prev, hash, at, user, org, roles, action, type, id, request, purpose,
      outcome;
  int64_t position = chain.position;
  std::string last = chain.last_hash;
  for (const Entry& e : entries) {
    ++position;
    std::string h = RowHash(chain.chain, position, last, e);
    positions.push_back(position);
    prev.push_back(*db::Param::Bytes(last).value());
    hash.push_back(*db::Param::Bytes(h).value());
    at.push_back(*db::Param(e.occurred_at).value());
    user.push_back(e.actor_user);
    org.push_back(e.actor_org);
    roles.push_back(e.actor_roles);
    action.push_back(e.action);
    type.push_back(e.resource_type);
    id.push_back(e.resource_id);
    request.push_back(e.request_id);
    purpose.push_back(e.purpose);
    outcome.push_back(e.outcome);
    last = std::move(h);
  }
  auto r = conn.Exec(
      insert, {chain.chain, db::Param::Int64Array(positions), db::Param::TextArray(prev),
               db::Param::TextArray(hash), db::Param::TextArray(at), db::Param::TextArray(user),
               db::Param::TextArray(org), db::Param::TextArray(roles), db::Param::TextArray(action),
               db::Param::TextArray(type), db::Param::TextArray(id), db::Param::TextArray(request),
               db::Param::TextArray(purpose), db::Param::TextArray(outcome)});
  if (!r.ok()) return r.status();
  conn.OnCommit([&chain, position, last = std::move(last)] {
    chain.position = position;
    chain.last_hash = last;
  });
  return absl::OkStatus();
}

GroupCommitter::GroupCommitter(std::string dsn, std::string schema, metrics::Metrics* metrics,
                               int max_batch, int max_pending)
    : dsn_(std::move(dsn)),
      schema_(std::move(schema)),
      metrics_(metrics),
      max_batch_(max_batch),
      max_pending_(max_pending),
      thread_([this] { Loop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void GroupCommitter::Submit(std::vector<Entry> entries,
                            absl::AnyInvocable<void(absl::Status) &&> done) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_ && static_cast<int>(queue_.size()) < max_pending_) {
      queue_.push_back({std::move(entries), std::move(done)});
      return;
    }
  }
  std::move(done)(Unavailable("AUDIT_UNAVAILABLE", "the read could not be audited; retry"));
}

void GroupCommitter::Loop() {
  std::unique_ptr<db::Connection> conn;
  absl::Time down_until = absl::InfinitePast();
  for (;;) {
    std::vector<Pending> batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](GroupCommitter* g)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(g->mu_) { return g->stopping_ || !g->queue_.empty(); },
          this));
      if (queue_.empty()) return;
      size_t rows = 0;
      while (!queue_.empty() && (batch.empty() || rows + queue_.front().entries.size() <=
                                                      static_cast<size_t>(max_batch_))) {
        rows += queue_.front().entries.size();
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Entry> entries;
    for (auto& p : batch) {
      for (auto& e : p.entries) entries.push_back(std::move(e));
    }
    absl::Status status = absl::OkStatus();
    if (conn == nullptr || !conn->Healthy()) {
      conn.reset();
      if (absl::Now() < down_until) {
        status = Unavailable("DATABASE_UNAVAILABLE", "the audit log cannot be written");
      } else if (auto opened = db::Connection::Open(dsn_, metrics_); opened.ok()) {
        conn = *std::move(opened);
      } else {
        down_until = absl::Now() + absl::Milliseconds(200);
        status = opened.status();
      }
    }
    if (status.ok()) {
      status = db::InTransaction(*conn, [&] { return Append(*conn, schema_, entries); });
    }
    if (status.ok() && metrics_ != nullptr) {
      metrics_->audit_batch_size().Observe(static_cast<double>(entries.size()));
      metrics_->audit_rows().Increment(static_cast<double>(entries.size()));
    }
    if (!status.ok()) {
      log::Error("audit group commit failed", {{"rows", std::to_string(entries.size())}});
      status = Unavailable("AUDIT_UNAVAILABLE", "the read could not be audited; retry");
    }
    for (auto& p : batch) std::move(p.done)(status);
  }
}

absl::StatusOr<VerifyReport> Verify(db::Connection& conn, absl::string_view schema) {
  // Pages through the chains in (chain, position) order; memory stays bounded.
  const db::Statement rows{
      "audit_verify",
      absl::StrCat(
          "SELECT chain, position, prev_hash, hash, occurred_at, actor_user, actor_org, "
          "actor_roles, action, resource_type, resource_id, request_id, purpose, outcome FROM ",
          schema,
          ".audit_log WHERE (chain, position) > ($1::int, $2::bigint) "
          "ORDER BY chain, position LIMIT 5000")};
  VerifyReport report;
  int current_chain = -1;
  int64_t expected_position = 0;
  std::string last = GenesisHash();
  int64_t after_chain = -1, after_position = 0;
  for (;;) {
    auto r = conn.Exec(rows, {after_chain, after_position});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) break;
    for (int i = 0; i < r->rows(); ++i) {
      const int chain = static_cast<int>(r->Int64(i, 0));
      const int64_t position = r->Int64(i, 1);
      if (chain != current_chain) {
        current_chain = chain;
        expected_position = 1;
        last = GenesisHash();
        ++report.chains;
      }
      Entry e{r->Time(i, 4),
              std::string(r->Text(i, 5)),
              std::string(r->Text(i, 6)),
              std::string(r->Text(i, 7)),
              std::string(r->Text(i, 8)),
              std::string(r->Text(i, 9)),
              std::string(r->Text(i, 10)),
              std::string(r->Text(i, 11)),
              std::string(r->Text(i, 12)),
              std::string(r->Text(i, 13))};
      const std::string prev = r->Bytes(i, 2);
      const std::string stored = r->Bytes(i, 3);
      const std::string where = absl::StrCat("chain ", chain, " position ", position, ": ");
      if (position != expected_position) {
        report.problems.push_back(absl::StrCat(where, "rows ", expected_position, "..",
                                               position - 1, " are missing (deleted)"));
      } else if (prev != last) {
        report.problems.push_back(
            absl::StrCat(where, "does not link to the row before it (deleted or reordered)"));
      }
      if (RowHash(chain, position, prev, e) != stored) {
        report.problems.push_back(
            absl::StrCat(where, "hash does not match the row's content (altered)"));
      }
      last = stored;
      expected_position = position + 1;
      ++report.rows;
      after_chain = chain;
      after_position = position;
    }
  }
  return report;
}

}  // namespace fhv::audit
