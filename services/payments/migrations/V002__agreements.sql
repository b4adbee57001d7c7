-- Agreements (uppdragsavtal). `body` is the fhv.payments.v1.Agreement message with its whole
-- version history; the columns beside it are what queries filter, order and constrain on.

CREATE TABLE payments.agreement (
  id                     uuid PRIMARY KEY,
  source                 text        NOT NULL,
  -- One agreement per placement: a repeated PlacementStartedEvent finds it.
  placement_id           text UNIQUE,
  paying_municipality_id text        NOT NULL,
  home_id                text        NOT NULL,
  child_id               text,
  assignment_kind        text        NOT NULL,
  agency_home            boolean     NOT NULL,
  state                  text        NOT NULL,
  valid_from             date        NOT NULL,
  valid_to               date,
  version                bigint      NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL,
  body                   bytea       NOT NULL
);
CREATE INDEX agreement_payer ON payments.agreement (paying_municipality_id, id);
CREATE INDEX agreement_home ON payments.agreement (home_id);
