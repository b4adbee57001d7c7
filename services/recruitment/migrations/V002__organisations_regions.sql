-- Municipalities (by kommunkod) and agencies (by organisationsnummer) that use the
-- suite, and regions: named cooperations of municipalities that share their homes.

CREATE TABLE recruitment.organisation (
  id                  text PRIMARY KEY,
  kind                text        NOT NULL
    CHECK (kind IN ('ORGANISATION_KIND_MUNICIPALITY', 'ORGANISATION_KIND_AGENCY')),
  name                text        NOT NULL,
  organisationsnummer text        NOT NULL DEFAULT '',
  latitude            double precision,
  longitude           double precision,
  updated_at          timestamptz NOT NULL
);
CREATE INDEX organisation_kind ON recruitment.organisation (kind, id);

CREATE TABLE recruitment.region (
  id         text PRIMARY KEY,
  name       text        NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE recruitment.region_member (
  region_id    text NOT NULL REFERENCES recruitment.region (id) ON DELETE CASCADE,
  municipality text NOT NULL REFERENCES recruitment.organisation (id),
  PRIMARY KEY (region_id, municipality)
);
CREATE INDEX region_member_municipality ON recruitment.region_member (municipality);
