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

// $3 the placement id, or NULL for a hand-made agreement. An agreement starting in a month that
// an approved run already paid is rechecked from its start, so the next run pays those months.
inline const db::Statement kInsertAgreement{
    "insert_agreement",
    "INSERT INTO payments.agreement (id, source, placement_id, paying_municipality_id, home_id, "
    "child_id, assignment_kind, agency_home, state, valid_from, valid_to, created_at, updated_at, "
    "body, recheck_from) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10::date, $11::date, "
    "$12, $12, $13, CASE WHEN EXISTS (SELECT 1 FROM payments.payment_run r "
    "WHERE r.municipality_id = $4 AND r.month >= date_trunc('month', $10::date)::date "
    "AND r.state IN ('PAYMENT_RUN_STATE_APPROVED', 'PAYMENT_RUN_STATE_PAID', "
    "'PAYMENT_RUN_STATE_FAILED')) THEN $10::date END) "
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
    "version = version + 1, updated_at = $5, recheck_from = LEAST(recheck_from, $6::date) "
    "WHERE id = $1::uuid RETURNING version"};

// Agreements paid by $1 (NULL: any payer) by id after $3; filters NULL for all; $9 in force on a
// day.
inline const db::Statement kListAgreements{
    "list_agreements",
    "SELECT body, version, id FROM payments.agreement "
    "WHERE ($1::text IS NULL OR paying_municipality_id = $1) "
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
    "body, adjustment) SELECT $1::uuid, * FROM unnest($2::int[], $3::uuid[], $4::text[], "
    "$5::bigint[], $6::bool[], $7::bytea[], $8::bool[])"};

inline const db::Statement kInsertPayouts{
    "insert_payouts",
    "INSERT INTO payments.payout (run_id, home_id, net_ore, body) "
    "SELECT $1::uuid, * FROM unnest($2::text[], $3::bigint[], $4::bytea[])"};

// Lines by (run, seq) after ($2, $3); filters NULL for all; $4 one run, $5 home, $6 agreement,
// $8..$9 a month range, $10 adjustments only; $1 NULL for any payer; $11 approved runs only.
inline const db::Statement kListLines{
    "list_lines",
    "SELECT l.body, l.run_id, l.seq FROM payments.payment_line l "
    "JOIN payments.payment_run r ON r.id = l.run_id "
    "WHERE ($1::text IS NULL OR r.municipality_id = $1) AND (NOT $11::bool OR r.state IN "
    "('PAYMENT_RUN_STATE_APPROVED', 'PAYMENT_RUN_STATE_PAID', 'PAYMENT_RUN_STATE_FAILED')) "
    "AND ($2::uuid IS NULL OR (l.run_id, l.seq) > ($2::uuid, $3::int)) "
    "AND ($4::uuid IS NULL OR l.run_id = $4::uuid) AND ($5::text IS NULL OR l.home_id = $5) "
    "AND ($6::uuid IS NULL OR l.agreement_id = $6::uuid) "
    "AND ($8::date IS NULL OR r.month >= $8::date) AND ($9::date IS NULL OR r.month <= $9::date) "
    "AND (NOT $10::bool OR l.adjustment) ORDER BY l.run_id, l.seq LIMIT $7"};

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
// What a run needs of the payees of municipality $1 for the homes $2.
inline const db::Statement kPayeeFacts{
    "payee_facts",
    "SELECT home_id, has_account, withholding_tax_bp FROM payments.payee "
    "WHERE municipality_id = $1 AND home_id = ANY($2::text[])"};

