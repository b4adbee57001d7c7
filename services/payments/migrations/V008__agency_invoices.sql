-- Agencies' monthly invoice bases to municipalities, and the cost figures of each approved run
-- for the cost report. An invoice is one per agency, municipality and month and never changes.

CREATE TABLE payments.agency_invoice (
  id              uuid        PRIMARY KEY,
  agency_id       text        NOT NULL,
  municipality_id text        NOT NULL,
  month           date        NOT NULL,  -- its first day
  created_at      timestamptz NOT NULL,
  body            bytea       NOT NULL,  -- fhv.payments.v1.AgencyInvoice
  UNIQUE (agency_id, municipality_id, month)
);
CREATE INDEX agency_invoice_municipality ON payments.agency_invoice (municipality_id, month);

CREATE FUNCTION payments.agency_invoice_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'an agency invoice is never changed';
END $$;
CREATE TRIGGER agency_invoice_immutable BEFORE UPDATE OR DELETE ON payments.agency_invoice
  FOR EACH ROW EXECUTE FUNCTION payments.agency_invoice_is_immutable();

-- The invoice that carries an agency home's claim.
ALTER TABLE payments.reimbursement ADD COLUMN agency_invoice_id uuid;

-- The own homes' cost figures of an approved run (fhv.payments.v1.CostFigures).
CREATE TABLE payments.run_cost (
  run_id          uuid   PRIMARY KEY REFERENCES payments.payment_run (id),
  municipality_id text   NOT NULL,
  month           date   NOT NULL,
  figures         bytea  NOT NULL
);
CREATE INDEX run_cost_month ON payments.run_cost (municipality_id, month);
