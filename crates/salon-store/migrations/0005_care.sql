-- The supporter's follow-through: appointments and no-shows, follow-ups, path history, events.

-- An appointment (予約) with a student at their campus. `booked` until the day: then `kept`
-- (with the visit it became) or `missed` (欠席).
CREATE TABLE appointment (
    id                   INTEGER PRIMARY KEY,
    student_id           INTEGER NOT NULL REFERENCES student (id),
    campus_id            INTEGER NOT NULL REFERENCES campus (id),
    date                 TEXT    NOT NULL,
    time                 TEXT,
    status               TEXT    NOT NULL DEFAULT 'booked'
                                 CHECK (status IN ('booked', 'kept', 'missed')),
    visit_id             INTEGER REFERENCES visit (id),
    booked_from_visit_id INTEGER REFERENCES visit (id),
    created_at           TEXT    NOT NULL,
    updated_at           TEXT    NOT NULL,
    CHECK ((status = 'kept') = (visit_id IS NOT NULL))
);
CREATE INDEX appointment_by_date ON appointment (date, campus_id);
CREATE INDEX appointment_by_student ON appointment (student_id, date);

-- A follow-up (visit.follow_up_on) or a concern (visit.concern, 要連携) that has been dealt with.
CREATE TABLE follow_up_done (
    visit_id INTEGER PRIMARY KEY REFERENCES visit (id) ON DELETE CASCADE,
    done_at  TEXT    NOT NULL
);

-- Every path status a student has had (進路の履歴), oldest first. Written by the triggers below,
-- so every way a student is written (the students screen, a new student from a visit) records
-- a change of status or of decision date.
CREATE TABLE path_change (
    id         INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES student (id),
    status     TEXT    NOT NULL,
    decided_on TEXT,
    changed_at TEXT    NOT NULL
);
CREATE INDEX path_change_by_student ON path_change (student_id, id);

-- What students had before this migration: their current status, as of their last update.
INSERT INTO path_change (student_id, status, decided_on, changed_at)
    SELECT id, path_status, path_decided_on, updated_at FROM student ORDER BY id;

CREATE TRIGGER path_change_on_insert AFTER INSERT ON student
BEGIN
    INSERT INTO path_change (student_id, status, decided_on, changed_at)
    VALUES (NEW.id, NEW.path_status, NEW.path_decided_on, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

CREATE TRIGGER path_change_on_update AFTER UPDATE OF path_status, path_decided_on ON student
WHEN OLD.path_status IS NOT NEW.path_status OR OLD.path_decided_on IS NOT NEW.path_decided_on
BEGIN
    INSERT INTO path_change (student_id, status, decided_on, changed_at)
    VALUES (NEW.id, NEW.path_status, NEW.path_decided_on, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
END;

-- An event (イベント): kind code, day, campus (NULL = online), and participant counts.
CREATE TABLE event (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    date       TEXT    NOT NULL,
    campus_id  INTEGER REFERENCES campus (id),
    title      TEXT    NOT NULL DEFAULT '',
    students   INTEGER NOT NULL DEFAULT 0 CHECK (students >= 0),
    parents    INTEGER NOT NULL DEFAULT 0 CHECK (parents >= 0),
    teachers   INTEGER NOT NULL DEFAULT 0 CHECK (teachers >= 0),
    supporters INTEGER NOT NULL DEFAULT 0 CHECK (supporters >= 0),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX event_by_date ON event (date);