// Per home of run $1 after home $4, at most $5 homes in home order: its taxable and tax-free
// sums, what the latest approved run of payer $2 before month $3 carried forward for it (a
// negative net), and the agreement of its first line.
inline const db::Statement kHomeSums{
    "home_sums",
    "WITH prev AS (SELECT id FROM payments.payment_run WHERE municipality_id = $2 "
    "AND month < $3::date AND state IN ('PAYMENT_RUN_STATE_APPROVED', 'PAYMENT_RUN_STATE_PAID', "
    "'PAYMENT_RUN_STATE_FAILED') ORDER BY month DESC LIMIT 1) "
    "SELECT home_id, coalesce(sum(amount_ore) FILTER (WHERE taxable), 0), "
    "coalesce(sum(amount_ore) FILTER (WHERE NOT taxable), 0), sum(carried), "
    "coalesce((array_agg(agreement_id ORDER BY seq) FILTER (WHERE seq IS NOT NULL))[1]::text, '') "
    "FROM (SELECT home_id, amount_ore, taxable, seq, agreement_id, 0::bigint AS carried "
    "FROM payments.payment_line WHERE run_id = $1::uuid AND home_id > $4 "
    "UNION ALL SELECT home_id, 0, NULL, NULL, NULL, net_ore FROM payments.payout "
    "WHERE run_id = (SELECT id FROM prev) AND net_ore < 0 AND home_id > $4) x "
    "GROUP BY home_id ORDER BY home_id LIMIT $5"};

// Run $1's lines, agreements with lines and the sum of its adjustment lines.
inline const db::Statement kLineCounts{
    "line_counts",
    "SELECT count(*), count(DISTINCT agreement_id), "
    "coalesce(sum(amount_ore) FILTER (WHERE adjustment), 0) FROM payments.payment_line "
    "WHERE run_id = $1::uuid"};

// Run $1's payouts after home $2, at most $3, in home order.
inline const db::Statement kPayoutPage{
    "payout_page",
    "SELECT body FROM payments.payout WHERE run_id = $1::uuid AND home_id > $2 "
    "ORDER BY home_id LIMIT $3"};

// Run $1's lines of the homes from $2 to $3, by home and seq.
inline const db::Statement kLinesOfHomes{
    "lines_of_homes",
    "SELECT body FROM payments.payment_line WHERE run_id = $1::uuid AND home_id >= $2 "
    "AND home_id <= $3 ORDER BY home_id, seq"};

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

// The payees of municipality $1 for the homes $2.
inline const db::Statement kPayeesOf{
    "payees_of",
    "SELECT body FROM payments.payee WHERE municipality_id = $1 AND home_id = ANY($2::text[])"};

// Payouts by (run, home) after ($2, $3); filters NULL for all; $4 one run, $5 home, $6..$7 a
// month range; $1 NULL for any payer; $9 approved runs only.
inline const db::Statement kListPayouts{
    "list_payouts",
    "SELECT p.body, p.run_id, p.home_id FROM payments.payout p "
    "JOIN payments.payment_run r ON r.id = p.run_id "
    "WHERE ($1::text IS NULL OR r.municipality_id = $1) AND (NOT $9::bool OR r.state IN "
    "('PAYMENT_RUN_STATE_APPROVED', 'PAYMENT_RUN_STATE_PAID', 'PAYMENT_RUN_STATE_FAILED')) "
    "AND ($2::uuid IS NULL OR (p.run_id, p.home_id) > ($2::uuid, $3::text)) "
    "AND ($4::uuid IS NULL OR p.run_id = $4::uuid) AND ($5::text IS NULL OR p.home_id = $5) "
    "AND ($6::date IS NULL OR r.month >= $6::date) AND ($7::date IS NULL OR r.month <= $7::date) "
    "ORDER BY p.run_id, p.home_id LIMIT $8"};

// Part $3 of run $1's file of kind $2.
inline const db::Statement kInsertRunFilePart{
    "insert_run_file_part",
    "INSERT INTO payments.run_file_part (run_id, kind, seq, content) "
    "VALUES ($1::uuid, $2, $3, $4)"};

