-- The API version each accepted upload named, so headquarters can say which laptops run an
-- app too old to release what newer ones do (the devices page asks for an update, and a
-- laptop before protocol 6 is not awaited for path decisions). NULL for uploads received
-- before this migration: unknown.
ALTER TABLE uploads ADD COLUMN api_version INTEGER;
