-- The next due date of each statutory clock of each active placement, so that
-- ListDueStatutoryItems and the overdue gauge read this table instead of evaluating every
-- placement. The service computes the rows (Deadlines in domain/clocks) on every placement
-- write. A placement's rows are current when its due_version equals its version: a write by a
-- binary that does not store due dates (one older than this migration, during a rolling
-- deploy) or that computes them with other rules or clock logic leaves them stale, and the
-- service recomputes stale placements at start and then periodically.

CREATE TABLE placement.placement_due (
  placement_id    uuid NOT NULL REFERENCES placement.placement (id),
  kind            int  NOT NULL,  -- fhv.placement.v1.StatutoryClockKind number
  municipality_id text NOT NULL,
  rule_id         text NOT NULL,
  due_date        date NOT NULL,
  PRIMARY KEY (placement_id, kind)
);
CREATE INDEX placement_due_listing ON placement.placement_due (municipality_id, due_date, placement_id, kind);

ALTER TABLE placement.placement ADD COLUMN due_version bigint;
-- An ended placement has no due dates.
UPDATE placement.placement SET due_version = version WHERE state <> 'PLACEMENT_STATE_ACTIVE';
CREATE INDEX placement_due_stale ON placement.placement (id) WHERE due_version IS DISTINCT FROM version;

-- The rules and clock logic (DueDatesFingerprint) that current due dates are computed with:
-- those of the binary that started last with different ones.
CREATE TABLE placement.due_dates_state (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  fingerprint text        NOT NULL,
  changed_at  timestamptz NOT NULL
);