// Stores run $1's file of kind $2 from its parts, in order, with the file's SHA-256 (returned),
// and deletes the parts.
inline const db::Statement kAssembleRunFile{
    "assemble_run_file",
    "WITH parts AS (DELETE FROM payments.run_file_part WHERE run_id = $1::uuid AND kind = $2 "
    "RETURNING seq, content), f AS (SELECT string_agg(content, ''::bytea ORDER BY seq) AS c "
    "FROM parts) INSERT INTO payments.run_file (run_id, kind, file_name, message_id, item_count, "
    "total_ore, sha256, content, created_at) SELECT $1::uuid, $2, $3, $4, $5, $6, "
    "encode(sha256(c), 'hex'), c, $7 FROM f WHERE c IS NOT NULL RETURNING sha256"};

// A file's facts and bytes [$3, $3 + $4) (1-based $3, as substring counts).
inline const db::Statement kRunFileChunk{
    "run_file_chunk",
    "SELECT file_name, message_id, item_count, total_ore, sha256, octet_length(content), "
    "created_at, substring(content FROM $3::int FOR $4::int) FROM payments.run_file "
    "WHERE run_id = $1::uuid AND kind = $2"};

inline const db::Statement kInsertReceipt{
    "insert_receipt",
    "INSERT INTO payments.receipt (id, home_id, uploader_kind, uploader_org, created_at, content, "
    "body) VALUES ($1::uuid, $2, $3, $4, $5, $6, $7)"};

// $2: whether to read the content too.
inline const db::Statement kGetReceipt{
    "get_receipt",
    "SELECT body, uploader_kind, uploader_org, reimbursement_id, "
    "CASE WHEN $2::bool THEN content END FROM payments.receipt WHERE id = $1::uuid"};

// Attaches receipts $1 of home $2 that no claim has yet to claim $3; the rows attached.
inline const db::Statement kAttachReceipts{
    "attach_receipts",
    "UPDATE payments.receipt SET reimbursement_id = $3::uuid WHERE id = ANY($1::uuid[]) "
    "AND home_id = $2 AND reimbursement_id IS NULL RETURNING body"};

inline const db::Statement kInsertPurchase{
    "insert_purchase",
    "INSERT INTO payments.purchase_approval (id, agreement_id, home_id, paying_municipality_id, "
    "agency_id, state, created_at, updated_at, body) "
    "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $7, $8)"};

inline const db::Statement kGetPurchase{
    "get_purchase", "SELECT body, version FROM payments.purchase_approval WHERE id = $1::uuid"};

inline const db::Statement kLockPurchase{
    "lock_purchase",
    "SELECT body, version FROM payments.purchase_approval WHERE id = $1::uuid FOR UPDATE"};

inline const db::Statement kUpdatePurchase{
    "update_purchase",
    "UPDATE payments.purchase_approval SET state = $2, body = $3, version = version + 1, "
    "updated_at = $4 WHERE id = $1::uuid RETURNING version"};

// Pre-approvals seen by one party ($1 payer, $2 home, or $3 agency; the others NULL) by id
// after $4; filters NULL for all.
inline const db::Statement kListPurchases{
    "list_purchases",
    "SELECT body, version, id FROM payments.purchase_approval "
    "WHERE ($1::text IS NULL OR paying_municipality_id = $1) AND ($2::text IS NULL OR home_id = "
    "$2) "
    "AND ($3::text IS NULL OR agency_id = $3) AND ($4::uuid IS NULL OR id > $4::uuid) "
    "AND ($5::text IS NULL OR home_id = $5) AND ($6::uuid IS NULL OR agreement_id = $6::uuid) "
    "AND ($7::text[] IS NULL OR state = ANY($7)) ORDER BY id LIMIT $8"};

inline const db::Statement kInsertClaim{
    "insert_claim",
    "INSERT INTO payments.reimbursement (id, agreement_id, home_id, paying_municipality_id, "
    "agency_id, kind, state, created_at, updated_at, body) "
    "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $8, $9)"};

inline const db::Statement kGetClaim{
    "get_claim", "SELECT body, version FROM payments.reimbursement WHERE id = $1::uuid"};

