#pragma once

// The payments service's SQL: named statements, parameters only as $n.

#include "common/db/connection.h"

namespace fhv::payments::sql {

// $2 a version, or NULL for the latest.
inline const db::Statement kGetRateTable{
    "get_rate_table",
    "SELECT definition, version, created_by, created_at FROM payments.rate_table "
    "WHERE year = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version DESC LIMIT 1"};

// Newest year first, every version, after ($2 year, $3 version) or from the start.
inline const db::Statement kListRateTables{
    "list_rate_tables",
    "SELECT definition, version, created_by, created_at, year FROM payments.rate_table "
    "WHERE $2::int IS NULL OR (year, version) < ($2::int, $3::int) "
    "ORDER BY year DESC, version DESC LIMIT $1"};

inline const db::Statement kLatestRateYear{"latest_rate_year",
                                           "SELECT max(year) FROM payments.rate_table"};

// The next version of year $1; the primary key refuses a concurrent twin.
inline const db::Statement kInsertRateTable{
    "insert_rate_table",
    "INSERT INTO payments.rate_table (year, version, definition, created_by, created_at) "
    "SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4 FROM payments.rate_table "
    "WHERE year = $1 RETURNING version"};

}  // namespace fhv::payments::sql
