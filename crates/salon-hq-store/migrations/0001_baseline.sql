-- The 1.0 baseline, as shipped: never edited again. A later change is a new migration file,
-- tested from the 1.0 fixture (tests/tests/migrations.rs).
--
-- Headquarters' database. Times are Unix seconds (UTC). Secrets (enrolment codes, device
-- tokens, admin session ids, setup links) are stored only as SHA-256 hashes; passwords as
-- Argon2id PHC strings.

-- ---------------------------------------------------------------------------------------------
-- Admins, settings and the record of admin actions

-- 'manager' (管理者) changes things; 'viewer' (閲覧者) reads figures and reports. An account can
-- be stopped (`disabled_at`).
CREATE TABLE admins (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    role          TEXT NOT NULL DEFAULT 'manager'
                  CHECK (role IN ('manager', 'viewer')),
    disabled_at   INTEGER
);

CREATE TABLE admin_sessions (
    id_hash    BLOB PRIMARY KEY,
    admin_id   INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- The one-time link that creates the first admin. At most one unused link at a time; the token
-- is kept only as its hash.
CREATE TABLE setup_links (
    token_hash BLOB PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

-- Who did what, when. `actor` is the admin's name at the time (or the command line), kept
-- even if the account is renamed or stopped; `detail` is built from parsed values only
-- (codes, names an admin typed, figures), never a password, code or token.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    admin_id INTEGER REFERENCES admins(id),
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    detail   TEXT NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at, id);

-- Headquarters' own settings: one row. A device silent for `quiet_days` is listed on the
-- dashboard, so a missing supporter's counts are noticed in time for a funder report.
CREATE TABLE settings (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    quiet_days INTEGER NOT NULL CHECK (quiet_days BETWEEN 1 AND 365)
);
INSERT INTO settings (id, quiet_days) VALUES (1, 14);

-- ---------------------------------------------------------------------------------------------
-- Campuses, terms and their targets

-- A retired campus (`retired_at`) is offered for no new enrolment code; its figures stay in
-- every report.
CREATE TABLE campuses (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);

-- Terms (事業期間): a name, a funder and whole months, each with its own targets, so a
-- funder's term (休眠預金, Sept–Feb) can run beside the 年度. A target left empty is no
-- target.
CREATE TABLE terms (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    funder     TEXT NOT NULL DEFAULT '',
    from_month TEXT NOT NULL,
    to_month   TEXT NOT NULL,
    schools    INTEGER CHECK (schools >= 0),
    sessions   INTEGER CHECK (sessions >= 0),
    visits     INTEGER CHECK (visits >= 0),
    created_at INTEGER NOT NULL,
    CHECK (from_month <= to_month)
);

-- Per kind of related activity (関連活動): how many events, and how many participants.
CREATE TABLE term_event_targets (
    term_id      INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    events       INTEGER CHECK (events >= 0),
    participants INTEGER CHECK (participants >= 0),
    PRIMARY KEY (term_id, kind)
);

-- ---------------------------------------------------------------------------------------------
-- Devices and uploads

-- `taken_over_at`: when a new laptop last took the device over (see enrolment_codes).
-- `app_version`: the app version (semver text) the device last reported, so the devices page
-- can say which laptops run an app too old and ask for its update; NULL until it reports one.
CREATE TABLE devices (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB NOT NULL UNIQUE,
    supporter     TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    taken_over_at INTEGER,
    app_version   TEXT
);

-- `takes_over`: a code for a new laptop taking over a device (a lost or broken one, its backup
-- restored on the new one) names the device, and spending it gives that device a new token
-- instead of making another, so what the new laptop sends again is not counted twice and no
-- month it released is drawn again under a second device.
CREATE TABLE enrolment_codes (
    code_hash  BLOB PRIMARY KEY,
    supporter  TEXT NOT NULL,
    campuses   TEXT NOT NULL, -- JSON array of campus codes
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    takes_over INTEGER REFERENCES devices(id)
);

CREATE TABLE device_campuses (
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    campus_code TEXT NOT NULL REFERENCES campuses(code),
    PRIMARY KEY (device_id, campus_code)
);

-- One row per accepted upload, so a retry with the same key gets the same receipt.
CREATE TABLE uploads (
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    idem_key    TEXT NOT NULL,
    body_sha256 BLOB NOT NULL,
    receipt     TEXT NOT NULL, -- JSON Receipt
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, idem_key)
);

-- ---------------------------------------------------------------------------------------------
-- Snapshots, and every revision of them

