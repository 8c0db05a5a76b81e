-- Related activities travel (protocol 4): the outbox holds each day's events too, keyed by
-- campus code, or by '' for this device's online events (they belong to no campus). SQLite
-- cannot widen a CHECK, so the table is rebuilt with every row and column it had.
CREATE TABLE outbox_v12 (
    kind          TEXT    NOT NULL CHECK (kind IN ('day', 'month', 'events')),
    campus_code   TEXT    NOT NULL,
    period        TEXT    NOT NULL,
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    body          TEXT    NOT NULL,
    sent_revision INTEGER NOT NULL DEFAULT 0,
    problem       TEXT,
    PRIMARY KEY (kind, campus_code, period)
) WITHOUT ROWID;
INSERT INTO outbox_v12 (kind, campus_code, period, revision, body, sent_revision, problem)
    SELECT kind, campus_code, period, revision, body, sent_revision, problem FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v12 RENAME TO outbox;
