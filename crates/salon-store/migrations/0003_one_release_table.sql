-- Every release drawn under noise, whatever period it covers, in one table: a campus's month
-- (campus_id set, from_month = to_month) or a period of headquarters' path calendar over all
-- the device's reporting campuses (campus_id NULL). Drawn once, on its day, and kept, so that
-- every send repeats the same numbers. `held` once headquarters holds it (it confirmed it, or
-- said it holds its own); a release headquarters holds that this device never drew is kept
-- as a row without numbers (body and drawn_on ''), so that it is never drawn.
CREATE TABLE drawn_release (
    campus_id  INTEGER REFERENCES campus (id),
    from_month TEXT    NOT NULL,
    to_month   TEXT    NOT NULL,
    release    TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    body       TEXT    NOT NULL,
    drawn_on   TEXT    NOT NULL,
    held       INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1)),
    CHECK (campus_id IS NULL OR from_month = to_month)
);
CREATE UNIQUE INDEX drawn_release_key
    ON drawn_release (ifnull(campus_id, 0), from_month, to_month, release);

INSERT INTO drawn_release (campus_id, from_month, to_month, release, body, drawn_on, held)
SELECT campus_id, month, month, release, breakdown, drawn_on, sent FROM release_outbox;

INSERT INTO drawn_release (campus_id, from_month, to_month, release, body, drawn_on, held)
SELECT NULL, from_month, to_month, release, body, drawn_on, sent FROM path_release_outbox;

DROP TABLE release_outbox;
DROP TABLE path_release_outbox;
