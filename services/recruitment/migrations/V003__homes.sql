-- The registry of approved homes. `body` is the fhv.recruitment.v1.Home message as last
-- approved or updated (profile and scope); the columns beside it are what matching,
-- visibility and listing query, written from the same message in the same statement.
-- Occupancy (placed_children) and availability live only in their columns.

CREATE TABLE recruitment.home (
  id              uuid PRIMARY KEY,
  applicant_id    uuid,
  owner_id        text        NOT NULL,
  owner_kind      text        NOT NULL,
  municipality    text        NOT NULL,
  support_tier    text        NOT NULL,
  approved_kinds  text[]      NOT NULL,
  max_children    integer     NOT NULL CHECK (max_children > 0),
  min_age         integer     NOT NULL,
  max_age         integer     NOT NULL,
  placed_children integer     NOT NULL DEFAULT 0 CHECK (placed_children >= 0),
  availability    text        NOT NULL CHECK (availability IN ('AVAILABILITY_AVAILABLE',
                                                              'AVAILABILITY_PAUSED')),
  paused_until    date,
  latitude        double precision,
  longitude       double precision,
  languages       text[]      NOT NULL,
  experience_tags text[]      NOT NULL,
  trainings       text[]      NOT NULL,
  -- A follow-up rejected the home: it stays on record but is out of matching.
  revoked         boolean     NOT NULL DEFAULT false,
  approved_on     date        NOT NULL,
  version         bigint      NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  body            bytea       NOT NULL
);
CREATE INDEX home_owner ON recruitment.home (owner_id, id);
CREATE UNIQUE INDEX home_applicant ON recruitment.home (applicant_id) WHERE applicant_id IS NOT NULL;

-- Regions a home is shared with; their member municipalities may see and use it.
CREATE TABLE recruitment.home_region (
  home_id   uuid NOT NULL REFERENCES recruitment.home (id) ON DELETE CASCADE,
  region_id text NOT NULL REFERENCES recruitment.region (id),
  PRIMARY KEY (home_id, region_id)
);
CREATE INDEX home_region_region ON recruitment.home_region (region_id, home_id);

-- Placements in homes as the placement service reports them: the source of occupancy.
CREATE TABLE recruitment.home_placement (
  placement_id text PRIMARY KEY,
  home_id      uuid NOT NULL REFERENCES recruitment.home (id),
  start_date   date NOT NULL,
  end_date     date
);
CREATE INDEX home_placement_home ON recruitment.home_placement (home_id) WHERE end_date IS NULL;

-- Applicant states are stored by their enum names, like their transitions.
UPDATE recruitment.applicant SET state = 'APPLICANT_STATE_' || state
  WHERE state NOT LIKE 'APPLICANT_STATE_%';
CREATE INDEX applicant_org_page ON recruitment.applicant (org_id, created_at DESC, id DESC);

-- What the pipeline's verbs record besides the step itself.
ALTER TABLE recruitment.applicant
  ADD COLUMN info_meeting_on date,
  ADD COLUMN applied_kinds text[] NOT NULL DEFAULT '{}',
  ADD COLUMN withdrawal_reason text;
