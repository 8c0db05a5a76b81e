-- Each line of the 操作記録 carries an HMAC-SHA256 over its own fields and the previous line's
-- MAC, under a key kept in a file beside the database, never in it (src/store/audit_chain.rs).
-- The lines already here are chained by the server in this migration's transaction: they are
-- vouched for from that moment, not from when they were written.
ALTER TABLE audit_log ADD COLUMN mac BLOB;
