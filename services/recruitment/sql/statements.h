#pragma once

// The recruitment service's SQL: named statements, parameters only as $n.

#include "common/db/connection.h"

namespace fhv::recruitment::sql {

inline const db::Statement kFindOpenApplicant{
    "find_open_applicant",
    "SELECT applicant_id FROM recruitment.applicant_person "
    "WHERE org_id = $1 AND personnummer = ANY($2::text[]) AND open "
    "ORDER BY applicant_id LIMIT 1"};

// Locks an applicant found open; no row if it has been closed since.
inline const db::Statement kLockOpenApplicant{
    "lock_open_applicant",
    "SELECT id FROM recruitment.applicant WHERE id = $1::uuid AND state IN "
    "('APPLICANT_STATE_NEW', 'APPLICANT_STATE_CONTACTED', 'APPLICANT_STATE_INFO_MEETING_HELD', "
    "'APPLICANT_STATE_APPLIED', 'APPLICANT_STATE_IN_INVESTIGATION') FOR UPDATE"};

inline const db::Statement kInsertApplicant{
    "insert_applicant",
    "INSERT INTO recruitment.applicant "
    "(id, org_id, org_kind, source, campaign_id, state, created_at, updated_at) "
    "VALUES ($1::uuid, $2, $3, $4, $5, 'APPLICANT_STATE_NEW', $6, $6)"};

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

// Applicants.
namespace fhv::recruitment::sql {

// $1 ids; $2 the owning organisation, or NULL for any (events from other services).
inline const db::Statement kGetApplicants{
    "get_applicants",
    "SELECT id, org_id, org_kind, source, campaign_id, state, version, created_at, "
    "info_meeting_on, applied_kinds, withdrawal_reason FROM recruitment.applicant WHERE id = "
    "ANY($1::uuid[]) AND "
    "($2::text IS NULL OR org_id = $2) ORDER BY id"};

// Keyset page, newest first; $3/$4 the last row's (created_at, id) or NULL.
inline const db::Statement kListApplicants{
    "list_applicants",
    "SELECT id, org_id, org_kind, source, campaign_id, state, version, created_at, "
    "info_meeting_on, applied_kinds, withdrawal_reason FROM recruitment.applicant "
    "WHERE org_id = $1 "
    "AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid)) "
    "AND ($5::text IS NULL OR state = $5) AND ($6::text IS NULL OR source = $6) "
    "AND ($7::text IS NULL OR campaign_id = $7) "
    "ORDER BY created_at DESC, id DESC LIMIT $2"};

inline const db::Statement kApplicantTransitions{
    "applicant_transitions",
    "SELECT applicant_id, state, at, actor FROM recruitment.applicant_transition "
    "WHERE applicant_id = ANY($1::uuid[]) ORDER BY applicant_id, seq"};

inline const db::Statement kApplicantInterests{
    "applicant_interests",
    "SELECT applicant_id, body FROM recruitment.interest "
    "WHERE applicant_id = ANY($1::uuid[]) ORDER BY received_at, id"};

// $2 the owning organisation or NULL for any.
inline const db::Statement kLockApplicant{
    "lock_applicant",
    "SELECT state, version FROM recruitment.applicant "
    "WHERE id = $1::uuid AND ($2::text IS NULL OR org_id = $2) FOR UPDATE"};

inline const db::Statement kSetApplicantState{
    "set_applicant_state",
    "UPDATE recruitment.applicant SET state = $2, version = version + 1, updated_at = $3 "
    "WHERE id = $1::uuid"};

// $2 the info meeting's day, $3 the kinds applied for, $4 why the applicant withdrew;
// NULL keeps what is there.
inline const db::Statement kSetApplicantDetails{
    "set_applicant_details",
    "UPDATE recruitment.applicant SET info_meeting_on = coalesce($2::date, info_meeting_on), "
    "applied_kinds = coalesce($3::text[], applied_kinds), "
    "withdrawal_reason = coalesce($4, withdrawal_reason) WHERE id = $1::uuid"};

// The interest a portal submission became, for organisation $1.
inline const db::Statement kFindPortalInterest{
    "find_portal_interest",
    "SELECT body FROM recruitment.interest WHERE org_id = $1 AND portal_submission_id = $2"};

// Whether interest $1 joined an applicant that had an interest before it.
inline const db::Statement kJoinedExisting{
    "joined_existing",
    "SELECT EXISTS (SELECT 1 FROM recruitment.interest e JOIN recruitment.interest i "
    "ON i.id = $1::uuid WHERE e.applicant_id = i.applicant_id "
    "AND (e.received_at, e.id) < (i.received_at, i.id))"};

// A closed application frees its adults to apply again.
inline const db::Statement kCloseApplicantPersons{
    "close_applicant_persons",
    "UPDATE recruitment.applicant_person SET open = false WHERE applicant_id = $1::uuid"};

// Every step of the applicants of organisations $1 registered in [$2, $3).
inline const db::Statement kFunnelHistories{
    "funnel_histories",
    "SELECT a.id, a.source, a.campaign_id, t.state, t.at FROM recruitment.applicant a "
    "JOIN recruitment.applicant_transition t ON t.applicant_id = a.id "
    "WHERE a.org_id = ANY($1::text[]) AND a.created_at >= $2 AND a.created_at < $3 "
    "ORDER BY a.id, t.seq"};

inline const db::Statement kRegionMembers{
    "region_members",
    "SELECT municipality FROM recruitment.region_member WHERE region_id = $1 ORDER BY 1"};

// Applicants per organisation, source, campaign and state, for the metrics.
inline const db::Statement kApplicantCounts{
    "applicant_counts",
    "SELECT org_id, source, campaign_id, state, count(*) FROM recruitment.applicant "
    "GROUP BY 1, 2, 3, 4"};

}  // namespace fhv::recruitment::sql

// The registry of homes. Visibility of home h to a viewer ($v org id, $m the viewer is a
// municipality, $a the viewer sees all): its owner, or a member municipality of a region
// the home is shared with.
#define FHV_HOME_VISIBLE(org, muni, all)                                            \
  "(" all " OR h.owner_id = " org " OR (" muni                                      \
  " AND EXISTS (SELECT 1 FROM "                                                     \
  "recruitment.home_region hr JOIN recruitment.region_member rm ON rm.region_id = " \
  "hr.region_id WHERE hr.home_id = h.id AND rm.municipality = " org ")))"

#define FHV_HOME_COLUMNS                                                                 \
  "h.id, h.body, h.placed_children, h.availability, h.paused_until, h.approved_on, "     \
  "h.version, h.revoked, coalesce((SELECT array_agg(region_id ORDER BY region_id) FROM " \
  "recruitment.home_region WHERE home_id = h.id), '{}') "

namespace fhv::recruitment::sql {

// Enters or replaces a home's scope and profile; occupancy and availability stay.
inline const db::Statement kUpsertHome{
    "upsert_home",
    "INSERT INTO recruitment.home (id, applicant_id, owner_id, owner_kind, municipality, "
    "support_tier, approved_kinds, max_children, min_age, max_age, availability, paused_until, "
    "latitude, longitude, languages, experience_tags, trainings, approved_on, created_at, "
    "updated_at, body) VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7::text[], $8::int, $9::int, "
    "$10::int, $11, $12::date, $13::float8, $14::float8, $15::text[], $16::text[], $17::text[], "
    "$18::date, $19, $19, $20) "
    "ON CONFLICT (id) DO UPDATE SET owner_id = EXCLUDED.owner_id, "
    "owner_kind = EXCLUDED.owner_kind, municipality = EXCLUDED.municipality, "
    "support_tier = EXCLUDED.support_tier, approved_kinds = EXCLUDED.approved_kinds, "
    "max_children = EXCLUDED.max_children, min_age = EXCLUDED.min_age, "
    "max_age = EXCLUDED.max_age, latitude = EXCLUDED.latitude, "
    "longitude = EXCLUDED.longitude, languages = EXCLUDED.languages, "
    "experience_tags = EXCLUDED.experience_tags, trainings = EXCLUDED.trainings, "
    "approved_on = EXCLUDED.approved_on, revoked = false, version = home.version + 1, "
    "updated_at = EXCLUDED.updated_at, body = EXCLUDED.body"};

inline const db::Statement kClearHomeRegions{
    "clear_home_regions", "DELETE FROM recruitment.home_region WHERE home_id = $1::uuid"};

inline const db::Statement kAddHomeRegions{
    "add_home_regions",
    "INSERT INTO recruitment.home_region (home_id, region_id) "
    "SELECT $1::uuid, r FROM unnest($2::text[]) AS r"};

// Homes by id that viewer ($2, $3, $4) may see, in id order.
inline const db::Statement kGetHomes{"get_homes",
                                     "SELECT " FHV_HOME_COLUMNS
                                     "FROM recruitment.home h WHERE h.id = ANY($1::uuid[]) "
                                     "AND " FHV_HOME_VISIBLE("$2", "$3", "$4") " ORDER BY h.id"};

// Keyset page by id of homes visible to ($2, $3, $4); $5 last id or NULL; $6 kind or
// NULL; $7 availability or NULL ('AVAILABILITY_FULL': no free place).
inline const db::Statement kListHomes{
    "list_homes",
    "SELECT " FHV_HOME_COLUMNS "FROM recruitment.home h WHERE " FHV_HOME_VISIBLE(
        "$2", "$3", "$4") " AND ($5::uuid IS NULL OR h.id > $5::uuid) "
                          "AND ($6::text IS NULL OR $6 = ANY(h.approved_kinds)) "
                          "AND ($7::text IS NULL OR CASE WHEN h.revoked THEN 'REVOKED' "
                          "WHEN h.placed_children >= h.max_children "
                          "THEN 'AVAILABILITY_FULL' ELSE h.availability END = $7) "
                          "ORDER BY h.id LIMIT $1"};

// The owner's write lock on a home, with the version its etag names.
inline const db::Statement kLockHome{
    "lock_home", "SELECT owner_id, version FROM recruitment.home WHERE id = $1::uuid FOR UPDATE"};

inline const db::Statement kUpdateHomeProfile{
    "update_home_profile",
    "UPDATE recruitment.home SET latitude = $2::float8, longitude = $3::float8, "
    "languages = $4::text[], experience_tags = $5::text[], trainings = $6::text[], body = $7, "
    "version = version + 1, updated_at = $8 WHERE id = $1::uuid"};

inline const db::Statement kSetHomeAvailability{
    "set_home_availability",
    "UPDATE recruitment.home SET availability = $2, paused_until = $3::date, "
    "version = version + 1, updated_at = $4 WHERE id = $1::uuid"};

inline const db::Statement kRevokeHome{
    "revoke_home",
    "UPDATE recruitment.home SET revoked = true, version = version + 1, updated_at = $2 "
    "WHERE id = $1::uuid"};

// What matching needs of the homes that may meet the hard constraints of needs ($1 kind,
// $2 children, $3 youngest and $4 oldest age, $5 start date, $6 an intensively reinforced
// home needed). The query only narrows the rows; the domain (matching.h) decides and
// explains.
#define FHV_MATCH_COLUMNS                                                                    \
  "SELECT h.id, h.approved_kinds, h.max_children, h.min_age, h.max_age, h.placed_children, " \
  "h.support_tier, h.availability, h.paused_until, h.latitude, h.longitude, h.languages, "   \
  "h.experience_tags, h.trainings "
#define FHV_MATCH_FACTS FHV_MATCH_COLUMNS "FROM recruitment.home h "
#define FHV_MATCH_CONSTRAINTS                                                               \
  "NOT h.revoked AND $1 = ANY(h.approved_kinds) "                                           \
  "AND h.max_children - h.placed_children >= $2::int "                                      \
  "AND h.min_age <= $3::int AND h.max_age >= $4::int "                                      \
  "AND (h.availability = 'AVAILABILITY_AVAILABLE' OR h.paused_until < $5::date) "           \
  "AND (h.support_tier <> 'SUPPORT_TIER_INTENSIVELY_REINFORCED' OR h.placed_children = 0) " \
  "AND (NOT $6::bool OR h.support_tier = 'SUPPORT_TIER_INTENSIVELY_REINFORCED')"

// For the suite's services, which see every home.
inline const db::Statement kMatchFactsAll{"match_facts_all",
                                          FHV_MATCH_FACTS "WHERE " FHV_MATCH_CONSTRAINTS};

// For an organisation ($7; $8 true for a municipality): its own homes and those shared
// with its regions, joined from the owner index and the region tables so that the cost
// follows what it sees, not the size of the registry.
inline const db::Statement kMatchFacts{
    "match_facts", FHV_MATCH_FACTS
    "JOIN (SELECT o.id FROM recruitment.home o WHERE o.owner_id = $7 "
    "UNION SELECT hr.home_id FROM recruitment.home_region hr "
    "JOIN recruitment.region_member rm ON rm.region_id = hr.region_id "
    "WHERE $8::bool AND rm.municipality = $7) v ON v.id = h.id "
    "WHERE " FHV_MATCH_CONSTRAINTS};

// The match facts of homes $1 with, after them, whether organisation $2 ($3 true for a
// municipality) may see each home, the owner and its kind, and whether the home is revoked.
inline const db::Statement kEvaluateFacts{
    "evaluate_facts", FHV_MATCH_COLUMNS
    ", (h.owner_id = $2 OR ($3::bool AND EXISTS (SELECT 1 FROM recruitment.home_region hr "
    "JOIN recruitment.region_member rm ON rm.region_id = hr.region_id "
    "WHERE hr.home_id = h.id AND rm.municipality = $2))), h.owner_id, h.owner_kind, h.revoked "
    "FROM recruitment.home h WHERE h.id = ANY($1::uuid[])"};

#undef FHV_MATCH_FACTS
#undef FHV_MATCH_COLUMNS
#undef FHV_MATCH_CONSTRAINTS

// A placement started or ended ($3 start, $4 end or NULL); the home's occupancy is then
// recounted from its placements, so a repeated or late event cannot skew it.
inline const db::Statement kRecordPlacement{
    "record_placement",
    "INSERT INTO recruitment.home_placement (placement_id, home_id, start_date, end_date) "
    "VALUES ($1, $2::uuid, $3::date, $4::date) ON CONFLICT (placement_id) DO UPDATE SET "
    "end_date = coalesce(EXCLUDED.end_date, home_placement.end_date)"};

inline const db::Statement kRecountOccupancy{
    "recount_occupancy",
    "UPDATE recruitment.home h SET placed_children = (SELECT count(*) FROM "
    "recruitment.home_placement p WHERE p.home_id = h.id AND p.end_date IS NULL), "
    "version = version + 1, updated_at = $2 WHERE h.id = $1::uuid"};

// Of regions $2, those municipality $1 is a member of.
inline const db::Statement kRegionsJoined{
    "regions_joined",
    "SELECT region_id FROM recruitment.region_member "
    "WHERE municipality = $1 AND region_id = ANY($2::text[])"};

// Homes per owner, kind and shown availability, for the metrics.
inline const db::Statement kHomeCounts{
    "home_counts",
    "SELECT h.owner_id, k, CASE WHEN h.revoked THEN 'REVOKED' WHEN h.placed_children >= "
    "h.max_children THEN 'AVAILABILITY_FULL' ELSE h.availability END, count(*) "
    "FROM recruitment.home h, unnest(h.approved_kinds) AS k GROUP BY 1, 2, 3"};

}  // namespace fhv::recruitment::sql

#undef FHV_HOME_VISIBLE
#undef FHV_HOME_COLUMNS
