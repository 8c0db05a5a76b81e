-- Terms (事業期間): a name, a funder and whole months, each with its own targets, so a
-- funder's term (休眠預金, Sept–Feb) can run beside the 年度. A target left empty is no
-- target. The period targets of version 4 become terms named after their months.

CREATE TABLE terms (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    funder     TEXT NOT NULL DEFAULT '',
    from_month TEXT NOT NULL,
    to_month   TEXT NOT NULL,
    schools    INTEGER CHECK (schools >= 0),
    sessions   INTEGER CHECK (sessions >= 0),
    visits     INTEGER CHECK (visits >= 0),
    created_at INTEGER NOT NULL,
    CHECK (from_month <= to_month)
);

-- Per kind of related activity (関連活動): how many events, and how many participants.
CREATE TABLE term_event_targets (
    term_id      INTEGER NOT NULL REFERENCES terms (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    events       INTEGER CHECK (events >= 0),
    participants INTEGER CHECK (participants >= 0),
    PRIMARY KEY (term_id, kind)
);

INSERT INTO terms (name, from_month, to_month, schools, sessions, visits, created_at)
SELECT
    CASE
        WHEN substr(from_month, 6, 2) = '04'
             AND to_month = printf('%04d-03', CAST(substr(from_month, 1, 4) AS INTEGER) + 1)
        THEN CAST(substr(from_month, 1, 4) AS INTEGER) || '年度'
        ELSE CAST(substr(from_month, 1, 4) AS INTEGER) || '年'
             || CAST(substr(from_month, 6, 2) AS INTEGER) || '月〜'
             || CAST(substr(to_month, 1, 4) AS INTEGER) || '年'
             || CAST(substr(to_month, 6, 2) AS INTEGER) || '月'
    END,
    from_month, to_month, schools, sessions, visits, 0
FROM targets ORDER BY from_month, to_month;

DROP TABLE targets;
