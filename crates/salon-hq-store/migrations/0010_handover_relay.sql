-- The handover relay. Each laptop's public keys (X25519, Ed25519; nothing secret), one pair in
-- use per device. A pair a takeover retired is kept, so the lost laptop's restored pair is
-- never taken again, by that device or any other.
CREATE TABLE device_keys (
    id            INTEGER PRIMARY KEY,
    device_id     INTEGER NOT NULL REFERENCES devices(id),
    encryption    BLOB    NOT NULL UNIQUE CHECK (length(encryption) = 32),
    signing       BLOB    NOT NULL UNIQUE CHECK (length(signing) = 32),
    registered_at INTEGER NOT NULL,
    retired_at    INTEGER
);
CREATE UNIQUE INDEX device_keys_in_use ON device_keys (device_id) WHERE retired_at IS NULL;

-- Packages carried from one laptop to another. Headquarters cannot read a package (sealed to
-- the recipient's key); it keeps the package only until the recipient fetches it, a manager
-- or the sender cancels it, or it expires, and then only the row: the two devices, the size,
-- the times and the reason code. The id is kept for good, so a package is relayed once.
-- `state`: waiting (the package held), fetched, receipted (the receipt held for the sender),
-- done (the sender has it), ended (`ended_why`: cancelled, expired, the recipient replaced or
-- revoked, the sender revoked, or declined by the recipient; the sender told once `told_at`
-- is set). A package stays `waiting`, and held, until the recipient says it has it safe.
CREATE TABLE relayed_packages (
    id           TEXT    PRIMARY KEY CHECK (length(id) = 32),
    sender       INTEGER NOT NULL REFERENCES devices(id),
    recipient    INTEGER NOT NULL REFERENCES devices(id),
    keys_id      INTEGER NOT NULL REFERENCES device_keys(id),
    reason       TEXT    NOT NULL CHECK (reason IN ('transfer', 'cover')),
    bytes        INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    fetched_at   INTEGER,
    state        TEXT    NOT NULL
                 CHECK (state IN ('waiting', 'fetched', 'receipted', 'done', 'ended')),
    ended_at     INTEGER,
    ended_why    TEXT    CHECK (ended_why IN
                 ('cancelled', 'expired', 'recipient_replaced', 'sender_revoked', 'declined')),
    told_at      INTEGER,
    receipt      TEXT,
    -- The last column, so that listing packages never reads it.
    package      BLOB
);
CREATE INDEX relayed_packages_recipient ON relayed_packages (recipient, state);
CREATE INDEX relayed_packages_sender ON relayed_packages (sender, state);
