-- Every accepted revision of a snapshot, so each figure can be traced to the devices and
-- uploads that made it (the history page). The latest per key stays in *_snapshots.
CREATE TABLE day_revisions (
    device_id           INTEGER NOT NULL REFERENCES devices(id),
    campus_code         TEXT NOT NULL REFERENCES campuses(code),
    day                 TEXT NOT NULL, -- YYYY-MM-DD
    revision            INTEGER NOT NULL,
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
    received_at         INTEGER NOT NULL,
    PRIMARY KEY (device_id, campus_code, day, revision)
);
CREATE INDEX day_revisions_by_campus_day ON day_revisions (campus_code, day);
INSERT INTO day_revisions SELECT device_id, campus_code, day, revision, sessions,
    session_minutes, visits, distinct_students, first_time_students, appointments_booked,
    appointments_kept, appointments_missed, events, event_participants, received_at
    FROM day_snapshots;

-- Month breakdown revisions are kept but never shown one by one: two revisions of a
-- breakdown side by side can reveal one student's change.
CREATE TABLE month_revisions (
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    campus_code TEXT NOT NULL REFERENCES campuses(code),
    month       TEXT NOT NULL, -- YYYY-MM
    revision    INTEGER NOT NULL,
    snapshot    TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, campus_code, month, revision)
);
INSERT INTO month_revisions SELECT device_id, campus_code, month, revision, snapshot, received_at
    FROM month_snapshots;

-- Headquarters' own settings: one row. A device silent for `quiet_days` is listed on the
-- dashboard, so a missing supporter's counts are noticed before a funder report.
CREATE TABLE settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    quiet_days INTEGER NOT NULL CHECK (quiet_days BETWEEN 1 AND 365)
);
INSERT INTO settings (id, quiet_days) VALUES (1, 14);
