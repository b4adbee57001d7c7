-- Applicants (one household moving through the pipeline) and the interests that
-- brought them. Personal data; readable only by the recruitment role.

CREATE TABLE recruitment.applicant (
  id          uuid PRIMARY KEY,
  org_id      text        NOT NULL,
  org_kind    text        NOT NULL,
  source      text        NOT NULL,
  campaign_id text        NOT NULL DEFAULT '',
  state       text        NOT NULL,
  version     bigint      NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE INDEX applicant_org_state ON recruitment.applicant (org_id, state);

-- Every step of an applicant's pipeline with its time.
CREATE TABLE recruitment.applicant_transition (
  applicant_id uuid        NOT NULL REFERENCES recruitment.applicant (id),
  seq          integer     NOT NULL,
  state        text        NOT NULL,
  at           timestamptz NOT NULL,
  actor        text        NOT NULL,
  PRIMARY KEY (applicant_id, seq)
);

-- The adults of an applicant by personnummer (12 digits). An adult has at most one
-- open application per organisation.
CREATE TABLE recruitment.applicant_person (
  applicant_id uuid    NOT NULL REFERENCES recruitment.applicant (id),
  org_id       text    NOT NULL,
  personnummer text    NOT NULL CHECK (personnummer ~ '^[0-9]{12}$'),
  open         boolean NOT NULL DEFAULT true,
  PRIMARY KEY (applicant_id, personnummer)
);
CREATE UNIQUE INDEX applicant_person_open
  ON recruitment.applicant_person (org_id, personnummer) WHERE open;

-- An interest as registered. `body` is the fhv.recruitment.v1.Interest message with
-- normalised values; the columns beside it are what queries filter and order on.
CREATE TABLE recruitment.interest (
  id                   uuid PRIMARY KEY,
  org_id               text        NOT NULL,
  org_kind             text        NOT NULL,
  applicant_id         uuid        NOT NULL REFERENCES recruitment.applicant (id),
  source               text        NOT NULL,
  campaign_id          text        NOT NULL DEFAULT '',
  received_at          timestamptz NOT NULL,
  portal_submission_id text,
  body                 bytea       NOT NULL,
  UNIQUE (org_id, portal_submission_id)
);
CREATE INDEX interest_org_page ON recruitment.interest (org_id, received_at DESC, id DESC);
