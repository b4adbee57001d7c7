#pragma once

// The recruitment service's SQL: named statements, parameters only as $n.

#include "common/db/connection.h"

namespace fhv::recruitment::sql {

inline const db::Statement kFindOpenApplicant{
    "find_open_applicant",
    "SELECT applicant_id FROM recruitment.applicant_person "
    "WHERE org_id = $1 AND personnummer = ANY($2::text[]) AND open "
    "ORDER BY applicant_id LIMIT 1"};

inline const db::Statement kInsertApplicant{
    "insert_applicant",
    "INSERT INTO recruitment.applicant "
    "(id, org_id, org_kind, source, campaign_id, state, created_at, updated_at) "
    "VALUES ($1::uuid, $2, $3, $4, $5, 'NEW', $6, $6)"};

inline const db::Statement kInsertTransition{
    "insert_applicant_transition",
    "INSERT INTO recruitment.applicant_transition (applicant_id, seq, state, at, actor) "
    "SELECT $1::uuid, coalesce(max(seq), 0) + 1, $2, $3, $4 "
    "FROM recruitment.applicant_transition WHERE applicant_id = $1::uuid"};

// New applicant: every adult must be free; a conflict means a concurrent registration.
inline const db::Statement kInsertPersons{
    "insert_applicant_persons",
    "INSERT INTO recruitment.applicant_person (applicant_id, org_id, personnummer) "
    "SELECT $1::uuid, $2, p FROM unnest($3::text[]) AS p"};

// Existing applicant: adds the adults not already open elsewhere.
inline const db::Statement kAddPersons{
    "add_applicant_persons",
    "INSERT INTO recruitment.applicant_person (applicant_id, org_id, personnummer) "
    "SELECT $1::uuid, $2, p FROM unnest($3::text[]) AS p "
    "ON CONFLICT DO NOTHING"};

inline const db::Statement kTouchApplicant{
    "touch_applicant",
    "UPDATE recruitment.applicant SET version = version + 1, updated_at = $2 "
    "WHERE id = $1::uuid"};

inline const db::Statement kInsertInterest{
    "insert_interest",
    "INSERT INTO recruitment.interest (id, org_id, org_kind, applicant_id, source, "
    "campaign_id, received_at, portal_submission_id, body) "
    "VALUES ($1::uuid, $2, $3, $4::uuid, $5, $6, $7, $8, $9)"};

inline const db::Statement kGetInterest{
    "get_interest", "SELECT body FROM recruitment.interest WHERE id = $1::uuid AND org_id = $2"};

// Keyset page, newest first; $3/$4 are the last row's (received_at, id) or NULL.
inline const db::Statement kListInterests{
    "list_interests",
    "SELECT id, received_at, body FROM recruitment.interest "
    "WHERE org_id = $1 "
    "AND ($3::timestamptz IS NULL OR (received_at, id) < ($3::timestamptz, $4::uuid)) "
    "AND ($5::text IS NULL OR source = $5) "
    "AND ($6::text IS NULL OR campaign_id = $6) "
    "ORDER BY received_at DESC, id DESC LIMIT $2"};

}  // namespace fhv::recruitment::sql
