-- A snapshot that would fail headquarters' plausibility checks (salon_protocol::plausible) is
-- held back with the code it would be refused with, and named in the sync screen, so one bad
-- day never blocks the rest. NULL: nothing wrong.
ALTER TABLE outbox ADD COLUMN problem TEXT;
