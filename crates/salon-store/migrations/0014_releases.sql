-- Protocol 5: breakdowns under noise. Headquarters' noise policy as last sent (JSON; NULL until
-- a version 5 headquarters sends one, and nothing is drawn without it), and each release of a
-- campus's month as drawn: drawn once, on its day, kept so that every send repeats the same
-- numbers; `sent` once headquarters confirmed it or said it holds its own.
ALTER TABLE hq_enrolment ADD COLUMN noise TEXT;
CREATE TABLE release_outbox (
    campus_code TEXT    NOT NULL,
    month       TEXT    NOT NULL,
    release     TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    breakdown   TEXT    NOT NULL,
    drawn_on    TEXT    NOT NULL,
    sent        INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    PRIMARY KEY (campus_code, month, release)
) WITHOUT ROWID;