inline const db::Statement kLockClaim{
    "lock_claim",
    "SELECT body, version FROM payments.reimbursement WHERE id = $1::uuid FOR UPDATE"};

inline const db::Statement kUpdateClaim{
    "update_claim",
    "UPDATE payments.reimbursement SET state = $2, payment_run_id = $3::uuid, body = $4, "
    "version = version + 1, updated_at = $5, agency_invoice_id = $6::uuid WHERE id = $1::uuid "
    "RETURNING version"};

// Claims seen by one party (as kListPurchases), newest first, after ($4 time, $5 id).
inline const db::Statement kListClaims{
    "list_claims",
    "SELECT body, version, created_at, id FROM payments.reimbursement "
    "WHERE ($1::text IS NULL OR paying_municipality_id = $1) AND ($2::text IS NULL OR home_id = "
    "$2) "
    "AND ($3::text IS NULL OR agency_id = $3) "
    "AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid)) "
    "AND ($6::text IS NULL OR home_id = $6) AND ($7::uuid IS NULL OR agreement_id = $7::uuid) "
    "AND ($8::text[] IS NULL OR state = ANY($8)) AND ($9::text[] IS NULL OR kind = ANY($9)) "
    "ORDER BY created_at DESC, id DESC LIMIT $10"};

// The approved claims of payer $1's own homes that no run pays yet.
inline const db::Statement kPayableClaims{
    "payable_claims",
    "SELECT body, version FROM payments.reimbursement WHERE paying_municipality_id = $1 "
    "AND state = 'REIMBURSEMENT_STATE_APPROVED' AND payment_run_id IS NULL AND agency_id = '' "
    "ORDER BY id"};

// The claims bound to run $1, locked.
inline const db::Statement kClaimsOfRun{
    "claims_of_run",
    "SELECT body, version FROM payments.reimbursement WHERE payment_run_id = $1::uuid "
    "ORDER BY id FOR UPDATE"};

// The agreements of a home (a home has few), for who may act for it.
inline const db::Statement kAgreementsOfHome{
    "agreements_of_home",
    "SELECT body, version FROM payments.agreement WHERE home_id = $1 ORDER BY id LIMIT 1000"};

// The approved claims of agency $2's homes paid by $1 not yet invoiced, locked.
inline const db::Statement kInvoiceableClaims{
    "invoiceable_claims",
    "SELECT body, version FROM payments.reimbursement WHERE paying_municipality_id = $1 "
    "AND agency_id = $2 AND state = 'REIMBURSEMENT_STATE_APPROVED' AND agency_invoice_id IS NULL "
    "ORDER BY id FOR UPDATE"};

// The agency homes' agreements of payer $1 in force on some day from $2 to $3.
inline const db::Statement kAgencyAgreementsInForce{
    "agency_agreements_in_force",
    "SELECT body, version FROM payments.agreement WHERE paying_municipality_id = $1 "
    "AND agency_home AND valid_from <= $3::date AND (valid_to IS NULL OR valid_to >= $2::date) "
    "ORDER BY id"};

// Creates the invoice of ($2 agency, $3 municipality, $4 month) unless it exists: no row then.
inline const db::Statement kInsertInvoice{
    "insert_invoice",
    "INSERT INTO payments.agency_invoice (id, agency_id, municipality_id, month, created_at, body) "
    "VALUES ($1::uuid, $2, $3, $4::date, $5, $6) "
    "ON CONFLICT (agency_id, municipality_id, month) DO NOTHING RETURNING id"};

inline const db::Statement kGetInvoice{
    "get_invoice", "SELECT body FROM payments.agency_invoice WHERE id = $1::uuid"};

inline const db::Statement kInvoiceOfMonth{
    "invoice_of_month",
    "SELECT body FROM payments.agency_invoice WHERE agency_id = $1 AND municipality_id = $2 "
    "AND month = $3::date"};

