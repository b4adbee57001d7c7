-- The statutory clocks as data (fhv.placement.v1.StatutoryClockRule). A law that changes a
-- clock's timing or is renumbered gets a new row with its own validity dates; rows are
-- corrected only by later migrations, never by hand.
--
-- Sources read (2026-11): SFS 2012:776, 2012:777, 2020:1259, 2020:1260 and 2022:665 with
-- bet. 2020/21:SoU5 and 2021/22:SoU33. Where a row's citation could not be checked against the
-- statute text its description says so; the new Social Services Act (2025:400) is cited by
-- name only, since its section numbers were not checked.

CREATE TABLE placement.clock_rule (
  rule_id                text PRIMARY KEY,
  kind                   text    NOT NULL,
  name                   text    NOT NULL,
  description            text    NOT NULL,
  legal_citation         text    NOT NULL,
  valid_from             date    NOT NULL,
  valid_to               date,
  legal_bases            text[]  NOT NULL DEFAULT '{}',
  forms                  text[]  NOT NULL DEFAULT '{}',
  anchor                 text    NOT NULL,
  first_due_after_months int     NOT NULL,
  repeat_every_months    int     NOT NULL,
  repeat_from_last_step  boolean NOT NULL
);

INSERT INTO placement.clock_rule VALUES
('review-sol-2001', 'STATUTORY_CLOCK_KIND_REVIEW', 'Övervägande var sjätte månad',
 'The committee considers at least every six months whether care in the family home is still needed.',
 '6 kap. 8 § första stycket socialtjänstlagen (2001:453)', '2002-01-01', '2025-06-30',
 '{LEGAL_BASIS_VOLUNTARY}', '{}', 'STATUTORY_CLOCK_ANCHOR_PLACEMENT_START', 6, 6, true),
('review-sol-2025', 'STATUTORY_CLOCK_KIND_REVIEW', 'Övervägande var sjätte månad',
 'The committee considers at least every six months whether care in the family home is still needed. Section number not yet checked against the new act.',
 'socialtjänstlagen (2025:400)', '2025-07-01', NULL,
 '{LEGAL_BASIS_VOLUNTARY}', '{}', 'STATUTORY_CLOCK_ANCHOR_PLACEMENT_START', 6, 6, true),
('review-lvu', 'STATUTORY_CLOCK_KIND_REVIEW', 'Övervägande av vård enligt 2 § LVU',
 'The committee considers at least every six months whether compulsory care on home-environment grounds is still needed.',
 '13 § första stycket lagen (1990:52) med särskilda bestämmelser om vård av unga', '1990-07-01', NULL,
 '{LEGAL_BASIS_LVU_HOME_ENVIRONMENT}', '{}', 'STATUTORY_CLOCK_ANCHOR_CARE_START', 6, 6, true),
('re-decision-lvu', 'STATUTORY_CLOCK_KIND_RE_DECISION', 'Omprövning av vård enligt 3 § LVU',
 'Compulsory care on the young person''s own behaviour is re-decided within six months of the day care began, then within six months of the last re-decision. A review is not a re-decision.',
 '13 § andra stycket lagen (1990:52) med särskilda bestämmelser om vård av unga', '1990-07-01', NULL,
 '{LEGAL_BASIS_LVU_OWN_BEHAVIOUR}', '{}', 'STATUTORY_CLOCK_ANCHOR_CARE_START', 6, 6, true),
('jourhem-sol-2001', 'STATUTORY_CLOCK_KIND_JOURHEM_LIMIT', 'Längst två månader i jourhem',
 'A child stays in a jourhem at most two months after the child investigation was finished, unless there are special reasons. Paragraph and first day in force not yet checked against the statute text.',
 '6 kap. 6 § socialtjänstlagen (2001:453)', '2016-01-01', '2025-06-30',
 '{}', '{PLACEMENT_FORM_JOURHEM}', 'STATUTORY_CLOCK_ANCHOR_CHILD_INVESTIGATION_FINISHED', 2, 0, false),
('jourhem-sol-2025', 'STATUTORY_CLOCK_KIND_JOURHEM_LIMIT', 'Längst två månader i jourhem',
 'A child stays in a jourhem at most two months after the child investigation was finished, unless there are special reasons. Section number not yet checked against the new act.',
 'socialtjänstlagen (2025:400)', '2025-07-01', NULL,
 '{}', '{PLACEMENT_FORM_JOURHEM}', 'STATUTORY_CLOCK_ANCHOR_CHILD_INVESTIGATION_FINISHED', 2, 0, false),
('custody-3y-2021', 'STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION', 'Vårdnadsöverflyttning efter tre år',
 'When the child has been placed in the same family home for three years the committee considers transferring custody, then every year.',
 '6 kap. 8 § andra stycket socialtjänstlagen (2001:453) och 13 § tredje stycket lagen (1990:52) med särskilda bestämmelser om vård av unga, i lydelse enligt SFS 2020:1260 och 2020:1259',
 '2021-03-01', '2022-06-30',
 '{}', '{PLACEMENT_FORM_FAMILJEHEM,PLACEMENT_FORM_AGENCY_SUPPORTED_FAMILJEHEM,PLACEMENT_FORM_INTENSIVELY_REINFORCED_FAMILJEHEM}', 'STATUTORY_CLOCK_ANCHOR_PLACEMENT_START', 36, 12, true),
('custody-2y-2022', 'STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION', 'Vårdnadsöverflyttning efter två år',
 'When the child has been placed in the same family home for two years the committee considers transferring custody, then every year. Section numbers after SFS 2022:665 not yet checked against the statute text.',
 '6 kap. 8 b § socialtjänstlagen (2001:453) och 13 b § lagen (1990:52) med särskilda bestämmelser om vård av unga, i lydelse enligt SFS 2022:665',
 '2022-07-01', '2025-06-30',
 '{}', '{PLACEMENT_FORM_FAMILJEHEM,PLACEMENT_FORM_AGENCY_SUPPORTED_FAMILJEHEM,PLACEMENT_FORM_INTENSIVELY_REINFORCED_FAMILJEHEM}', 'STATUTORY_CLOCK_ANCHOR_PLACEMENT_START', 24, 12, true),
('custody-2y-2025', 'STATUTORY_CLOCK_KIND_CUSTODY_TRANSFER_CONSIDERATION', 'Vårdnadsöverflyttning efter två år',
 'When the child has been placed in the same family home for two years the committee considers transferring custody, then every year. Section numbers not yet checked against the new act.',
 'socialtjänstlagen (2025:400) och 13 b § lagen (1990:52) med särskilda bestämmelser om vård av unga',
 '2025-07-01', NULL,
 '{}', '{PLACEMENT_FORM_FAMILJEHEM,PLACEMENT_FORM_AGENCY_SUPPORTED_FAMILJEHEM,PLACEMENT_FORM_INTENSIVELY_REINFORCED_FAMILJEHEM}', 'STATUTORY_CLOCK_ANCHOR_PLACEMENT_START', 24, 12, true);
