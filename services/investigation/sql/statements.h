#pragma once

// The investigation service's SQL: named statements, parameters only as $n.

#include "common/db/connection.h"

namespace fhv::investigation::sql {

inline const db::Statement kInsert{
    "insert_investigation",
    "INSERT INTO investigation.investigation (id, kind, org_id, applicant_id, home_id, state, "
    "investigator, opened_on, created_at, updated_at, body) "
    "VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6, $7, $8::date, $9, $9, $10)"};

// $2 the organisation or NULL for any (the suite's services).
inline const db::Statement kLock{
    "lock_investigation",
    "SELECT body, version FROM investigation.investigation "
    "WHERE id = $1::uuid AND ($2::text IS NULL OR org_id = $2) FOR UPDATE"};

inline const db::Statement kGet{"get_investigation",
                                "SELECT body, version FROM investigation.investigation "
                                "WHERE id = $1::uuid AND ($2::text IS NULL OR org_id = $2)"};

inline const db::Statement kUpdate{
    "update_investigation",
    "UPDATE investigation.investigation SET state = $2, investigator = $3, home_id = $4::uuid, "
    "body = $5, version = version + 1, updated_at = $6 WHERE id = $1::uuid RETURNING version"};

// Keyset page newest first; $3/$4 the last (created_at, id) or NULL; filters NULL for all.
inline const db::Statement kList{
    "list_investigations",
    "SELECT body, version, created_at, id FROM investigation.investigation WHERE org_id = $1 "
    "AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid)) "
    "AND ($5::text[] IS NULL OR state = ANY($5::text[])) "
    "AND ($6::text IS NULL OR investigator = $6) AND ($7::text IS NULL OR applicant_id = $7) "
    "AND ($8::uuid IS NULL OR home_id = $8::uuid) AND ($9::text IS NULL OR kind = $9) "
    "AND ($10::date IS NULL OR opened_on <= $10::date) "
    "ORDER BY created_at DESC, id DESC LIMIT $2"};

// The latest decided investigation of a home.
inline const db::Statement kLatestDecided{
    "latest_decided",
    "SELECT body, org_id FROM investigation.investigation WHERE home_id = $1::uuid "
    "AND state IN ('INVESTIGATION_STATE_APPROVED', 'INVESTIGATION_STATE_REJECTED') "
    "ORDER BY updated_at DESC LIMIT 1"};

// The decision of an applicant's initial investigation, if one was decided.
inline const db::Statement kDecidedInitial{
    "decided_initial",
    "SELECT state FROM investigation.investigation WHERE applicant_id = $1 "
    "AND kind = 'INVESTIGATION_KIND_INITIAL' "
    "AND state IN ('INVESTIGATION_STATE_APPROVED', 'INVESTIGATION_STATE_REJECTED') LIMIT 1"};

// The undecided investigations of organisation $1 (all organisations for NULL).
inline const db::Statement kUndecided{
    "undecided_investigations",
    "SELECT body, org_id FROM investigation.investigation WHERE ($1::text IS NULL OR org_id = $1) "
    "AND state IN ('INVESTIGATION_STATE_OPEN', 'INVESTIGATION_STATE_IN_PROGRESS', "
    "'INVESTIGATION_STATE_READY_FOR_DECISION') ORDER BY id"};

inline const db::Statement kInsertNote{
    "insert_register_note",
    "INSERT INTO investigation.register_note (register_check_id, investigation_id, note) "
    "VALUES ($1::uuid, $2::uuid, $3)"};

inline const db::Statement kGetNote{
    "get_register_note",
    "SELECT note FROM investigation.register_note "
    "WHERE register_check_id = $1::uuid AND investigation_id = $2::uuid"};

// Investigations by organisation and state, for the metrics.
inline const db::Statement kCounts{
    "investigation_counts",
    "SELECT org_id, state, count(*) FROM investigation.investigation GROUP BY 1, 2"};

}  // namespace fhv::investigation::sql