// Invoices of agency $1 and/or municipality $2 (NULL for any), newest month first, after
// ($3 month, $4 id); $5..$6 a month range.
inline const db::Statement kListInvoices{
    "list_invoices",
    "SELECT body, month, id FROM payments.agency_invoice "
    "WHERE ($1::text IS NULL OR agency_id = $1) AND ($2::text IS NULL OR municipality_id = $2) "
    "AND ($3::date IS NULL OR (month, id) < ($3::date, $4::uuid)) "
    "AND ($5::date IS NULL OR month >= $5::date) AND ($6::date IS NULL OR month <= $6::date) "
    "ORDER BY month DESC, id DESC LIMIT $7"};

// The invoices of municipality $1 from month $2 to $3.
inline const db::Statement kInvoicesOfPeriod{
    "invoices_of_period",
    "SELECT body FROM payments.agency_invoice WHERE municipality_id = $1 AND month >= $2::date "
    "AND month <= $3::date"};

inline const db::Statement kInsertRunCost{
    "insert_run_cost",
    "INSERT INTO payments.run_cost (run_id, municipality_id, month, figures) "
    "VALUES ($1::uuid, $2, $3::date, $4)"};

// The approved runs' cost figures of municipality $1 from month $2 to $3.
inline const db::Statement kRunCostsOfPeriod{
    "run_costs_of_period",
    "SELECT month, figures FROM payments.run_cost WHERE municipality_id = $1 "
    "AND month >= $2::date AND month <= $3::date"};

// The own homes' agreements of payer $1 changed back in time before month $2, with the day.
inline const db::Statement kAgreementsToRecheck{
    "agreements_to_recheck",
    "SELECT body, version, recheck_from, id FROM payments.agreement "
    "WHERE paying_municipality_id = $1 AND recheck_from < $2::date AND NOT agency_home "
    "AND assignment_kind <> 'ASSIGNMENT_KIND_KONTAKTFAMILJ' "
    "AND ($3::uuid IS NULL OR id > $3::uuid) ORDER BY id LIMIT $4"};

// The months before $2 that an approved run of payer $1 paid.
inline const db::Statement kPaidMonths{
    "paid_months",
    "SELECT month FROM payments.payment_run WHERE municipality_id = $1 AND month < $2::date "
    "AND state IN ('PAYMENT_RUN_STATE_APPROVED', 'PAYMENT_RUN_STATE_PAID', "
    "'PAYMENT_RUN_STATE_FAILED') ORDER BY month"};

// Every line of the agreements $1 in approved runs of payer $2 of months before $3.
inline const db::Statement kPaidLinesOfAgreements{
    "paid_lines_of_agreements",
    "SELECT l.agreement_id, l.body FROM payments.payment_line l "
    "JOIN payments.payment_run r ON r.id = l.run_id "
    "WHERE l.agreement_id = ANY($1::uuid[]) AND r.municipality_id = $2 AND r.month < $3::date "
    "AND r.state IN ('PAYMENT_RUN_STATE_APPROVED', 'PAYMENT_RUN_STATE_PAID', "
    "'PAYMENT_RUN_STATE_FAILED')"};

// Replaces what run $1 rechecked: parallel arrays of agreement ids and versions.
inline const db::Statement kDeleteRechecked{
    "delete_rechecked", "DELETE FROM payments.run_recheck WHERE run_id = $1::uuid"};
inline const db::Statement kInsertRechecked{
    "insert_rechecked",
    "INSERT INTO payments.run_recheck (run_id, agreement_id, version) "
    "SELECT $1::uuid, * FROM unnest($2::uuid[], $3::bigint[])"};

// Clears the marks approved run $1 settled: of the agreements it rechecked, those still at the
// version it saw.
inline const db::Statement kClearRecheck{
    "clear_recheck",
    "UPDATE payments.agreement a SET recheck_from = NULL FROM payments.run_recheck r "
    "WHERE r.run_id = $1::uuid AND a.id = r.agreement_id AND a.version = r.version"};

