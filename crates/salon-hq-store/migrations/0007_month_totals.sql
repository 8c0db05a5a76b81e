-- Each device's latest day figures summed per campus and month, kept up to date with every
-- day snapshot stored (store/snapshots.rs), so that the dashboard, the funder report and the
-- list of campuses without a salon read twelve rows a campus and device, however many days
-- and revisions lie behind them. Counts are those of day_snapshots (a month of a device's
-- days with no salon has sessions 0).
CREATE TABLE month_totals (
    device_id           INTEGER NOT NULL REFERENCES devices(id),
    campus_code         TEXT NOT NULL REFERENCES campuses(code),
    month               TEXT NOT NULL, -- YYYY-MM
    sessions            INTEGER NOT NULL,
    session_minutes     INTEGER NOT NULL,
    visits              INTEGER NOT NULL,
    distinct_students   INTEGER NOT NULL,
    first_time_students INTEGER NOT NULL,
    appointments_booked INTEGER NOT NULL,
    appointments_kept   INTEGER NOT NULL,
    appointments_missed INTEGER NOT NULL,
    events              INTEGER NOT NULL,
    event_participants  INTEGER NOT NULL,
    -- Month first: every reader asks for a range of months.
    PRIMARY KEY (month, campus_code, device_id)
) WITHOUT ROWID;

INSERT INTO month_totals
SELECT device_id, campus_code, substr(day, 1, 7),
       SUM(sessions), SUM(session_minutes), SUM(visits), SUM(distinct_students),
       SUM(first_time_students), SUM(appointments_booked), SUM(appointments_kept),
       SUM(appointments_missed), SUM(events), SUM(event_participants)
FROM day_snapshots GROUP BY 1, 2, 3;

-- The same summed over devices, per campus and month: what the dashboard and the funder
-- report read for a period, one row a campus and month without grouping.
CREATE TABLE campus_month_totals (
    month               TEXT NOT NULL, -- YYYY-MM
    campus_code         TEXT NOT NULL REFERENCES campuses(code),
    sessions            INTEGER NOT NULL,
    session_minutes     INTEGER NOT NULL,
    visits              INTEGER NOT NULL,
    distinct_students   INTEGER NOT NULL,
    first_time_students INTEGER NOT NULL,
    appointments_booked INTEGER NOT NULL,
    appointments_kept   INTEGER NOT NULL,
    appointments_missed INTEGER NOT NULL,
    events              INTEGER NOT NULL,
    event_participants  INTEGER NOT NULL,
    -- How many of its devices' latest releases with visits the campus-month has: none is a
    -- month still to come.
    releases            INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, campus_code)
) WITHOUT ROWID;

INSERT INTO campus_month_totals (month, campus_code, sessions, session_minutes, visits,
    distinct_students, first_time_students, appointments_booked, appointments_kept,
    appointments_missed, events, event_participants)
SELECT month, campus_code,
       SUM(sessions), SUM(session_minutes), SUM(visits), SUM(distinct_students),
       SUM(first_time_students), SUM(appointments_booked), SUM(appointments_kept),
       SUM(appointments_missed), SUM(events), SUM(event_participants)
FROM month_totals GROUP BY 1, 2;

-- A device's last upload (端末一覧, and who has gone quiet on the dashboard) in one step,
-- however many uploads it has made.
CREATE INDEX uploads_by_device_time ON uploads (device_id, received_at);

-- Every month's latest releases with visits (a device's second in place of its first), summed
-- over devices and campuses: how many, their visits, and each cell by its code. A period's
-- breakdowns read a few rows a month instead of parsing every release (store/releases.rs
-- keeps them as releases arrive).
CREATE TABLE release_month_totals (
    month    TEXT PRIMARY KEY, -- YYYY-MM
    releases INTEGER NOT NULL,
    visits   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE release_cell_totals (
    month TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('route', 'topic')),
    code  TEXT NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (month, kind, code)
) WITHOUT ROWID;

CREATE TEMP TABLE latest_releases AS
SELECT * FROM month_releases r
WHERE visits > 0
  AND release = (SELECT MAX(release) FROM month_releases l
                 WHERE l.device_id = r.device_id AND l.campus_code = r.campus_code
                   AND l.month = r.month);

INSERT INTO release_month_totals
SELECT month, COUNT(*), SUM(visits) FROM latest_releases GROUP BY month;

INSERT INTO release_cell_totals
SELECT l.month, 'route', json_extract(c.value, '$.code'), SUM(json_extract(c.value, '$.count'))
FROM latest_releases l, json_each(l.breakdown, '$.byRoute') c GROUP BY 1, 2, 3;

INSERT INTO release_cell_totals
SELECT l.month, 'topic', json_extract(c.value, '$.code'), SUM(json_extract(c.value, '$.count'))
FROM latest_releases l, json_each(l.breakdown, '$.byTopic') c GROUP BY 1, 2, 3;

UPDATE campus_month_totals SET releases =
    (SELECT COUNT(*) FROM latest_releases l
     WHERE l.campus_code = campus_month_totals.campus_code AND l.month = campus_month_totals.month);

DROP TABLE latest_releases;
