-- A path decision stays with the campus the student was at when it was made: a student who
-- moves to another campus (転校・移籍) takes their later visits and decisions along, while a
-- decision made before the move is still counted where it was made.
ALTER TABLE student ADD COLUMN path_campus_id INTEGER REFERENCES campus (id);
UPDATE student SET path_campus_id = campus_id;

CREATE TRIGGER student_path_campus_on_insert AFTER INSERT ON student
BEGIN
    UPDATE student SET path_campus_id = NEW.campus_id WHERE id = NEW.id;
END;

CREATE TRIGGER student_path_campus_on_update AFTER UPDATE OF path_status, path_decided_on ON student
WHEN OLD.path_status IS NOT NEW.path_status OR OLD.path_decided_on IS NOT NEW.path_decided_on
BEGIN
    UPDATE student SET path_campus_id = NEW.campus_id WHERE id = NEW.id;
END;

-- The path history records the campus of each change too.
ALTER TABLE path_change ADD COLUMN campus_id INTEGER REFERENCES campus (id);
UPDATE path_change SET campus_id = (SELECT campus_id FROM student WHERE student.id = path_change.student_id);

CREATE TRIGGER path_change_campus AFTER INSERT ON path_change
BEGIN
    UPDATE path_change SET campus_id = (SELECT campus_id FROM student WHERE id = NEW.student_id)
    WHERE id = NEW.id;
END;
