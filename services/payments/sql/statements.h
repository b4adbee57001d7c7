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

// $3 the placement id, or NULL for a hand-made agreement.
inline const db::Statement kInsertAgreement{
    "insert_agreement",
    "INSERT INTO payments.agreement (id, source, placement_id, paying_municipality_id, home_id, "
    "child_id, assignment_kind, agency_home, state, valid_from, valid_to, created_at, updated_at, "
    "body) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11::date, $12, $12, $13) "
    "ON CONFLICT (placement_id) DO NOTHING"};

inline const db::Statement kLockAgreement{
    "lock_agreement",
    "SELECT body, version FROM payments.agreement WHERE id = $1::uuid FOR UPDATE"};

inline const db::Statement kGetAgreement{
    "get_agreement", "SELECT body, version FROM payments.agreement WHERE id = $1::uuid"};

inline const db::Statement kLockAgreementOfPlacement{
    "lock_agreement_of_placement",
    "SELECT body, version FROM payments.agreement WHERE placement_id = $1 FOR UPDATE"};

inline const db::Statement kUpdateAgreement{
    "update_agreement",
    "UPDATE payments.agreement SET state = $2, valid_to = $3::date, body = $4, "
    "version = version + 1, updated_at = $5 WHERE id = $1::uuid RETURNING version"};

// Agreements paid by $1 by id after $3; filters NULL for all; $9 in force on a day.
inline const db::Statement kListAgreements{
    "list_agreements",
    "SELECT body, version, id FROM payments.agreement WHERE paying_municipality_id = $1 "
    "AND ($3::uuid IS NULL OR id > $3::uuid) AND ($4::text IS NULL OR home_id = $4) "
    "AND ($5::text IS NULL OR placement_id = $5) AND ($6::text IS NULL OR child_id = $6) "
    "AND ($7::text[] IS NULL OR state = ANY($7::text[])) "
    "AND ($8::text IS NULL OR assignment_kind = $8) "
    "AND ($9::date IS NULL OR (valid_from <= $9::date AND (valid_to IS NULL OR valid_to >= "
    "$9::date))) ORDER BY id LIMIT $2"};

// Creates the run of ($2 municipality, $3 month) unless it exists: no row then.
inline const db::Statement kInsertRun{
    "insert_run",
    "INSERT INTO payments.payment_run (id, municipality_id, month, state, created_at, updated_at, "
    "body) VALUES ($1::uuid, $2, $3::date, $4, $5, $5, $6) "
    "ON CONFLICT (municipality_id, month) DO NOTHING RETURNING version"};

inline const db::Statement kGetRun{
    "get_run", "SELECT body, version FROM payments.payment_run WHERE id = $1::uuid"};

inline const db::Statement kLockRun{
    "lock_run", "SELECT body, version FROM payments.payment_run WHERE id = $1::uuid FOR UPDATE"};

inline const db::Statement kGetRunOfMonth{
    "get_run_of_month",
    "SELECT body, version FROM payments.payment_run WHERE municipality_id = $1 AND month = "
    "$2::date"};

inline const db::Statement kUpdateRun{
    "update_run",
    "UPDATE payments.payment_run SET state = $2, body = $3, version = version + 1, "
    "updated_at = $4 WHERE id = $1::uuid RETURNING version"};

// Runs of $1 newest month first, before month $3; $4 states, $5..$6 a month range.
inline const db::Statement kListRuns{
    "list_runs",
    "SELECT body, version, month FROM payments.payment_run WHERE municipality_id = $1 "
    "AND ($3::date IS NULL OR month < $3::date) AND ($4::text[] IS NULL OR state = ANY($4)) "
    "AND ($5::date IS NULL OR month >= $5::date) AND ($6::date IS NULL OR month <= $6::date) "
    "ORDER BY month DESC LIMIT $2"};

// The agreements of payer $1 in force on some day from $2 to $3, by id after $4 (a batch).
inline const db::Statement kAgreementsInForce{
    "agreements_in_force",
    "SELECT body, version, id FROM payments.agreement WHERE paying_municipality_id = $1 "
    "AND valid_from <= $3::date AND (valid_to IS NULL OR valid_to >= $2::date) "
    "AND NOT agency_home AND ($4::uuid IS NULL OR id > $4::uuid) ORDER BY id LIMIT $5"};

inline const db::Statement kDeleteRunLines{
    "delete_run_lines", "DELETE FROM payments.payment_line WHERE run_id = $1::uuid"};
inline const db::Statement kDeleteRunPayouts{"delete_run_payouts",
                                             "DELETE FROM payments.payout WHERE run_id = $1::uuid"};

