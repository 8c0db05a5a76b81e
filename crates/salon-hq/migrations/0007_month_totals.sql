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

-- A device's last upload (端末一覧, and who has gone quiet on the dashboard) in one step,
-- however many uploads it has made.
CREATE INDEX uploads_by_device_time ON uploads (device_id, received_at);
