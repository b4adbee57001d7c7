-- A run is calculated and approved page by page, so that the service's memory does not grow
-- with the run. Payouts are summed from the stored lines per home, and approval reads the lines
-- of a page of homes: both in home order.
CREATE INDEX payment_line_run_home ON payments.payment_line (run_id, home_id, seq);

-- The files of a run being approved, written in parts as approval pages through its homes, then
-- assembled into run_file in one statement (with the file's SHA-256) that deletes the parts, in
-- the same transaction: outside of one, the table is empty.
CREATE TABLE payments.run_file_part (
  run_id  uuid  NOT NULL REFERENCES payments.payment_run (id),
  kind    text  NOT NULL CHECK (kind IN ('BANK_FILE', 'FINANCE_EXPORT')),
  seq     int   NOT NULL,
  content bytea NOT NULL,
  PRIMARY KEY (run_id, kind, seq)
);
