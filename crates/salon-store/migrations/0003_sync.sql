-- Headquarters: where this laptop reports, with which token, under which small-count rule.
-- The token lives here, in the encrypted database, never in a plain file.
CREATE TABLE hq_enrolment (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    hq_url           TEXT    NOT NULL,
    token            TEXT    NOT NULL,
    campuses         TEXT    NOT NULL,
    rule_k           INTEGER NOT NULL,
    rule_sensitive_k INTEGER NOT NULL,
    enrolled_at      TEXT    NOT NULL
);

-- The latest snapshot prepared for each key (kind, campus code, day or month), exactly as it
-- will be sent. A changed figure gets the next revision; `sent_revision` is what headquarters
-- has confirmed, so a row with sent_revision < revision is waiting to go.
CREATE TABLE outbox (
    kind          TEXT    NOT NULL CHECK (kind IN ('day', 'month')),
    campus_code   TEXT    NOT NULL,
    period        TEXT    NOT NULL,
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    body          TEXT    NOT NULL,
    sent_revision INTEGER NOT NULL DEFAULT 0,
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
