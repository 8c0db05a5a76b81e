-- Protocol 6: path decisions released per device and period. Headquarters' calendar of path
-- periods as last sent (JSON; NULL until a version 6 headquarters sends one, and the month
-- snapshots carry their suppressed path cells as before), and each release of a period as
-- drawn: drawn once, on its day, kept so that every send repeats the same numbers; `sent`
-- once headquarters confirmed it or said it holds its own ('' release: held, never drawn).
ALTER TABLE hq_enrolment ADD COLUMN path_calendar TEXT;
CREATE TABLE path_release_outbox (
    from_month TEXT    NOT NULL,
    to_month   TEXT    NOT NULL,
    release    TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    body       TEXT    NOT NULL,
    drawn_on   TEXT    NOT NULL,
    sent       INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    PRIMARY KEY (from_month, to_month, release)
) WITHOUT ROWID;
