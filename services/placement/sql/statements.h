#pragma once

// The placement service's SQL: named statements, parameters only as $n.

#include "common/db/connection.h"

namespace fhv::placement::sql {

// The child's pseudonymous id: the one the personnummer has, or $1 as a new one.
inline const db::Statement kChildId{
    "child_id",
    "INSERT INTO placement.child (id, personnummer) VALUES ($1::uuid, $2) "
    "ON CONFLICT (personnummer) DO UPDATE SET personnummer = EXCLUDED.personnummer RETURNING id"};

inline const db::Statement kInsertRequest{
    "insert_request",
    "INSERT INTO placement.placement_request (id, municipality_id, addressee_id, state, urgency, "
    "consultant, sibling_group_id, child_id, state_since, created_at, updated_at, body) "
    "VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::uuid, $8::uuid, $9, $9, $9, $10)"};

inline const db::Statement kLockRequest{
    "lock_request",
    "SELECT body, version FROM placement.placement_request WHERE id = $1::uuid FOR UPDATE"};

inline const db::Statement kGetRequest{
    "get_request", "SELECT body, version FROM placement.placement_request WHERE id = $1::uuid"};

// $7 the home put up or approved (NULL for none).
inline const db::Statement kUpdateRequest{
    "update_request",
    "UPDATE placement.placement_request SET addressee_id = $2, state = $3, consultant = $4, "
    "child_id = $5::uuid, body = $6, home_id = $7::uuid, version = version + 1, "
    "updated_at = $8, state_since = CASE WHEN state = $3 THEN state_since ELSE $8 END "
    "WHERE id = $1::uuid RETURNING version"};

inline const db::Statement kSiblings{
    "sibling_requests",
    "SELECT body, version FROM placement.placement_request WHERE sibling_group_id = $1::uuid "
    "ORDER BY created_at, id"};

// Requests of organisation $1 as owner or addressee, newest first; $3/$4 the last
// (created_at, id) or NULL; filters NULL for all.
inline const db::Statement kListRequests{
    "list_requests",
    "SELECT body, version, created_at, id FROM placement.placement_request "
    "WHERE (municipality_id = $1 OR addressee_id = $1) "
    "AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid)) "
    "AND ($5::text IS NULL OR municipality_id = $5) AND ($6::text IS NULL OR addressee_id = $6) "
    "AND ($7::text[] IS NULL OR state = ANY($7::text[])) AND ($8::text IS NULL OR urgency = $8) "
    "AND ($9::text IS NULL OR consultant = $9) "
    "AND ($10::uuid IS NULL OR sibling_group_id = $10::uuid) "
    "AND ($11::uuid IS NULL OR child_id = $11::uuid) "
    "AND ($12::timestamptz IS NULL OR created_at < $12::timestamptz) "
    "ORDER BY created_at DESC, id DESC LIMIT $2"};

// Serialises capacity decisions on one home until the transaction ends.
inline const db::Statement kLockHome{"lock_home",
                                     "SELECT pg_advisory_xact_lock(hashtextextended($1, 7))"};

// Places taken in home $1: active placements and approved requests not yet started, other
// than request $2.
inline const db::Statement kOccupied{
    "occupied",
    "SELECT (SELECT count(*) FROM placement.placement WHERE home_id = $1::uuid "
    "AND state = 'PLACEMENT_STATE_ACTIVE') + (SELECT count(*) FROM placement.placement_request "
    "WHERE home_id = $1::uuid AND state = 'PLACEMENT_REQUEST_STATE_APPROVED' "
    "AND id <> $2::uuid)"};

inline const db::Statement kInsertPlacement{
    "insert_placement",
    "INSERT INTO placement.placement (id, request_id, municipality_id, home_id, home_owner_id, "
    "child_id, state, form, start_date, created_at, updated_at, body) "
    "VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5, $6::uuid, $7, $8, $9::date, $10, $10, $11)"};

inline const db::Statement kLockPlacement{
    "lock_placement",
    "SELECT body, version FROM placement.placement WHERE id = $1::uuid FOR UPDATE"};

inline const db::Statement kGetPlacement{
    "get_placement", "SELECT body, version FROM placement.placement WHERE id = $1::uuid"};

inline const db::Statement kUpdatePlacement{
    "update_placement",
    "UPDATE placement.placement SET state = $2, body = $3, version = version + 1, "
    "updated_at = $4 WHERE id = $1::uuid RETURNING version"};

// Placements visible to organisation $1 (NULL: every placement), newest start first;
// $3/$4 the last (start_date, id) or NULL; filters NULL for all.
inline const db::Statement kListPlacements{
    "list_placements",
    "SELECT body, version, start_date, id FROM placement.placement "
    "WHERE ($1::text IS NULL OR municipality_id = $1 OR home_owner_id = $1) "
    "AND ($3::date IS NULL OR (start_date, id) < ($3::date, $4::uuid)) "
    "AND ($5::text IS NULL OR municipality_id = $5) AND ($6::uuid IS NULL OR home_id = $6::uuid) "
    "AND ($7::text IS NULL OR home_owner_id = $7) AND ($8::uuid IS NULL OR child_id = $8::uuid) "
    "AND ($9::text[] IS NULL OR state = ANY($9::text[])) AND ($10::text IS NULL OR form = $10) "
    "ORDER BY start_date DESC, id DESC LIMIT $2"};

// Up to $2 placements with ids after $1 whose due dates are stale, by id, each locked as for
// a change; those locked by others are skipped (their writers store their due dates).
inline const db::Statement kLockStaleDue{
    "lock_stale_due",
    "SELECT body, version FROM placement.placement WHERE due_version IS DISTINCT FROM version "
    "AND id > $1::uuid ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED"};

// Placement $1's due dates become ($3 kind, $4 rule, $5 due date)[] of municipality $2; they
// are current when $6, the fingerprint they were computed with, is the recorded one.
inline const db::Statement kStoreDue{
    "store_due",
    "WITH gone AS (DELETE FROM placement.placement_due WHERE placement_id = $1::uuid "
    "AND kind <> ALL($3::int[])), "
    "mark AS (UPDATE placement.placement SET due_version = CASE WHEN $6 = "
    "(SELECT fingerprint FROM placement.due_dates_state) THEN version END WHERE id = $1::uuid) "
    "INSERT INTO placement.placement_due (placement_id, kind, municipality_id, rule_id, due_date) "
    "SELECT $1::uuid, k, $2, r, d FROM unnest($3::int[], $4::text[], $5::date[]) AS t(k, r, d) "
    "ON CONFLICT (placement_id, kind) DO UPDATE SET municipality_id = EXCLUDED.municipality_id, "
    "rule_id = EXCLUDED.rule_id, due_date = EXCLUDED.due_date"};

// Due dates of active placements of municipality $1 in [$2, $3] that are on or after $4 or
// before $5 (NULL: none before $4), of kinds $6 (NULL: all), after ($7, $8, $9), with their
// placements; by due date, placement, kind; at most $10.
inline const db::Statement kListDue{
    "list_due",
    "SELECT p.body, p.version, d.due_date, d.kind, d.rule_id "
    "FROM placement.placement_due d JOIN placement.placement p ON p.id = d.placement_id "
    "WHERE d.municipality_id = $1 AND d.due_date >= $2::date AND d.due_date <= $3::date "
    "AND (d.due_date, d.placement_id, d.kind) > ($7::date, $8::uuid, $9::int) "
    "AND (d.due_date >= $4::date OR d.due_date < $5::date) "
    "AND ($6::int[] IS NULL OR d.kind = ANY($6::int[])) "
    "AND p.state = 'PLACEMENT_STATE_ACTIVE' "
    "ORDER BY d.due_date, d.placement_id, d.kind LIMIT $10"};

// Records fingerprint $1 as the one current due dates are computed with; a row only when it
// was another.
inline const db::Statement kChangeDueFingerprint{
    "change_due_fingerprint",
    "INSERT INTO placement.due_dates_state (fingerprint, changed_at) VALUES ($1, $2) "
    "ON CONFLICT (singleton) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, "
    "changed_at = EXCLUDED.changed_at "
    "WHERE placement.due_dates_state.fingerprint IS DISTINCT FROM EXCLUDED.fingerprint "
    "RETURNING 1"};

inline const db::Statement kDueFingerprint{"due_fingerprint",
                                           "SELECT fingerprint FROM placement.due_dates_state"};

// Marks the due dates of every active placement stale.
inline const db::Statement kInvalidateDue{
    "invalidate_due",
    "UPDATE placement.placement SET due_version = NULL "
    "WHERE state = 'PLACEMENT_STATE_ACTIVE' AND due_version IS NOT NULL"};

// Clocks due before $1, by municipality and kind number.
inline const db::Statement kOverdueCounts{
    "overdue_counts",
    "SELECT municipality_id, kind, count(*) FROM placement.placement_due WHERE due_date < $1::date "
    "GROUP BY 1, 2"};

// Child ids of sibling group $1 placed in home $2 now.
inline const db::Statement kSiblingsInHome{
    "siblings_in_home",
    "SELECT p.child_id FROM placement.placement p JOIN placement.placement_request r "
    "ON r.id = p.request_id WHERE r.sibling_group_id = $1::uuid AND p.home_id = $2::uuid "
    "AND p.state = 'PLACEMENT_STATE_ACTIVE' ORDER BY p.start_date, p.id"};

inline const db::Statement kRules{
    "clock_rules",
    "SELECT rule_id, kind, name, description, legal_citation, valid_from, valid_to, legal_bases, "
    "forms, anchor, first_due_after_months, repeat_every_months, repeat_from_last_step "
    "FROM placement.clock_rule ORDER BY rule_id"};

inline const db::Statement kInsertDelegation{
    "insert_delegation",
    "INSERT INTO placement.delegation (id, municipality_id, delegate_user_id, valid_from, "
    "valid_to, updated_at, body) VALUES ($1::uuid, $2, $3, $4::date, $5::date, $6, $7)"};

inline const db::Statement kLockDelegation{
    "lock_delegation",
    "SELECT body, version FROM placement.delegation WHERE id = $1::uuid AND municipality_id = $2 "
    "FOR UPDATE"};

inline const db::Statement kUpdateDelegation{
    "update_delegation",
    "UPDATE placement.delegation SET delegate_user_id = $2, valid_from = $3::date, "
    "valid_to = $4::date, body = $5, version = version + 1, updated_at = $6 "
    "WHERE id = $1::uuid RETURNING version"};

// Delegations of municipality $1 by id after $3; $4 one delegate, $5 in force on a day.
inline const db::Statement kListDelegations{
    "list_delegations",
    "SELECT body, version, id FROM placement.delegation WHERE municipality_id = $1 "
    "AND ($3::uuid IS NULL OR id > $3::uuid) AND ($4::text IS NULL OR delegate_user_id = $4) "
    "AND ($5::date IS NULL OR (valid_from <= $5::date AND (valid_to IS NULL OR valid_to >= "
    "$5::date))) ORDER BY id LIMIT $2"};

// For the metrics.
inline const db::Statement kRequestCounts{
    "request_counts",
    "SELECT municipality_id, state, count(*) FROM placement.placement_request GROUP BY 1, 2"};

// Emergency requests submitted before $1 and still not accepted, by municipality.
inline const db::Statement kUnacceptedEmergencies{
    "unaccepted_emergencies",
    "SELECT municipality_id, count(*) FROM placement.placement_request "
    "WHERE state = 'PLACEMENT_REQUEST_STATE_SUBMITTED' AND urgency = 'PLACEMENT_URGENCY_EMERGENCY' "
    "AND state_since < $1 GROUP BY 1"};

}  // namespace fhv::placement::sql
