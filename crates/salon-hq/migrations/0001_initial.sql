-- Headquarters' database. Times are Unix seconds (UTC). Secrets (enrolment codes, device
-- tokens, admin session ids) are stored only as SHA-256 hashes; passwords as Argon2id PHC strings.

CREATE TABLE admins (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE admin_sessions (
    id_hash    BLOB PRIMARY KEY,
    admin_id   INTEGER NOT NULL REFERENCES admins(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE campuses (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- A target for a period of whole months, inclusive: a 年度 (YYYY-04 .. YYYY+1-03) or a project term.
CREATE TABLE targets (
    id         INTEGER PRIMARY KEY,
    from_month TEXT NOT NULL,
    to_month   TEXT NOT NULL,
    schools    INTEGER NOT NULL CHECK (schools >= 0),
    sessions   INTEGER NOT NULL CHECK (sessions >= 0),
    visits     INTEGER NOT NULL CHECK (visits >= 0),
    UNIQUE (from_month, to_month),
    CHECK (from_month <= to_month)
);

-- The small-count rule in force: one row.
CREATE TABLE rule (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    k           INTEGER NOT NULL,
    sensitive_k INTEGER NOT NULL
);
INSERT INTO rule (id, k, sensitive_k) VALUES (1, 5, 10);

CREATE TABLE enrolment_codes (
    code_hash  BLOB PRIMARY KEY,
    supporter  TEXT NOT NULL,
    campuses   TEXT NOT NULL, -- JSON array of campus codes
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE devices (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    supporter  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
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
-- and checked again before anything is displayed.
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
