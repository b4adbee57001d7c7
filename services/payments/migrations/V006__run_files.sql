-- The files an approved run leaves: its bank file and its finance export, written once when the
-- run is approved and never changed (the trigger refuses it), so every reader gets the same bytes.

CREATE TABLE payments.run_file (
  run_id     uuid        NOT NULL REFERENCES payments.payment_run (id),
  kind       text        NOT NULL CHECK (kind IN ('BANK_FILE', 'FINANCE_EXPORT')),
  file_name  text        NOT NULL,
  message_id text        NOT NULL,
  item_count int         NOT NULL,
  total_ore  bigint      NOT NULL,
  sha256     text        NOT NULL,
  content    bytea       NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (run_id, kind)
);

CREATE FUNCTION payments.run_file_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a run''s files are never changed';
END $$;
CREATE TRIGGER run_file_immutable BEFORE UPDATE OR DELETE ON payments.run_file
  FOR EACH ROW EXECUTE FUNCTION payments.run_file_is_immutable();

-- Payouts of one home across runs.
CREATE INDEX payout_home ON payments.payout (home_id);
