-- Protocol 6: path decisions released per device and period (ARCHITECTURE.md, "Paths per
-- device and period"). The funder terms of the path calendar (every 年度 is in it anyway):
-- they never overlap one another, and one a device has released stays as it is.
CREATE TABLE path_terms (
    from_month TEXT    NOT NULL PRIMARY KEY, -- YYYY-MM
    to_month   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (from_month <= to_month)
);

-- A device's release of its decisions over a period, kept as first received, never replaced.
CREATE TABLE path_releases (
    device_id   INTEGER NOT NULL REFERENCES devices(id),
    from_month  TEXT    NOT NULL,
    to_month    TEXT    NOT NULL,
    release     TEXT    NOT NULL CHECK (release IN ('first', 'second')),
    body        TEXT    NOT NULL, -- the PathRelease as received
    students    INTEGER NOT NULL, -- the bound it was checked against
    received_at INTEGER NOT NULL,
    PRIMARY KEY (device_id, from_month, to_month, release)
);
CREATE INDEX path_releases_by_period ON path_releases (from_month, to_month);
