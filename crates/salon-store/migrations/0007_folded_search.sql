-- Search matches folded text (salon_core::fold: NFKC, lower case, katakana as hiragana), so
-- ２年生 finds 2年生 and ｱﾙﾊﾞｲﾄ finds アルバイト. `visit_folded` holds each visit's text folded
-- (computed once, when the visit is written, by `salon_fold`, a function the store registers
-- on every connection); it is a table of the same encrypted database, and every change of the
-- visit's text (saving, correcting, purging) replaces it by trigger, with secure_delete on.
-- The trigram index is external content over it, so FTS5's integrity check compares the index
-- with the folded text, and the scan of short terms reads it without folding again.
DROP TRIGGER visit_fts_after_insert;
DROP TRIGGER visit_fts_after_delete;
DROP TRIGGER visit_fts_after_update;
DROP TABLE visit_fts;

CREATE TABLE visit_folded (
    visit_id        INTEGER PRIMARY KEY REFERENCES visit (id) ON DELETE CASCADE,
    note            TEXT NOT NULL,
    next_steps      TEXT NOT NULL,
    teacher_summary TEXT NOT NULL
);

CREATE TRIGGER visit_folded_after_insert AFTER INSERT ON visit BEGIN
    INSERT INTO visit_folded (visit_id, note, next_steps, teacher_summary)
    VALUES (new.id, salon_fold(new.note), salon_fold(new.next_steps),
            salon_fold(new.teacher_summary));
END;

CREATE TRIGGER visit_folded_after_update AFTER UPDATE OF note, next_steps, teacher_summary ON visit
BEGIN
    UPDATE visit_folded SET note = salon_fold(new.note), next_steps = salon_fold(new.next_steps),
        teacher_summary = salon_fold(new.teacher_summary)
    WHERE visit_id = new.id;
END;

CREATE TRIGGER visit_folded_after_delete AFTER DELETE ON visit BEGIN
    DELETE FROM visit_folded WHERE visit_id = old.id;
END;

CREATE VIRTUAL TABLE visit_fts USING fts5(
    note,
    next_steps,
    teacher_summary,
    content = 'visit_folded',
    content_rowid = 'visit_id',
    tokenize = 'trigram'
);

-- Deleted and corrected text leaves no trigram behind in the index's pages.
INSERT INTO visit_fts (visit_fts, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER visit_fts_after_insert AFTER INSERT ON visit_folded BEGIN
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.visit_id, new.note, new.next_steps, new.teacher_summary);
END;

CREATE TRIGGER visit_fts_after_delete AFTER DELETE ON visit_folded BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.visit_id, old.note, old.next_steps, old.teacher_summary);
END;

CREATE TRIGGER visit_fts_after_update AFTER UPDATE ON visit_folded BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.visit_id, old.note, old.next_steps, old.teacher_summary);
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.visit_id, new.note, new.next_steps, new.teacher_summary);
END;

-- Visits written before this migration: folded once here, and indexed by the trigger above.
INSERT INTO visit_folded (visit_id, note, next_steps, teacher_summary)
    SELECT id, salon_fold(note), salon_fold(next_steps), salon_fold(teacher_summary) FROM visit;
