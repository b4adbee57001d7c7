#include "common/db/migrate.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/db/transaction.h"
#include "common/util/hash.h"
#include "common/util/log.h"
#include "common/util/status.h"

namespace fhv::db {
namespace {

constexpr absl::string_view kCommonV001 = R"sql(
-- Append-only audit trail of who did what to which record. Each row carries the
-- hash of the row before it in its chain (see common/audit/audit.h).
CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  chain         integer     NOT NULL,
  position      bigint      NOT NULL,
  prev_hash     bytea       NOT NULL,
  hash          bytea       NOT NULL,
  occurred_at   timestamptz NOT NULL,
  actor_user    text        NOT NULL,
  actor_org     text        NOT NULL,
  actor_roles   text        NOT NULL,
  action        text        NOT NULL,
  resource_type text        NOT NULL,
  resource_id   text        NOT NULL,
  request_id    text        NOT NULL,
  UNIQUE (chain, position)
);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Transactional outbox: one row per event and destination service, written in the
-- same transaction as the change it announces.
CREATE TABLE outbox (
  id             bigserial PRIMARY KEY,
  event_id       uuid        NOT NULL,
  destination    text        NOT NULL,
  aggregate_type text        NOT NULL,
  aggregate_id   text        NOT NULL,
  event_type     text        NOT NULL,
  envelope       bytea       NOT NULL,
  created_at     timestamptz NOT NULL,
  attempts       integer     NOT NULL DEFAULT 0,
  last_error     text,
  -- A failed event waits until then; later events of its aggregate wait behind it.
  next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
  delivered_at   timestamptz,
  UNIQUE (event_id, destination)
);
CREATE INDEX outbox_pending ON outbox (destination, id) WHERE delivered_at IS NULL;
CREATE INDEX outbox_pending_aggregate ON outbox (destination, aggregate_type, aggregate_id, id)
  WHERE delivered_at IS NULL;

-- Events from other services already applied here (exactly-once effects).
CREATE TABLE processed_events (
  event_id     uuid PRIMARY KEY,
  source       text        NOT NULL,
  event_type   text        NOT NULL,
  processed_at timestamptz NOT NULL
);

-- Responses of idempotent writes by (organisation, method, request_id).
CREATE TABLE idempotency (
  org_id       text        NOT NULL,
  method       text        NOT NULL,
  request_id   text        NOT NULL,
  request_hash bytea       NOT NULL,
  response     bytea       NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (org_id, method, request_id)
);
)sql";

}  // namespace

// Why a person's record was read (where the RPC asks), and reads that were refused.
constexpr absl::string_view kCommonV002 = R"sql(
ALTER TABLE audit_log
  ADD COLUMN purpose text NOT NULL DEFAULT '',
  ADD COLUMN outcome text NOT NULL DEFAULT '';
)sql";

const std::vector<MigrationFile>& CommonMigrations() {
  static const auto* files = new std::vector<MigrationFile>{
      {"fhv_common/V001__audit_outbox_inbox_idempotency.sql", kCommonV001},
      {"fhv_common/V002__audit_purpose_outcome.sql", kCommonV002},
  };
  return *files;
}

