-- The 1.0 baseline, as shipped: never edited again. A later change is a new migration file,
-- tested from the 1.0 fixture (tests/tests/migrations.rs).
--
-- The device's database: the records of a salon day, the supporter's follow-through, drafts,
-- search, and what is sent to headquarters. Every table, the search index's included, is pages
-- of the one encrypted database file. Codes are the snake_case codes of salon-core.

-- ---------------------------------------------------------------------------------------------
-- The records of a salon day

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

-- `path_campus_id`: a path decision stays with the campus the student was at when it was made.
-- A student who moves to another campus (転校・移籍) takes their later visits and decisions
-- along, while a decision made at the earlier campus is still counted where it was made. Set
-- by the triggers student_path_campus_on_* below, whenever the path status or its date changes.
CREATE TABLE student (
    id              INTEGER PRIMARY KEY,
    campus_id       INTEGER NOT NULL REFERENCES campus (id),
    display_name    TEXT    NOT NULL,
    grade           INTEGER CHECK (grade BETWEEN 1 AND 4),
    enrolment       TEXT    NOT NULL,
    path_status     TEXT    NOT NULL,
    path_decided_on TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    path_campus_id  INTEGER REFERENCES campus (id)
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
-- Result lists are newest first: walk the salons by date instead of sorting every visit.
CREATE INDEX salon_session_by_date ON salon_session (date);

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
-- The search filters on a visit (its salon, follow-up date, 要連携, student) from an index
-- alone: the visit's own row holds its note, and reading thousands of those just to look at
-- a flag is what a filtered list would spend its time on.
CREATE INDEX visit_filters ON visit (session_id, follow_up_on, concern, student_id);
-- Today's 要対応 (follow-ups and concerns) from the visits that have one: in a year of salons
-- they are a few in a hundred, and counting or ordering them should not walk every visit.
CREATE INDEX visit_open_care ON visit (session_id, follow_up_on, concern)
    WHERE follow_up_on IS NOT NULL OR concern = 1;

CREATE TABLE visit_topic (
    visit_id INTEGER NOT NULL REFERENCES visit (id) ON DELETE CASCADE,
    topic    TEXT    NOT NULL,
    PRIMARY KEY (visit_id, topic)
) WITHOUT ROWID;

-- ---------------------------------------------------------------------------------------------
-- The supporter's follow-through: appointments and no-shows, follow-ups, path history, events

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

-- Every path status a student has had (進路の履歴), oldest first, with the campus of each
-- change. Written by the triggers below, so every way a student is written (the students
-- screen, a new student from a visit) records a change of status or of decision date.
CREATE TABLE path_change (
    id         INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES student (id),
    status     TEXT    NOT NULL,
    decided_on TEXT,
    changed_at TEXT    NOT NULL,
    campus_id  INTEGER REFERENCES campus (id)
);
CREATE INDEX path_change_by_student ON path_change (student_id, id);

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

-- A path decision stays with the campus the student was at when it was made (see student).
CREATE TRIGGER student_path_campus_on_insert AFTER INSERT ON student
BEGIN
    UPDATE student SET path_campus_id = NEW.campus_id WHERE id = NEW.id;
END;

CREATE TRIGGER student_path_campus_on_update AFTER UPDATE OF path_status, path_decided_on ON student
WHEN OLD.path_status IS NOT NEW.path_status OR OLD.path_decided_on IS NOT NEW.path_decided_on
BEGIN
    UPDATE student SET path_campus_id = NEW.campus_id WHERE id = NEW.id;
END;

-- The path history records the campus of each change too.
CREATE TRIGGER path_change_campus AFTER INSERT ON path_change
BEGIN
    UPDATE path_change SET campus_id = (SELECT campus_id FROM student WHERE id = NEW.student_id)
    WHERE id = NEW.id;
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

-- ---------------------------------------------------------------------------------------------
-- Drafts

-- Drafts of forms being typed (the visit note above all), saved as the supporter types so a
-- crash, a lock or a restart loses nothing. They live here, encrypted, never in the WebView.
CREATE TABLE draft (
    key        TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Search
--
-- Full-text search of what the supporter wrote: private notes, next steps, teacher summaries.
-- It matches folded text (salon_core::fold: NFKC, lower case, katakana as hiragana), so ２年生
-- finds 2年生 and ｱﾙﾊﾞｲﾄ finds アルバイト. `visit_folded` holds each visit's text folded,
-- computed once, when the visit is written, by `salon_fold`: a function the store registers on
-- every connection (a visit cannot be written on a connection without it).
-- Every change of the visit's text (saving, correcting, purging) replaces it by trigger, with
-- secure_delete on.
--
-- Results come newest first: by the salon's day, then the visit. `sort_key` is each visit's
-- place in that order: minus the day's Julian day number in the high 32 bits and the visit id
-- in the low ones, so the smallest key is the newest visit and the index's own ascending order
-- is newest first. The search index is keyed by it, so a page of a common word is read from
-- the index in order and stops, instead of ordering every visit that holds the word; a period
-- filter is a range of keys. A visit moved to another salon, or a salon moved to another day,
-- gets its new key (and its index entry) in the same statement.
CREATE TABLE visit_folded (
    visit_id        INTEGER PRIMARY KEY REFERENCES visit (id) ON DELETE CASCADE,
    sort_key        INTEGER NOT NULL UNIQUE,
    note            TEXT NOT NULL,
    next_steps      TEXT NOT NULL,
    teacher_summary TEXT NOT NULL
);

CREATE TRIGGER visit_folded_after_insert AFTER INSERT ON visit BEGIN
    INSERT INTO visit_folded (visit_id, sort_key, note, next_steps, teacher_summary)
    SELECT new.id, -((CAST(julianday(s.date) AS INTEGER) << 32) | new.id), salon_fold(new.note),
           salon_fold(new.next_steps), salon_fold(new.teacher_summary)
    FROM salon_session s WHERE s.id = new.session_id;
END;

CREATE TRIGGER visit_folded_after_update AFTER UPDATE OF note, next_steps, teacher_summary ON visit
BEGIN
    UPDATE visit_folded SET note = salon_fold(new.note), next_steps = salon_fold(new.next_steps),
        teacher_summary = salon_fold(new.teacher_summary)
    WHERE visit_id = new.id;
END;

CREATE TRIGGER visit_folded_after_move AFTER UPDATE OF session_id ON visit BEGIN
    UPDATE visit_folded SET sort_key = (
        SELECT -((CAST(julianday(s.date) AS INTEGER) << 32) | new.id)
        FROM salon_session s WHERE s.id = new.session_id)
    WHERE visit_id = new.id;
END;

CREATE TRIGGER visit_folded_after_session_day AFTER UPDATE OF date ON salon_session BEGIN
    UPDATE visit_folded SET sort_key = -((CAST(julianday(new.date) AS INTEGER) << 32) | visit_id)
    WHERE visit_id IN (SELECT id FROM visit WHERE session_id = new.id);
END;

CREATE TRIGGER visit_folded_after_delete AFTER DELETE ON visit BEGIN
    DELETE FROM visit_folded WHERE visit_id = old.id;
END;

-- The trigram tokenizer finds any run of 3+ characters, which suits Japanese (no spaces
-- between words); shorter terms are answered by a scan of `visit_folded` (see the search
-- module), which reads the folded text without folding again. The index is external content
-- over `visit_folded`, keyed by `sort_key`: its shadow tables (visit_fts_data, _idx, _docsize,
-- _config) hold trigrams, not copies of the text, and FTS5's integrity check compares the
-- index with the folded text.
CREATE VIRTUAL TABLE visit_fts USING fts5(
    note,
    next_steps,
    teacher_summary,
    content = 'visit_folded',
    content_rowid = 'sort_key',
    tokenize = 'trigram'
);

-- Deleted and corrected text leaves no trigram behind in the index's pages. A setting kept in
-- visit_fts_config; it needs FTS5's secure-delete (SQLite 3.42 or later).
INSERT INTO visit_fts (visit_fts, rank) VALUES ('secure-delete', 1);

-- Kept in step with `visit_folded` by triggers, so every write path (saving, correcting,
-- purging) updates the index in the same transaction.
CREATE TRIGGER visit_fts_after_insert AFTER INSERT ON visit_folded BEGIN
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.sort_key, new.note, new.next_steps, new.teacher_summary);
END;

CREATE TRIGGER visit_fts_after_delete AFTER DELETE ON visit_folded BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.sort_key, old.note, old.next_steps, old.teacher_summary);
END;

