-- The admin web: two roles, accounts that can be stopped, campuses that can be retired
-- without losing their history, the one-time link that creates the first admin, and the
-- record of every admin action.

-- 'manager' (管理者) changes things; 'viewer' (閲覧者) reads figures and reports. Accounts made
-- before roles existed could change everything, so they stay managers.
ALTER TABLE admins ADD COLUMN role TEXT NOT NULL DEFAULT 'manager'
    CHECK (role IN ('manager', 'viewer'));
ALTER TABLE admins ADD COLUMN disabled_at INTEGER;

-- A retired campus is offered for no new enrolment code; its figures stay in every report.
ALTER TABLE campuses ADD COLUMN retired_at INTEGER;

-- At most one unused link at a time; the token is kept only as its hash.
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