namespace {

std::vector<MigrationFile> AllFiles(const std::vector<MigrationFile>& files) {
  std::vector<MigrationFile> all = CommonMigrations();
  all.insert(all.end(), files.begin(), files.end());
  return all;
}

// Reads name -> checksum of the applied migrations; empty if the table is missing.
absl::StatusOr<std::map<std::string, std::string>> Applied(Connection& conn,
                                                           absl::string_view schema) {
  Statement exists{"migrate_table_exists",
                   "SELECT to_regclass($1 || '.schema_migrations') IS NOT NULL"};
  auto r = conn.Exec(exists, {schema});
  if (!r.ok()) return r.status();
  std::map<std::string, std::string> applied;
  if (!r->Bool(0, 0)) return applied;
  Statement list{"migrate_list_" + std::string(schema),
                 absl::StrCat("SELECT name, checksum FROM ", schema, ".schema_migrations")};
  auto rows = conn.Exec(list);
  if (!rows.ok()) return rows.status();
  for (int i = 0; i < rows->rows(); ++i) {
    applied.emplace(std::string(rows->Text(i, 0)), std::string(rows->Text(i, 1)));
  }
  return applied;
}

absl::Status Compare(const std::map<std::string, std::string>& applied,
                     const std::vector<MigrationFile>& all, bool require_all) {
  std::map<std::string, std::string> known;
  for (const auto& f : all) known.emplace(std::string(f.name), Sha256Hex(f.sql));
  for (const auto& [name, checksum] : applied) {
    auto it = known.find(name);
    if (it == known.end()) {
      return FailedPrecondition(
          "MIGRATION_UNKNOWN",
          absl::StrCat("the database has migration ", name,
                       " that this binary does not know; is the binary older than the schema?"));
    }
    if (it->second != checksum) {
      return FailedPrecondition(
          "MIGRATION_CHANGED",
          absl::StrCat("migration ", name, " was changed after it was applied (recorded checksum ",
                       checksum, ", file checksum ", it->second,
                       "); add a new migration instead of editing an applied one"));
    }
  }
  if (require_all) {
    for (const auto& f : all) {
      if (!applied.contains(std::string(f.name))) {
        return FailedPrecondition(
            "MIGRATION_PENDING",
            absl::StrCat("migration ", f.name, " is not applied; run the binary with --migrate"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Migrate(Connection& conn, absl::string_view schema,
                     const std::vector<MigrationFile>& files) {
  const std::vector<MigrationFile> all = AllFiles(files);
  Statement schema_exists{"migrate_schema_exists",
                          "SELECT count(*) FROM pg_namespace WHERE nspname = $1"};
  auto r = conn.Exec(schema_exists, {schema});
  if (!r.ok()) return r.status();
  if (r->Int64(0, 0) == 0) {
    return FailedPrecondition("SCHEMA_MISSING",
                              absl::StrCat("schema ", schema,
                                           " does not exist; create it owned by the service's "
                                           "role first (deploy/lib/pg.sh does)"));
  }
  Statement lock{"migrate_lock", "SELECT pg_advisory_lock(hashtext('fhv_migrate:' || $1))"};
  Statement unlock{"migrate_unlock", "SELECT pg_advisory_unlock(hashtext('fhv_migrate:' || $1))"};
  if (auto st = conn.Exec(lock, {schema}); !st.ok()) return st.status();
  auto release = [&] { (void)conn.Exec(unlock, {schema}); };

  absl::Status status = conn.ExecScript(
      absl::StrCat("CREATE TABLE IF NOT EXISTS ", schema,
                   ".schema_migrations (name text PRIMARY KEY, checksum text NOT NULL, "
                   "applied_at timestamptz NOT NULL DEFAULT now())"));
  auto applied = status.ok() ? Applied(conn, schema) : status;
  if (!applied.ok()) {
    release();
    return applied.status();
  }
  if (status = Compare(*applied, all, false); !status.ok()) {
    release();
    return status;
  }
  Statement record{
      "migrate_record_" + std::string(schema),
      absl::StrCat("INSERT INTO ", schema, ".schema_migrations (name, checksum) VALUES ($1, $2)")};
  for (const auto& f : all) {
    if (applied->contains(std::string(f.name))) continue;
    status = InTransaction(conn, [&]() -> absl::Status {
      if (auto st = conn.ExecScript(absl::StrCat("SET LOCAL search_path TO ", schema)); !st.ok()) {
        return st;
      }
      if (auto st = conn.ExecScript(f.sql); !st.ok()) return st;
      return conn.Exec(record, {f.name, Sha256Hex(f.sql)}).status();
    });
    if (!status.ok()) {
      release();
      return Error(status.code(), "MIGRATION_FAILED",
                   absl::StrCat("migration ", f.name, " failed: ", status.message()));
    }
    log::Info("migration applied", {{"schema", schema}, {"file", f.name}});
  }
  release();
  return absl::OkStatus();
}

absl::Status CheckMigrated(Connection& conn, absl::string_view schema,
                           const std::vector<MigrationFile>& files) {
  auto applied = Applied(conn, schema);
  if (!applied.ok()) return applied.status();
  return Compare(*applied, AllFiles(files), true);
}

}  // namespace fhv::db
