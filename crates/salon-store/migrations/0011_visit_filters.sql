-- The search filters on a visit (its salon, follow-up date, 要連携, student) from an index
-- alone: the visit's own row holds its note, and reading thousands of those just to look at
-- a flag is what a filtered list spent its time on.
CREATE INDEX visit_filters ON visit (session_id, follow_up_on, concern, student_id);