// Whether payer $1 has a run of a month before $2 still open, and one of a month after $2
// approved (or paid, or failed).
inline const db::Statement kRunOrder{
    "run_order",
    "SELECT count(*) FILTER (WHERE month < $2::date AND state IN ('PAYMENT_RUN_STATE_DRAFT', "
    "'PAYMENT_RUN_STATE_CALCULATED')), count(*) FILTER (WHERE month > $2::date AND state IN "
    "('PAYMENT_RUN_STATE_APPROVED', 'PAYMENT_RUN_STATE_PAID', 'PAYMENT_RUN_STATE_FAILED')) "
    "FROM payments.payment_run WHERE municipality_id = $1"};

// Runs of payer $1 other than $2 approved (or paid, or failed) since $3.
inline const db::Statement kRunsApprovedSince{
    "runs_approved_since",
    "SELECT count(*) FROM payments.payment_run WHERE municipality_id = $1 AND id <> $2::uuid "
    "AND updated_at > $3 AND state IN ('PAYMENT_RUN_STATE_APPROVED', 'PAYMENT_RUN_STATE_PAID', "
    "'PAYMENT_RUN_STATE_FAILED')"};

inline const db::Statement kInsertStay{
    "insert_stay",
    "INSERT INTO payments.contact_family_stay (id, agreement_id, paying_municipality_id, arrival, "
    "departure, created_at, body) VALUES ($1::uuid, $2::uuid, $3, $4::date, $5::date, $6, $7)"};

// Stays of agreement $1 sharing a day with [$2, $3): a stay's days run from its arrival to its
// departure, or one day for a visit without a night.
inline const db::Statement kStayOverlaps{
    "stay_overlaps",
    "SELECT count(*) FROM payments.contact_family_stay WHERE agreement_id = $1::uuid "
    "AND arrival < $3::date AND GREATEST(departure, arrival + 1) > $2::date"};

// Stays of agreement $1 by (arrival, id) after ($4, $5); $2..$3 an arrival range.
inline const db::Statement kListStays{
    "list_stays",
    "SELECT body, payment_run_id, arrival, id FROM payments.contact_family_stay "
    "WHERE agreement_id = $1::uuid AND ($2::date IS NULL OR arrival >= $2::date) "
    "AND ($3::date IS NULL OR arrival <= $3::date) "
    "AND ($4::date IS NULL OR (arrival, id) > ($4::date, $5::uuid)) ORDER BY arrival, id LIMIT $6"};

// The unpaid stays of payer $1's own homes that ended by $2, with their agreements.
inline const db::Statement kPayableStays{
    "payable_stays",
    "SELECT s.body, a.body FROM payments.contact_family_stay s "
    "JOIN payments.agreement a ON a.id = s.agreement_id WHERE s.paying_municipality_id = $1 "
    "AND s.payment_run_id IS NULL AND s.departure <= $2::date AND NOT a.agency_home "
    "ORDER BY s.arrival, s.id"};

// Binds the unpaid stays $1 to run $2; the rows bound.
inline const db::Statement kBindStays{
    "bind_stays",
    "UPDATE payments.contact_family_stay SET payment_run_id = $2::uuid "
    "WHERE id = ANY($1::uuid[]) AND payment_run_id IS NULL RETURNING id"};

// The gauges: runs by payer and state; claims waiting for a decision by payer.
inline const db::Statement kRunCounts{
    "run_counts",
    "SELECT municipality_id, state, count(*) FROM payments.payment_run GROUP BY 1, 2"};
inline const db::Statement kClaimsWaiting{
    "claims_waiting",
    "SELECT paying_municipality_id, count(*) FROM payments.reimbursement "
    "WHERE state = 'REIMBURSEMENT_STATE_SUBMITTED' GROUP BY 1"};

}  // namespace fhv::payments::sql
