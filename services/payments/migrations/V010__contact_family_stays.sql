-- A contact family's stays. The run of the month a stay ends in (or the next one) pays it; the
-- approval binds it to that run.

CREATE TABLE payments.contact_family_stay (
  id                     uuid        PRIMARY KEY,
  agreement_id           uuid        NOT NULL REFERENCES payments.agreement (id),
  paying_municipality_id text        NOT NULL,
  arrival                date        NOT NULL,
  departure              date        NOT NULL CHECK (departure >= arrival),
  payment_run_id         uuid,
  created_at             timestamptz NOT NULL,
  body                   bytea       NOT NULL  -- fhv.payments.v1.ContactFamilyStay
);
CREATE INDEX contact_family_stay_agreement ON payments.contact_family_stay (agreement_id, arrival);
-- What a payer's next run pays.
CREATE INDEX contact_family_stay_payable ON payments.contact_family_stay (paying_municipality_id)
  WHERE payment_run_id IS NULL;
