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

namespace fhv::recruitment::sql {

inline const db::Statement kUpsertOrganisation{
    "upsert_organisation",
    "INSERT INTO recruitment.organisation "
    "(id, kind, name, organisationsnummer, latitude, longitude, updated_at) "
    "VALUES ($1, $2, $3, $4, $5::float8, $6::float8, $7) ON CONFLICT (id) DO UPDATE SET "
    "kind = EXCLUDED.kind, name = EXCLUDED.name, "
    "organisationsnummer = EXCLUDED.organisationsnummer, latitude = EXCLUDED.latitude, "
    "longitude = EXCLUDED.longitude, updated_at = EXCLUDED.updated_at"};

// Organisations by id, with the regions each belongs to; $1 ids.
inline const db::Statement kGetOrganisations{
    "get_organisations",
    "SELECT o.id, o.kind, o.name, o.organisationsnummer, o.latitude, o.longitude, "
    "coalesce(array_agg(m.region_id ORDER BY m.region_id) FILTER (WHERE m.region_id IS NOT "
    "NULL), '{}') "
    "FROM recruitment.organisation o "
    "LEFT JOIN recruitment.region_member m ON m.municipality = o.id "
    "WHERE o.id = ANY($1::text[]) GROUP BY o.id ORDER BY o.id"};

// Keyset page by id; $2 the last id or NULL; $3 kind or NULL.
inline const db::Statement kListOrganisations{
    "list_organisations",
    "SELECT o.id, o.kind, o.name, o.organisationsnummer, o.latitude, o.longitude, "
    "coalesce(array_agg(m.region_id ORDER BY m.region_id) FILTER (WHERE m.region_id IS NOT "
    "NULL), '{}') "
    "FROM recruitment.organisation o "
    "LEFT JOIN recruitment.region_member m ON m.municipality = o.id "
    "WHERE ($2::text IS NULL OR o.id > $2) AND ($3::text IS NULL OR o.kind = $3) "
    "GROUP BY o.id ORDER BY o.id LIMIT $1"};

// Of the given ids, the ones that are municipalities.
inline const db::Statement kKnownMunicipalities{
    "known_municipalities",
    "SELECT id FROM recruitment.organisation "
    "WHERE kind = 'ORGANISATION_KIND_MUNICIPALITY' AND id = ANY($1::text[])"};

inline const db::Statement kKnownRegions{
    "known_regions", "SELECT id FROM recruitment.region WHERE id = ANY($1::text[])"};

inline const db::Statement kUpsertRegion{
    "upsert_region",
    "INSERT INTO recruitment.region (id, name, updated_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, updated_at = EXCLUDED.updated_at"};

inline const db::Statement kClearRegionMembers{
    "clear_region_members", "DELETE FROM recruitment.region_member WHERE region_id = $1"};

inline const db::Statement kAddRegionMembers{
    "add_region_members",
    "INSERT INTO recruitment.region_member (region_id, municipality) "
    "SELECT $1, m FROM unnest($2::text[]) AS m"};

// Keyset page of regions by id with their members; $2 the last id or NULL.
inline const db::Statement kListRegions{
    "list_regions",
    "SELECT r.id, r.name, "
    "coalesce(array_agg(m.municipality ORDER BY m.municipality) FILTER (WHERE m.municipality "
    "IS NOT NULL), '{}') "
    "FROM recruitment.region r LEFT JOIN recruitment.region_member m ON m.region_id = r.id "
    "WHERE ($2::text IS NULL OR r.id > $2) GROUP BY r.id ORDER BY r.id LIMIT $1"};

}  // namespace fhv::recruitment::sql
