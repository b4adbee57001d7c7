-- The next due date of each statutory clock of each active placement, so that
-- ListDueStatutoryItems and the overdue gauge read an index range instead of evaluating every
-- placement. The service computes the rows (Deadlines in domain/clocks) on every placement
-- write; an ended placement has none. At start it rebuilds them all when the rules or its own
-- clock logic differ from those they were computed with (due_dates_state.fingerprint).

CREATE TABLE placement.placement_due (
  placement_id    uuid NOT NULL REFERENCES placement.placement (id),
  kind            int  NOT NULL,  -- fhv.placement.v1.StatutoryClockKind number
  municipality_id text NOT NULL,
  rule_id         text NOT NULL,
  due_date        date NOT NULL,
  PRIMARY KEY (placement_id, kind)
);
CREATE INDEX placement_due_listing ON placement.placement_due (municipality_id, due_date, placement_id, kind);

CREATE TABLE placement.due_dates_state (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  fingerprint text        NOT NULL,
  rebuilt_at  timestamptz NOT NULL
);
