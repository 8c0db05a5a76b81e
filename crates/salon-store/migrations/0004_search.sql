-- Full-text search of what the supporter wrote: private notes, next steps, teacher summaries.
-- The trigram tokenizer finds any run of 3+ characters, which suits Japanese (no spaces between
-- words); shorter queries are answered by a scan (see search.rs). The index is external
-- content over `visit`: its shadow tables hold trigrams, not copies of the text, and like every
-- table they are pages of the same encrypted database file.
CREATE VIRTUAL TABLE visit_fts USING fts5(
    note,
    next_steps,
    teacher_summary,
    content = 'visit',
    content_rowid = 'id',
    tokenize = 'trigram'
);

-- Kept in step with `visit` by triggers, so every write path (saving, correcting, purging)
-- updates the index in the same transaction.
CREATE TRIGGER visit_fts_after_insert AFTER INSERT ON visit BEGIN
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.id, new.note, new.next_steps, new.teacher_summary);
END;

CREATE TRIGGER visit_fts_after_delete AFTER DELETE ON visit BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.id, old.note, old.next_steps, old.teacher_summary);
END;

CREATE TRIGGER visit_fts_after_update AFTER UPDATE OF id, note, next_steps, teacher_summary ON visit
BEGIN
    INSERT INTO visit_fts (visit_fts, rowid, note, next_steps, teacher_summary)
    VALUES ('delete', old.id, old.note, old.next_steps, old.teacher_summary);
    INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
    VALUES (new.id, new.note, new.next_steps, new.teacher_summary);
END;

-- Visits written before this migration.
INSERT INTO visit_fts (visit_fts) VALUES ('rebuild');

-- Result lists are newest first: walk the salons by date instead of sorting every visit.
CREATE INDEX salon_session_by_date ON salon_session (date);
