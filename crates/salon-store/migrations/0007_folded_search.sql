-- Search matches folded text (salon_core::fold: NFKC, lower case, katakana as hiragana), so
-- ２年生 finds 2年生 and ｱﾙﾊﾞｲﾄ finds アルバイト. The index's content is now a view that folds
-- the visit's text on the fly with `salon_fold` (a function the store registers on every
-- connection): no folded copy of any note is stored, the trigram index holds folded trigrams,
-- and FTS5's integrity check compares it with the view. Triggers keep it in step as before.
DROP TRIGGER visit_fts_after_insert;
DROP TRIGGER visit_fts_after_delete;
DROP TRIGGER visit_fts_after_update;
DROP TABLE visit_fts;

CREATE VIEW visit_folded AS
    SELECT id, salon_fold(note) AS note, salon_fold(next_steps) AS next_steps,
           salon_fold(teacher_summary) AS teacher_summary
    FROM visit;

CREATE VIRTUAL TABLE visit_fts USING fts5(
    note,
    next_steps,
    teacher_summary,
    content = 'visit_folded',
    content_rowid = 'id',
    tokenize = 'trigram'
);

-- Deleted and corrected text leaves no trigram behind in the index's pages.
INSERT INTO visit_fts (visit_fts, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER visit_fts_after_insert AFTER INSERT ON visit BEGIN
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.id, salon_fold(new.note), salon_fold(new.next_steps),
            salon_fold(new.teacher_summary));
END;

CREATE TRIGGER visit_fts_after_delete AFTER DELETE ON visit BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.id, salon_fold(old.note), salon_fold(old.next_steps),
            salon_fold(old.teacher_summary));
END;

CREATE TRIGGER visit_fts_after_update AFTER UPDATE OF id, note, next_steps, teacher_summary ON visit
BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.id, salon_fold(old.note), salon_fold(old.next_steps),
            salon_fold(old.teacher_summary));
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.id, salon_fold(new.note), salon_fold(new.next_steps),
            salon_fold(new.teacher_summary));
END;

INSERT INTO visit_fts (visit_fts) VALUES ('rebuild');