-- The latest day snapshot per (device, campus, day).
CREATE TABLE day_snapshots (
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
    PRIMARY KEY (device_id, campus_code, day)
);
CREATE INDEX day_snapshots_by_day ON day_snapshots (day);

-- The latest month snapshot per (device, campus, month); the snapshot itself as JSON, parsed
-- and checked again whenever anything of it is displayed.
CREATE TABLE month_snapshots (
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    campus_code TEXT NOT NULL REFERENCES campuses(code),
    month       TEXT NOT NULL, -- YYYY-MM
    revision    INTEGER NOT NULL,
    snapshot    TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, campus_code, month)
);
CREATE INDEX month_snapshots_by_month ON month_snapshots (month);

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

-- ---------------------------------------------------------------------------------------------
-- Related activities

-- Related activities (関連活動): each device's latest snapshot of a day's events, at a campus
-- (place = its code) or online (place = ''; an online talk belongs to no campus), and its
-- counts by kind with participants by group. Every revision is kept beside the latest.
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

-- ---------------------------------------------------------------------------------------------
-- Releases under noise

-- A device's release of a campus's month (its breakdown under noise) is kept as first
-- received and never replaced (ARCHITECTURE.md, "Breakdowns under noise"): a second draw of
-- the same month would let its noise be averaged away.
CREATE TABLE month_releases (
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    campus_code TEXT    NOT NULL REFERENCES campuses(code),
    month       TEXT    NOT NULL, -- YYYY-MM
    release     TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    breakdown   TEXT    NOT NULL, -- the NoisyMonthBreakdown as received
    visits      INTEGER NOT NULL, -- the device's days' visits when it was received
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, campus_code, month, release)
);
CREATE INDEX month_releases_by_month ON month_releases (month);

-- Path decisions are released per device and period (ARCHITECTURE.md, "Paths per device and
-- period"). The funder terms of the path calendar (every 年度 is in it anyway): they never
-- overlap one another, and one a device has released stays as it is.
CREATE TABLE path_terms (
    from_month TEXT    NOT NULL PRIMARY KEY, -- YYYY-MM
    to_month   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (from_month <= to_month)
);

-- A device's release of its decisions over a period, kept as first received, never replaced.
CREATE TABLE path_releases (
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    from_month  TEXT    NOT NULL,
    to_month    TEXT    NOT NULL,
    release     TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    body        TEXT    NOT NULL, -- the PathRelease as received
    students    INTEGER NOT NULL, -- the bound it was checked against
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, from_month, to_month, release)
);
CREATE INDEX path_releases_by_period ON path_releases (from_month, to_month);

-- ---------------------------------------------------------------------------------------------
-- Surveys

-- Surveys as the seed ran them: teachers at each campus, and supporters. Anonymous: nothing
-- here names who answered. Each campus gets its own link (a QR code on paper); a form opened
-- gets a one-time nonce, so a double submit counts once.
CREATE TABLE surveys (
    id         INTEGER PRIMARY KEY,
    term_id    INTEGER REFERENCES terms (id) ON DELETE SET NULL,
    audience   TEXT    NOT NULL CHECK (audience IN ('teachers', 'supporters')),
    title      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at  INTEGER
);

CREATE TABLE survey_questions (
    id        INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('scale', 'single', 'multi', 'text')),
    text      TEXT    NOT NULL,
    options   TEXT    NOT NULL DEFAULT '[]' -- JSON array of the choices' labels
);

-- campus_code NULL: the one link of a supporters' survey.
CREATE TABLE survey_links (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    campus_code TEXT REFERENCES campuses (code),
    token       TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE UNIQUE INDEX survey_links_one_per_campus ON survey_links (survey_id, IFNULL(campus_code, ''));

CREATE TABLE survey_forms (
    nonce_hash BLOB    PRIMARY KEY,
    link_id    INTEGER NOT NULL REFERENCES survey_links (id) ON DELETE CASCADE,
    opened_at  INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE survey_responses (
    id           INTEGER PRIMARY KEY,
    link_id      INTEGER NOT NULL REFERENCES survey_links (id) ON DELETE CASCADE,
    submitted_at INTEGER NOT NULL
);

-- One row per chosen option (choice, from 0) or per free comment (text).
CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    choice      INTEGER,
    text        TEXT,
    -- A comment an admin chose for the funder report.
    featured    INTEGER NOT NULL DEFAULT 0,
    CHECK ((choice IS NULL) != (text IS NULL))
);
CREATE INDEX survey_answers_by_question ON survey_answers (question_id);