// A batch of lines of run $1: parallel arrays of seq, agreement, home, amount, taxable, body.
inline const db::Statement kInsertLines{
    "insert_lines",
    "INSERT INTO payments.payment_line (run_id, seq, agreement_id, home_id, amount_ore, taxable, "
    "body) SELECT $1::uuid, * FROM unnest($2::int[], $3::uuid[], $4::text[], $5::bigint[], "
    "$6::bool[], $7::bytea[])"};

inline const db::Statement kInsertPayouts{
    "insert_payouts",
    "INSERT INTO payments.payout (run_id, home_id, net_ore, body) "
    "SELECT $1::uuid, * FROM unnest($2::text[], $3::bigint[], $4::bytea[])"};

// Lines by (run, seq) after ($2, $3); filters NULL for all; $4 one run, $5 home, $6 agreement.
inline const db::Statement kListLines{
    "list_lines",
    "SELECT l.body, l.run_id, l.seq FROM payments.payment_line l "
    "JOIN payments.payment_run r ON r.id = l.run_id WHERE r.municipality_id = $1 "
    "AND ($2::uuid IS NULL OR (l.run_id, l.seq) > ($2::uuid, $3::int)) "
    "AND ($4::uuid IS NULL OR l.run_id = $4::uuid) AND ($5::text IS NULL OR l.home_id = $5) "
    "AND ($6::uuid IS NULL OR l.agreement_id = $6::uuid) "
    "ORDER BY l.run_id, l.seq LIMIT $7"};

inline const db::Statement kGetSettings{
    "get_settings", "SELECT body, version FROM payments.payer_settings WHERE municipality_id = $1"};

// Creates (when $3 is NULL) or replaces version $3 of a municipality's settings; no row when
// the version is stale or a first write lost to another.
inline const db::Statement kPutSettings{
    "put_settings",
    "INSERT INTO payments.payer_settings AS s (municipality_id, updated_at, body) "
    "VALUES ($1, $4, $2) ON CONFLICT (municipality_id) DO UPDATE SET body = EXCLUDED.body, "
    "version = s.version + 1, updated_at = EXCLUDED.updated_at "
    "WHERE s.version = $3::bigint RETURNING version"};

inline const db::Statement kGetPayee{
    "get_payee",
    "SELECT body, version FROM payments.payee WHERE municipality_id = $1 AND home_id = $2"};

inline const db::Statement kPutPayee{
    "put_payee",
    "INSERT INTO payments.payee AS p (municipality_id, home_id, has_account, withholding_tax_bp, "
    "updated_at, body) VALUES ($1, $2, $3, $4, $6, $5) ON CONFLICT (municipality_id, home_id) "
    "DO UPDATE SET has_account = EXCLUDED.has_account, "
    "withholding_tax_bp = EXCLUDED.withholding_tax_bp, body = EXCLUDED.body, "
    "version = p.version + 1, updated_at = EXCLUDED.updated_at "
    "WHERE p.version = $7::bigint RETURNING version"};

// What a run needs of the payees of municipality $1.
inline const db::Statement kPayeeFacts{
    "payee_facts",
    "SELECT home_id, has_account, withholding_tax_bp FROM payments.payee "
    "WHERE municipality_id = $1"};

inline const db::Statement kRunLines{
    "run_lines", "SELECT body FROM payments.payment_line WHERE run_id = $1::uuid ORDER BY seq"};

inline const db::Statement kRunPayouts{
    "run_payouts", "SELECT body FROM payments.payout WHERE run_id = $1::uuid ORDER BY home_id"};

// One transaction's entries: parallel arrays of account, side, amount and counterparty.
inline const db::Statement kInsertLedger{
    "insert_ledger",
    "INSERT INTO payments.ledger_entry (transaction_id, municipality_id, posting_date, account, "
    "side, amount_ore, source_kind, source_id, counterparty_id, created_at) "
    "SELECT $1::uuid, $2, $3::date, a, s, m, $4, $5, c, $6 "
    "FROM unnest($7::text[], $8::text[], $9::bigint[], $10::text[]) AS e(a, s, m, c)"};

// Entries of municipality $1 in posting order after id $3; filters NULL for all.
inline const db::Statement kListLedger{
    "list_ledger",
    "SELECT id, transaction_id, municipality_id, posting_date, account, side, amount_ore, "
    "source_kind, source_id, counterparty_id, created_at FROM payments.ledger_entry "
    "WHERE municipality_id = $1 AND ($3::bigint IS NULL OR id > $3::bigint) "
    "AND ($4::date IS NULL OR posting_date >= $4::date) "
    "AND ($5::date IS NULL OR posting_date <= $5::date) AND ($6::text IS NULL OR account = $6) "
    "AND ($7::uuid IS NULL OR transaction_id = $7::uuid) AND ($8::text IS NULL OR source_id = $8) "
    "ORDER BY id LIMIT $2"};

}  // namespace fhv::payments::sql
