-- Protocol 5: breakdowns under noise. A device's release of a campus's month is kept as first
-- received and never replaced (ARCHITECTURE.md, "Breakdowns under noise"): a second draw of
-- the same month would let its noise be averaged away.
CREATE TABLE month_releases (
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    campus_code TEXT    NOT NULL REFERENCES campuses(code),
    month       TEXT    NOT NULL, -- YYYY-MM
    release     TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    breakdown   TEXT    NOT NULL, -- the NoisyMonthBreakdown as received
    visits      INTEGER NOT NULL, -- the device's days' visits when it was received
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, campus_code, month, release)
);
CREATE INDEX month_releases_by_month ON month_releases (month);

-- The noise headquarters requires of every release and sends to devices (b = 1 everywhere
-- unless changed). One row.
CREATE TABLE noise_policy (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    policy TEXT    NOT NULL
);
INSERT INTO noise_policy (id, policy) VALUES (1,
    '{"route":{"numerator":1,"denominator":1},"topic":{"numerator":1,"denominator":1},'
    || '"sensitiveTopic":{"numerator":1,"denominator":1},"path":{"numerator":1,"denominator":1}}');
