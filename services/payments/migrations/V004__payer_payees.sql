-- Who pays and who is paid. A payee is personal data (name, personnummer, account): read only
-- through GetPayee and when a run is calculated or its bank file written.

CREATE TABLE payments.payer_settings (
  municipality_id text PRIMARY KEY,
  version         bigint      NOT NULL DEFAULT 1,
  updated_at      timestamptz NOT NULL,
  body            bytea       NOT NULL  -- fhv.payments.v1.MunicipalityPaymentSettings
);

CREATE TABLE payments.payee (
  municipality_id    text        NOT NULL,
  home_id            text        NOT NULL,
  has_account        boolean     NOT NULL,
  withholding_tax_bp int         NOT NULL,
  version            bigint      NOT NULL DEFAULT 1,
  updated_at         timestamptz NOT NULL,
  body               bytea       NOT NULL,  -- fhv.payments.v1.Payee
  PRIMARY KEY (municipality_id, home_id)
);
