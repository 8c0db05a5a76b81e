-- The funder report names the project as the NPO's own review does: per term, the project's
-- name (事業名) and the fund distributors (資金分配団体) beside the funder; the NPO's own name is a
-- setting (0005).
ALTER TABLE terms ADD COLUMN project TEXT NOT NULL DEFAULT '';
ALTER TABLE terms ADD COLUMN distributor TEXT NOT NULL DEFAULT '';
