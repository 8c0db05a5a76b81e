-- Search results come newest first: by the salon's day, then the visit. The search index is
-- now keyed by each visit's place in that order (`sort_key`: minus the day's Julian day
-- number in the high 32 bits and the visit id in the low ones, so the smallest key is the
-- newest visit and the index's own ascending order is newest first), so a page of a common
-- word is read from the index in order and stops, instead of ordering every visit that holds
-- the word; a period filter is a range of keys. A visit moved to another salon, or a salon
-- moved to another day, gets its new key (and its index entry) in the same statement.
DROP TRIGGER visit_fts_after_insert;
DROP TRIGGER visit_fts_after_delete;
DROP TRIGGER visit_fts_after_update;
DROP TRIGGER visit_folded_after_insert;
DROP TRIGGER visit_folded_after_update;
DROP TRIGGER visit_folded_after_delete;
DROP TABLE visit_fts;
DROP TABLE visit_folded;

CREATE TABLE visit_folded (
    visit_id        INTEGER PRIMARY KEY REFERENCES visit (id) ON DELETE CASCADE,
    sort_key        INTEGER NOT NULL UNIQUE,
    note            TEXT NOT NULL,
    next_steps      TEXT NOT NULL,
    teacher_summary TEXT NOT NULL
);

CREATE TRIGGER visit_folded_after_insert AFTER INSERT ON visit BEGIN
    INSERT INTO visit_folded (visit_id, sort_key, note, next_steps, teacher_summary)
    SELECT new.id, -((CAST(julianday(s.date) AS INTEGER) << 32) | new.id), salon_fold(new.note),
           salon_fold(new.next_steps), salon_fold(new.teacher_summary)
    FROM salon_session s WHERE s.id = new.session_id;
END;

CREATE TRIGGER visit_folded_after_update AFTER UPDATE OF note, next_steps, teacher_summary ON visit
BEGIN
    UPDATE visit_folded SET note = salon_fold(new.note), next_steps = salon_fold(new.next_steps),
        teacher_summary = salon_fold(new.teacher_summary)
    WHERE visit_id = new.id;
END;

CREATE TRIGGER visit_folded_after_move AFTER UPDATE OF session_id ON visit BEGIN
    UPDATE visit_folded SET sort_key = (
        SELECT -((CAST(julianday(s.date) AS INTEGER) << 32) | new.id)
        FROM salon_session s WHERE s.id = new.session_id)
    WHERE visit_id = new.id;
END;

CREATE TRIGGER visit_folded_after_session_day AFTER UPDATE OF date ON salon_session BEGIN
    UPDATE visit_folded SET sort_key = -((CAST(julianday(new.date) AS INTEGER) << 32) | visit_id)
    WHERE visit_id IN (SELECT id FROM visit WHERE session_id = new.id);
END;

CREATE TRIGGER visit_folded_after_delete AFTER DELETE ON visit BEGIN
    DELETE FROM visit_folded WHERE visit_id = old.id;
END;

CREATE VIRTUAL TABLE visit_fts USING fts5(
    note,
    next_steps,
    teacher_summary,
    content = 'visit_folded',
    content_rowid = 'sort_key',
    tokenize = 'trigram'
);

INSERT INTO visit_fts (visit_fts, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER visit_fts_after_insert AFTER INSERT ON visit_folded BEGIN
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.sort_key, new.note, new.next_steps, new.teacher_summary);
END;

CREATE TRIGGER visit_fts_after_delete AFTER DELETE ON visit_folded BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.sort_key, old.note, old.next_steps, old.teacher_summary);
END;

CREATE TRIGGER visit_fts_after_update AFTER UPDATE ON visit_folded BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.sort_key, old.note, old.next_steps, old.teacher_summary);
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.sort_key, new.note, new.next_steps, new.teacher_summary);
END;

-- Every visit written before: folded and keyed here, and indexed by the trigger above.
INSERT INTO visit_folded (visit_id, sort_key, note, next_steps, teacher_summary)
    SELECT v.id, -((CAST(julianday(s.date) AS INTEGER) << 32) | v.id), salon_fold(v.note),
           salon_fold(v.next_steps), salon_fold(v.teacher_summary)
    FROM visit v JOIN salon_session s ON s.id = v.session_id;
