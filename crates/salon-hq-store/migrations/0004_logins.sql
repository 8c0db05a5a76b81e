-- Logins a botnet cannot grind, and sessions that end when left alone.
--
-- Failed logins are counted per account here, in the database, so no flood of other names
-- can push an account's count out of memory: each failure doubles the wait before the next
-- try of that account (1 s, 2 s, 4 s … up to 15 minutes), from whatever address. A browser
-- that has logged in to the account before shows a cookie signed with the `known_browser`
-- key and skips that wait, counted on its own the same way, so a stranger cannot keep the
-- owner out.
CREATE TABLE login_failures (
    admin_id INTEGER NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
    -- Empty for the account as a whole; else the known browser's own random id.
    browser  BLOB    NOT NULL,
    failures INTEGER NOT NULL CHECK (failures > 0),
    last_at  INTEGER NOT NULL,
    PRIMARY KEY (admin_id, browser)
) WITHOUT ROWID;
INSERT INTO server_secrets (purpose, key) VALUES ('known_browser', randomblob(32));

-- A session also ends after 30 minutes without a request.
ALTER TABLE admin_sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE admin_sessions SET last_seen_at = created_at;
