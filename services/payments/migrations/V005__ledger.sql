-- The append-only double-entry ledger. Rows are never changed or deleted (the trigger refuses
-- it); a correction is a new transaction. The entries of one transaction balance.

CREATE TABLE payments.ledger_entry (
  id              bigserial PRIMARY KEY,
  transaction_id  uuid        NOT NULL,
  municipality_id text        NOT NULL,
  posting_date    date        NOT NULL,
  account         text        NOT NULL,
  side            text        NOT NULL CHECK (side IN ('LEDGER_SIDE_DEBIT', 'LEDGER_SIDE_CREDIT')),
  amount_ore      bigint      NOT NULL CHECK (amount_ore > 0),
  source_kind     text        NOT NULL,
  source_id       text        NOT NULL,
  counterparty_id text        NOT NULL,
  created_at      timestamptz NOT NULL
);
CREATE INDEX ledger_entry_books ON payments.ledger_entry (municipality_id, id);
CREATE INDEX ledger_entry_source ON payments.ledger_entry (source_id);

CREATE FUNCTION payments.ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only';
END $$;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON payments.ledger_entry
  FOR EACH ROW EXECUTE FUNCTION payments.ledger_is_append_only();
