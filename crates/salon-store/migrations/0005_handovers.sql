-- Caseloads handed to a colleague's laptop or taken from one (引き継ぎ), and what keeps the
-- counts right across it (docs/privacy.md section 6, docs/laptop.md "Handing a caseload on").

-- Each handover this laptop sealed or took: who, when, what, why; never a name or a note.
-- `id` is the package's: a package is taken once (a second time is a replay). `handed_on` is
-- the Tokyo day the package was sealed, the day its counting passes from one laptop to the
-- other. `header` is the package's header as sealed (the sender checks the receipt with it).
-- A sent handover is `sealed` until the receipt comes back, then `done` (the copy removed) or
-- `cover` (kept read-only, 一時的な代理) until the cover is `ended`; `cancelled` if the sender
-- took it back before. `receipt`: on the recipient, the receipt it signed, to be written out
-- again if the first file was lost.
CREATE TABLE handover (
    id          TEXT    PRIMARY KEY,
    direction   TEXT    NOT NULL CHECK (direction IN ('sent', 'taken')),
    state       TEXT    NOT NULL CHECK (state IN ('sealed', 'done', 'cover', 'ended', 'cancelled')),
    reason      TEXT    NOT NULL CHECK (reason IN ('transfer', 'cover')),
    colleague   TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    campus_name TEXT    NOT NULL,
    handed_on   TEXT    NOT NULL,
    counts      TEXT    NOT NULL,
    header      TEXT    NOT NULL,
    receipt     TEXT,
    created_at  TEXT    NOT NULL,
    settled_at  TEXT
);

-- The students a handover carried: on the sender, its own students (locked while the
-- handover is sealed or a cover); on the recipient, the students they became here.
CREATE TABLE handover_student (
    handover_id TEXT    NOT NULL REFERENCES handover (id),
    student_id  INTEGER NOT NULL,
    PRIMARY KEY (handover_id, student_id)
) WITHOUT ROWID;

-- Records taken from a colleague: their days were counted by the laptop that held them, so
-- they count in none of this laptop's figures or releases. A taken student is `taken_in` only
-- when made new here (not merged): a path decision dated on or before the handover day was
-- the sender's. An appointment is `taken_in` only when dated on or before that day; a later
-- one is this laptop's to count.
ALTER TABLE salon_session ADD COLUMN taken_in TEXT REFERENCES handover (id);
ALTER TABLE visit ADD COLUMN taken_in TEXT REFERENCES handover (id);
ALTER TABLE appointment ADD COLUMN taken_in TEXT REFERENCES handover (id);
ALTER TABLE student ADD COLUMN taken_in TEXT REFERENCES handover (id);

-- What the records handed away added to the sender's releases not yet drawn, computed before
-- they were removed: a campus month's exact tally (`campus_id` set, `period` 'YYYY-MM') or a
-- period's decisions and sensitive counts (`campus_id` NULL, `period` 'YYYY-MM..YYYY-MM').
-- Added to the live records' when the release is drawn, so removing the copy changes no
-- release. (The exact day and month figures need no share: the removal leaves the bare rows
-- they are counted from, as a deletion request does.)
CREATE TABLE handover_share (
    handover_id TEXT    NOT NULL REFERENCES handover (id),
    campus_id   INTEGER REFERENCES campus (id),
    period      TEXT    NOT NULL,
    body        TEXT    NOT NULL
);
CREATE INDEX handover_share_by_period ON handover_share (period, campus_id);

-- While a sent handover is sealed or a cover, its students' records here are read-only: what
-- the sender wrote now would reach neither the colleague nor be removed with the rest.
CREATE VIEW locked_student AS
    SELECT hs.student_id FROM handover_student hs JOIN handover h ON h.id = hs.handover_id
    WHERE h.direction = 'sent' AND h.state IN ('sealed', 'cover');

CREATE TRIGGER locked_visit_insert BEFORE INSERT ON visit
WHEN NEW.student_id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_visit_update BEFORE UPDATE ON visit
WHEN OLD.student_id IN (SELECT student_id FROM locked_student)
  OR NEW.student_id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_student_update BEFORE UPDATE ON student
WHEN OLD.id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_appointment_insert BEFORE INSERT ON appointment
WHEN NEW.student_id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_appointment_update BEFORE UPDATE ON appointment
WHEN OLD.student_id IN (SELECT student_id FROM locked_student)
  OR NEW.student_id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_follow_up_done BEFORE INSERT ON follow_up_done
WHEN (SELECT student_id FROM visit WHERE id = NEW.visit_id) IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_visit_delete BEFORE DELETE ON visit
WHEN OLD.student_id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_appointment_delete BEFORE DELETE ON appointment
WHEN OLD.student_id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_topic_insert BEFORE INSERT ON visit_topic
WHEN (SELECT student_id FROM visit WHERE id = NEW.visit_id) IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_topic_delete BEFORE DELETE ON visit_topic
WHEN (SELECT student_id FROM visit WHERE id = OLD.visit_id) IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_student_delete BEFORE DELETE ON student
WHEN OLD.id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_path_change_insert BEFORE INSERT ON path_change
WHEN NEW.student_id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

CREATE TRIGGER locked_path_change_delete BEFORE DELETE ON path_change
WHEN OLD.student_id IN (SELECT student_id FROM locked_student)
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;

-- A salon moved to another day would move the locked visits in it.
CREATE TRIGGER locked_salon_update BEFORE UPDATE OF date, campus_id ON salon_session
WHEN EXISTS (SELECT 1 FROM visit WHERE session_id = OLD.id
             AND student_id IN (SELECT student_id FROM locked_student))
BEGIN SELECT RAISE(ABORT, 'handed_over'); END;
