-- Today's 要対応 (follow-ups and concerns) from the visits that have one: in a year of salons
-- they are a few in a hundred, and counting or ordering them should not walk every visit.
CREATE INDEX visit_open_care ON visit (session_id, follow_up_on, concern)
    WHERE follow_up_on IS NOT NULL OR concern = 1;
