-- Every release under noise a device sent, whatever period it covers, in one table: a campus's
-- month (campus_code set, from_month = to_month) or a period of the path calendar over all the
-- device's campuses (campus_code NULL). Kept as first received and never replaced: a second
-- draw of the same key would let its noise be averaged away.
CREATE TABLE releases (
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    campus_code TEXT    REFERENCES campuses(code),
    from_month  TEXT    NOT NULL, -- YYYY-MM
    to_month    TEXT    NOT NULL,
    release     TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    body        TEXT    NOT NULL, -- as received: a month's NoisyMonthBreakdown, a period's PathRelease
    bound       INTEGER NOT NULL, -- what it was checked against: the month's visits, the period's students
    received_at INTEGER NOT NULL,
    CHECK (campus_code IS NULL OR from_month = to_month)
);
CREATE UNIQUE INDEX releases_key
    ON releases (device_id, ifnull(campus_code, ''), from_month, to_month, release);
CREATE INDEX releases_by_period ON releases (from_month, to_month);

INSERT INTO releases
    (device_id, campus_code, from_month, to_month, release, body, bound, received_at)
SELECT device_id, campus_code, month, month, release, breakdown, visits, received_at
FROM month_releases;

INSERT INTO releases
    (device_id, campus_code, from_month, to_month, release, body, bound, received_at)
SELECT device_id, NULL, from_month, to_month, release, body, students, received_at
FROM path_releases;

DROP TABLE month_releases;
DROP TABLE path_releases;
