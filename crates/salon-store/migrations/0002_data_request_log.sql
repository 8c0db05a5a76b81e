-- What was done about one student's data, and when, without any of its content: a disclosure
-- written out (開示請求), a student's data deleted on request (削除請求), a purge after the
-- retention period. The student is named by the row's id only (a bare row once deleted).
CREATE TABLE data_request_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,
    action     TEXT    NOT NULL CHECK (action IN ('disclosed', 'deleted', 'purged')),
    student_id INTEGER NOT NULL
);
