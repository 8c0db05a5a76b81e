-- The handover relay through headquarters. The public key headquarters took from this laptop
-- for this enrolment (the X25519 key, base64; none yet: they are registered at the next sync):
-- registered only while it is still this laptop's.
ALTER TABLE laptop_keys ADD COLUMN registered_key TEXT;

-- Key pairs this laptop replaced (headquarters called them retired after a takeover): kept to
-- check the receipts of handovers sealed before, never to seal, sign or open anything new.
CREATE TABLE laptop_keys_retired (
    id         INTEGER PRIMARY KEY,
    secret     BLOB    NOT NULL CHECK (length(secret) = 64),
    retired_at TEXT    NOT NULL
);

-- A handover sent or taken through headquarters: the colleague's device number there, and
-- where it stands on the way. Sender: `to_send` (the package kept here, in `package`, until
-- headquarters has it), `sent`, `cancel_to_send` (cancelled here, headquarters not yet told),
-- `ended` (headquarters said why in `relay_end`: cancelled, expired, recipient_replaced, or a
-- refusal's code). Recipient: `receipt_to_send`, `receipt_sent`.
ALTER TABLE handover ADD COLUMN relay_device INTEGER;
ALTER TABLE handover ADD COLUMN relay_state TEXT CHECK (relay_state IN
    ('to_send', 'sent', 'cancel_to_send', 'ended', 'receipt_to_send', 'receipt_sent'));
ALTER TABLE handover ADD COLUMN relay_end TEXT;
ALTER TABLE handover ADD COLUMN package TEXT;
-- 1 while a sent handover a sync settled or ended is news: 今日 says so until 引き継ぎ is
-- opened.
ALTER TABLE handover ADD COLUMN news INTEGER NOT NULL DEFAULT 0 CHECK (news IN (0, 1));

-- Packages fetched from headquarters (deleted there once kept here), waiting for the supporter
-- to take or decline. Each is sealed to this laptop; the sender's name is the one headquarters
-- enrolled. A declined one stays, `declined_at` set and its package emptied, so the same
-- package is never kept again.
CREATE TABLE relay_inbox (
    id            TEXT    PRIMARY KEY,
    sender_device INTEGER NOT NULL,
    sender        TEXT    NOT NULL,
    reason        TEXT    NOT NULL CHECK (reason IN ('transfer', 'cover')),
    fetched_at    TEXT    NOT NULL,
    -- Headquarters confirmed it deleted its copy: only then is the package offered here (one
    -- it still holds could yet be cancelled there).
    received_at   TEXT,
    declined_at   TEXT,
    package       TEXT    NOT NULL,
    -- The package's size: what waits here undecided is limited (salon-protocol `relay.rs`).
    bytes         INTEGER NOT NULL,
    -- The sender's card as the package's header claims it (checked against its signature only
    -- when opened), read once as it is kept; NULL when the header cannot be read.
    sender_card   TEXT
);
