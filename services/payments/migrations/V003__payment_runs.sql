-- Monthly payment runs, their lines and payouts. One run per paying municipality and month:
-- the unique key makes two simultaneous creations one run.

CREATE TABLE payments.payment_run (
  id              uuid PRIMARY KEY,
  municipality_id text        NOT NULL,
  month           date        NOT NULL,  -- its first day
  state           text        NOT NULL,
  version         bigint      NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  body            bytea       NOT NULL,  -- fhv.payments.v1.PaymentRun with its totals
  UNIQUE (municipality_id, month)
);

CREATE TABLE payments.payment_line (
  run_id       uuid    NOT NULL REFERENCES payments.payment_run (id),
  seq          int     NOT NULL,
  agreement_id uuid    NOT NULL,
  home_id      text    NOT NULL,
  amount_ore   bigint  NOT NULL,
  taxable      boolean NOT NULL,
  body         bytea   NOT NULL,  -- fhv.payments.v1.PaymentLine
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX payment_line_agreement ON payments.payment_line (agreement_id);
CREATE INDEX payment_line_home ON payments.payment_line (home_id);

CREATE TABLE payments.payout (
  run_id  uuid   NOT NULL REFERENCES payments.payment_run (id),
  home_id text   NOT NULL,
  net_ore bigint NOT NULL,
  body    bytea  NOT NULL,  -- fhv.payments.v1.Payout
  PRIMARY KEY (run_id, home_id)
);

-- The agreements a run reads: those of a payer in force in a month.
CREATE INDEX agreement_payer_period ON payments.agreement (paying_municipality_id, valid_from);
