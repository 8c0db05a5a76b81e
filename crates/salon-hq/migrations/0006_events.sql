-- Related activities (protocol 4): each device's latest snapshot of a day's events, at a
-- campus (place = its code) or online (place = ''; an online talk belongs to no campus), and
-- its counts by kind with participants by group. Every revision is kept beside the latest.
CREATE TABLE event_snapshots (
    device_id   INTEGER NOT NULL REFERENCES devices (id),
    place       TEXT    NOT NULL,
    day         TEXT    NOT NULL, -- YYYY-MM-DD
    revision    INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, place, day)
);

CREATE TABLE event_counts (
    device_id  INTEGER NOT NULL,
    place      TEXT    NOT NULL,
    day        TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    events     INTEGER NOT NULL CHECK (events >= 0),
    students   INTEGER NOT NULL CHECK (students >= 0),
    parents    INTEGER NOT NULL CHECK (parents >= 0),
    teachers   INTEGER NOT NULL CHECK (teachers >= 0),
    supporters INTEGER NOT NULL CHECK (supporters >= 0),
    PRIMARY KEY (device_id, place, day, kind)
);
CREATE INDEX event_counts_by_day ON event_counts (day);

CREATE TABLE event_revisions (
    device_id   INTEGER NOT NULL,
    place       TEXT    NOT NULL,
    day         TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    kinds       TEXT    NOT NULL, -- JSON, as sent
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, place, day, revision)
);