CREATE TRIGGER visit_fts_after_update AFTER UPDATE ON visit_folded BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.sort_key, old.note, old.next_steps, old.teacher_summary);
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.sort_key, new.note, new.next_steps, new.teacher_summary);
END;

-- ---------------------------------------------------------------------------------------------
-- Headquarters

-- Where this laptop reports, and with which token: one row. The token lives here, in the
-- encrypted database, never in a plain file. `path_calendar`: headquarters' calendar of path
-- periods as last sent (JSON); NULL until headquarters sends one.
CREATE TABLE hq_enrolment (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    hq_url        TEXT    NOT NULL,
    token         TEXT    NOT NULL,
    campuses      TEXT    NOT NULL,
    enrolled_at   TEXT    NOT NULL,
    path_calendar TEXT
);

-- The latest snapshot prepared for each key (kind, campus code, day or month), exactly as it
-- will be sent. A changed figure gets the next revision; `sent_revision` is what headquarters
-- has confirmed, so a row with sent_revision < revision is waiting to go. An 'events' row
-- holds a day's related activities, keyed by campus code, or by '' for this device's online
-- events (they belong to no campus).
-- `problem`: a snapshot that would fail headquarters' plausibility checks
-- (salon_protocol::plausible) is held back with the code it would be refused with, and named
-- in the sync screen, so one bad day never blocks the rest. NULL: nothing wrong.
CREATE TABLE outbox (
    kind          TEXT    NOT NULL CHECK (kind IN ('day', 'month', 'events')),
    campus_code   TEXT    NOT NULL,
    period        TEXT    NOT NULL,
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    body          TEXT    NOT NULL,
    sent_revision INTEGER NOT NULL DEFAULT 0,
    problem       TEXT,
    PRIMARY KEY (kind, campus_code, period)
) WITHOUT ROWID;

