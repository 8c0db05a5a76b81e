-- Updates of the app the NPO publishes through headquarters: one bundle per version and
-- platform, with the signature the NPO's updater key made for it (the private key never
-- reaches this server; the app checks the signature against the key built into it). A
-- withdrawn update is offered to no laptop again. The bundle is the last column, so that
-- listing updates never reads it.
CREATE TABLE app_updates (
    id           INTEGER PRIMARY KEY,
    version      TEXT    NOT NULL, -- semver, as the app names itself
    platform     TEXT    NOT NULL, -- linux-x86_64-deb, windows-x86_64-nsis, …
    file_name    TEXT    NOT NULL,
    bytes        INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    signature    TEXT    NOT NULL, -- the .sig file's text
    notes        TEXT    NOT NULL, -- 更新内容, shown to the supporter as plain text
    added_at     INTEGER NOT NULL,
    withdrawn_at INTEGER,
    bundle       BLOB    NOT NULL,
    UNIQUE (version, platform)
);

-- The platform each device last asked for an update on: which update 端末一覧 says it is
-- offered. Not when it asked: headquarters needs no more of a laptop's hours.
ALTER TABLE devices ADD COLUMN update_platform TEXT;

-- Whether laptops are offered updates at all: off where an IT department installs the app.
ALTER TABLE settings ADD COLUMN updates_offered INTEGER NOT NULL DEFAULT 1
    CHECK (updates_offered IN (0, 1));
