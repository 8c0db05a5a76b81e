-- Protocol 7: 家庭のこと and 心身の不調 leave per period with the path decisions, never in a
-- month's release, and headquarters refuses them there from a version 7 device. A month's
-- release drawn before and not yet sent keeps its other cells, as drawn; its sensitive cells
-- are dropped (sending less says less).
UPDATE release_outbox
SET breakdown = json_set(breakdown, '$.byTopic', json((
        SELECT json_group_array(json(value)) FROM json_each(breakdown, '$.byTopic')
        WHERE json_extract(value, '$.code') NOT IN ('family', 'wellbeing'))))
WHERE sent = 0 AND json_valid(breakdown);
