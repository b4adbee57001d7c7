-- Investigations of would-be homes. `body` is the fhv.investigation.v1.Investigation
-- message without anything computed at read time; the columns beside it are what
-- queries filter, order and constrain on, written from the same message.

CREATE TABLE investigation.investigation (
  id           uuid PRIMARY KEY,
  kind         text        NOT NULL,
  org_id       text        NOT NULL,
  applicant_id text        NOT NULL,
  home_id      uuid,
  state        text        NOT NULL,
  investigator text        NOT NULL,
  opened_on    date        NOT NULL,
  version      bigint      NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  body         bytea       NOT NULL
);
CREATE INDEX investigation_org_page ON investigation.investigation (org_id, created_at DESC, id DESC);
CREATE INDEX investigation_home ON investigation.investigation (home_id, updated_at DESC);
-- One undecided initial investigation per applicant, one undecided follow-up per home.
CREATE UNIQUE INDEX investigation_open_applicant ON investigation.investigation (applicant_id)
  WHERE kind = 'INVESTIGATION_KIND_INITIAL' AND state IN ('INVESTIGATION_STATE_OPEN',
    'INVESTIGATION_STATE_IN_PROGRESS', 'INVESTIGATION_STATE_READY_FOR_DECISION');
CREATE UNIQUE INDEX investigation_open_home ON investigation.investigation (home_id)
  WHERE home_id IS NOT NULL AND state IN ('INVESTIGATION_STATE_OPEN',
    'INVESTIGATION_STATE_IN_PROGRESS', 'INVESTIGATION_STATE_READY_FOR_DECISION');

-- Register check notes: criminal-offence and special-category data, kept apart from the
-- investigation and read only through GetRegisterCheckNote.
CREATE TABLE investigation.register_note (
  register_check_id uuid PRIMARY KEY,
  investigation_id  uuid NOT NULL REFERENCES investigation.investigation (id),
  note              text NOT NULL
);
