-- The records of a salon day. Codes are the snake_case codes of salon-core.
CREATE TABLE campus (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    weekday        INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_time     TEXT    NOT NULL,
    end_time       TEXT    NOT NULL,
    place          TEXT    NOT NULL DEFAULT '',
    default_format TEXT    NOT NULL CHECK (default_format IN ('in_person', 'online')),
    hq_code        TEXT    UNIQUE,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);

CREATE TABLE student (
    id              INTEGER PRIMARY KEY,
    campus_id       INTEGER NOT NULL REFERENCES campus (id),
    display_name    TEXT    NOT NULL,
    grade           INTEGER CHECK (grade BETWEEN 1 AND 4),
    enrolment       TEXT    NOT NULL,
    path_status     TEXT    NOT NULL,
    path_decided_on TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX student_by_campus ON student (campus_id);

-- One salon per campus and day: the schedule gives each campus one time slot.
CREATE TABLE salon_session (
    id        INTEGER PRIMARY KEY,
    campus_id INTEGER NOT NULL REFERENCES campus (id),
    date      TEXT    NOT NULL,
    opened_at TEXT    NOT NULL,
    closed_at TEXT,
    format    TEXT    NOT NULL CHECK (format IN ('in_person', 'online')),
    place     TEXT    NOT NULL DEFAULT '',
    UNIQUE (campus_id, date)
);

CREATE TABLE visit (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES salon_session (id),
    student_id      INTEGER REFERENCES student (id),
    route           TEXT    NOT NULL,
    minutes         INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 600),
    note            TEXT    NOT NULL DEFAULT '',
    next_steps      TEXT    NOT NULL DEFAULT '',
    follow_up_on    TEXT,
    concern         INTEGER NOT NULL DEFAULT 0 CHECK (concern IN (0, 1)),
    teacher_summary TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX visit_by_session ON visit (session_id);
CREATE INDEX visit_by_student ON visit (student_id);

CREATE TABLE visit_topic (
    visit_id INTEGER NOT NULL REFERENCES visit (id) ON DELETE CASCADE,
    topic    TEXT    NOT NULL,
    PRIMARY KEY (visit_id, topic)
) WITHOUT ROWID;
