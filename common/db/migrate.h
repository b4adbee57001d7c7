#pragma once

// Ordered .sql migrations per service, applied by an explicit step (--migrate).

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/db/connection.h"

namespace fhv::db {

// One migration: its file name ("V001__create_interest.sql") and its SQL.
struct MigrationFile {
  absl::string_view name;
  absl::string_view sql;
};

// The suite's own tables that every schema has (audit_log, outbox,
// processed_events, idempotency), applied before a service's files under the
// names "fhv_common/<file>".
const std::vector<MigrationFile>& CommonMigrations();

// Applies, in order, CommonMigrations() and then `files` to `schema`, each file in
// its own transaction with search_path set to `schema`, under an advisory lock so
// that several replicas may start at once. Records each file with its SHA-256 in
// <schema>.schema_migrations. Returns FAILED_PRECONDITION, naming the file, if an
// applied file changed since, if the database holds a migration this binary does not
// know, or if the schema does not exist; nothing is applied then.
absl::Status Migrate(Connection& conn, absl::string_view schema,
                     const std::vector<MigrationFile>& files);

// Returns OK if every file is applied unchanged; FAILED_PRECONDITION otherwise
// (a service refuses to start on a schema that is behind its binary).
absl::Status CheckMigrated(Connection& conn, absl::string_view schema,
                           const std::vector<MigrationFile>& files);

}  // namespace fhv::db
