-- The survey form as teachers meet it: questions that must be answered (必須), the day answers
-- are asked by (回答期限, on the form and the printed flyer), and the NPO's own name and
-- contact in place of the server's.
ALTER TABLE survey_questions ADD COLUMN required INTEGER NOT NULL DEFAULT 0
    CHECK (required IN (0, 1));
ALTER TABLE surveys ADD COLUMN deadline TEXT; -- YYYY-MM-DD, in Tokyo
ALTER TABLE settings ADD COLUMN org_name TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN org_contact TEXT NOT NULL DEFAULT '';
