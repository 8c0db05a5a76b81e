-- Protocol version 2: a month snapshot states the month's visits (`breakdown.visits`). The
-- snapshots held from version 1 get the visits of the same device's days of that month, which
-- is what a version-2 device would have stated.
UPDATE month_snapshots SET snapshot = json_set(snapshot, '$.breakdown.visits', (
    SELECT COALESCE(SUM(d.visits), 0) FROM day_snapshots d
    WHERE d.device_id = month_snapshots.device_id
      AND d.campus_code = month_snapshots.campus_code
      AND substr(d.day, 1, 7) = month_snapshots.month));
