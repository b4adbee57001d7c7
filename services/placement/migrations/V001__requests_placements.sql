-- Placement requests, placements, children's pseudonymous ids and the committee's
-- delegations. `body` is the service's message without what is computed at read time; the
-- columns beside it are what queries filter, order, lock and constrain on, written from the
-- same message.

-- One pseudonymous id per personnummer: what events and other services hold instead.
CREATE TABLE placement.child (
  id           uuid PRIMARY KEY,
  personnummer text NOT NULL UNIQUE
);

CREATE TABLE placement.placement_request (
  id               uuid PRIMARY KEY,
  municipality_id  text        NOT NULL,
  addressee_id     text        NOT NULL,
  state            text        NOT NULL,
  urgency          text        NOT NULL,
  consultant       text,
  sibling_group_id uuid,
  child_id         uuid        NOT NULL,
  -- The home put up for decision; an approved request holds a place in it until the
  -- placement starts or the request is withdrawn.
  home_id          uuid,
  -- When the request entered its current state.
  state_since      timestamptz NOT NULL,
  version          bigint      NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  body             bytea       NOT NULL
);
CREATE INDEX placement_request_owner ON placement.placement_request (municipality_id, created_at DESC, id DESC);
CREATE INDEX placement_request_addressee ON placement.placement_request (addressee_id, created_at DESC, id DESC);
CREATE INDEX placement_request_siblings ON placement.placement_request (sibling_group_id)
  WHERE sibling_group_id IS NOT NULL;
CREATE INDEX placement_request_reserved ON placement.placement_request (home_id)
  WHERE state = 'PLACEMENT_REQUEST_STATE_APPROVED';

CREATE TABLE placement.placement (
  id              uuid PRIMARY KEY,
  request_id      uuid        NOT NULL UNIQUE REFERENCES placement.placement_request (id),
  municipality_id text        NOT NULL,
  home_id         uuid        NOT NULL,
  home_owner_id   text        NOT NULL,
  child_id        uuid        NOT NULL,
  state           text        NOT NULL,
  form            text        NOT NULL,
  start_date      date        NOT NULL,
  version         bigint      NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  body            bytea       NOT NULL
);
CREATE INDEX placement_owner ON placement.placement (municipality_id, start_date DESC, id DESC);
CREATE INDEX placement_home_owner ON placement.placement (home_owner_id, start_date DESC, id DESC);
CREATE INDEX placement_active_home ON placement.placement (home_id) WHERE state = 'PLACEMENT_STATE_ACTIVE';

CREATE TABLE placement.delegation (
  id               uuid PRIMARY KEY,
  municipality_id  text        NOT NULL,
  delegate_user_id text        NOT NULL,
  valid_from       date        NOT NULL,
  valid_to         date,
  version          bigint      NOT NULL DEFAULT 1,
  updated_at       timestamptz NOT NULL,
  body             bytea       NOT NULL
);
CREATE INDEX delegation_municipality ON placement.delegation (municipality_id, id);
