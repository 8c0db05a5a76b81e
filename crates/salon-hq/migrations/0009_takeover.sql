-- A new laptop taking over a device (a lost or broken one, its backup restored on the new
-- one): its enrolment code names the device, and spending it gives that device a new token
-- instead of making another, so what the new laptop sends again is not counted twice and no
-- month it released is drawn again under a second device.
ALTER TABLE enrolment_codes ADD COLUMN takes_over INTEGER REFERENCES devices(id);
ALTER TABLE devices ADD COLUMN taken_over_at INTEGER;