-- Every upload tried: the payload (counts only), and headquarters' receipt or the error code.
CREATE TABLE sync_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    outcome         TEXT    NOT NULL CHECK (outcome IN ('sent', 'failed')),
    detail          TEXT    NOT NULL
);

-- The secret every release's noise is keyed by (salon-privacy keyed.rs): the same exact cells
-- of the same release always get the same noise, so drawing a release again (after a lost
-- answer, on a laptop restored from a backup) gives nothing to average. Kept here, encrypted
-- with the rest, so a backup carries it and a new passphrase or key leaves it.
CREATE TABLE noise_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB    NOT NULL CHECK (length(key) = 32)
);

-- Breakdowns under noise: each release of a campus's month as drawn. Drawn once, on its day,
-- and kept, so that every send repeats the same numbers (a second draw would let the noise be
-- averaged away); `sent` once headquarters confirmed it or said it holds its own. Keyed by the
-- campus itself, not its HQ code: a code cleared and set again, or changed, never draws the
-- same visits again (the release goes under the code the campus has when it is sent).
-- 家庭のこと and 心身の不調 are never in a month's release: they leave per period, with the
-- path decisions.
CREATE TABLE release_outbox (
    campus_id   INTEGER NOT NULL REFERENCES campus(id),
    month       TEXT    NOT NULL,
    release     TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    breakdown   TEXT    NOT NULL,
    drawn_on    TEXT    NOT NULL,
    sent        INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    PRIMARY KEY (campus_id, month, release)
) WITHOUT ROWID;

-- The campus months each visit's route and topics were drawn into. A visit is released in at
-- most two: one moved by a date correction into a third month after its first two were drawn
-- changes that month's exact figures only, so corrections cannot widen its ε without end.
CREATE TABLE visit_released (
    visit_id  INTEGER NOT NULL REFERENCES visit (id) ON DELETE CASCADE,
    campus_id INTEGER NOT NULL REFERENCES campus (id),
    month     TEXT    NOT NULL,
    PRIMARY KEY (visit_id, campus_id, month)
) WITHOUT ROWID;

-- Path decisions, released per device and per period of headquarters' path calendar: each
-- release of a period as drawn. Drawn once, on its day, and kept, so that every send repeats
-- the same numbers; `sent` once headquarters confirmed it or said it holds its own. A release
-- headquarters holds that this device never drew is kept as a row without numbers (body and
-- drawn_on '', sent 1), so it is never drawn.
CREATE TABLE path_release_outbox (
    from_month TEXT    NOT NULL,
    to_month   TEXT    NOT NULL,
    release    TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    body       TEXT    NOT NULL,
    drawn_on   TEXT    NOT NULL,
    sent       INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    PRIMARY KEY (from_month, to_month, release)
) WITHOUT ROWID;

-- The periods each path decision (a student's, of one kind) was drawn into: at most one 年度 and
-- one funder term. A decision whose date is corrected into another 年度 or term after it was
-- drawn changes the exact figures only; a decision of another kind is a decision of its own.
CREATE TABLE decision_released (
    student_id  INTEGER NOT NULL REFERENCES student (id) ON DELETE CASCADE,
    path_status TEXT    NOT NULL,
    fiscal_year INTEGER NOT NULL CHECK (fiscal_year IN (0, 1)),
    from_month  TEXT    NOT NULL,
    to_month    TEXT    NOT NULL,
    PRIMARY KEY (student_id, path_status, fiscal_year)
) WITHOUT ROWID;
