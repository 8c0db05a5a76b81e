-- Survey answers that cannot be tied to a campus and a time.
--
-- An answer keeps its day in Tokyo, never its time, under an id drawn at random: neither the
-- id nor the table's order follows arrival. A free comment is kept apart from its answer,
-- under an id of its own, also random. Opening a form writes nothing: its token is signed with the
-- `survey_form` key of `server_secrets`, and only the nonces of forms already sent are kept,
-- until their form could no longer be sent anyway.

-- Keys the server signs its own tokens with, one per purpose, drawn at random here.
CREATE TABLE server_secrets (
    purpose TEXT PRIMARY KEY,
    key     BLOB NOT NULL CHECK (length(key) = 32)
);
INSERT INTO server_secrets (purpose, key) VALUES ('survey_form', randomblob(32));

DROP TABLE survey_forms;
CREATE TABLE survey_sent_forms (
    nonce_hash BLOB PRIMARY KEY,
    -- The last day (Tokyo) the form could be sent; the row goes after it.
    until_day  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TEMP TABLE survey_renumbered AS
    SELECT id AS old_id, (random() & 0x7FFFFFFFFFFFFFFF) AS new_id FROM survey_responses;

CREATE TABLE survey_responses_new (
    id          INTEGER PRIMARY KEY,
    link_id     INTEGER NOT NULL REFERENCES survey_links (id) ON DELETE CASCADE,
    answered_on TEXT    NOT NULL -- YYYY-MM-DD in Tokyo
);
INSERT INTO survey_responses_new (id, link_id, answered_on)
    SELECT n.new_id, r.link_id, date(r.submitted_at, 'unixepoch', '+9 hours')
    FROM survey_responses r JOIN temp.survey_renumbered n ON n.old_id = r.id;

-- One row per chosen option. WITHOUT ROWID: rows are kept in the order of their key (the random
-- response id), so no hidden rowid counts the answers as they came.
CREATE TABLE survey_choices (
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    choice      INTEGER NOT NULL, -- from 0
    PRIMARY KEY (response_id, question_id, choice)
) WITHOUT ROWID;
INSERT OR IGNORE INTO survey_choices (response_id, question_id, choice)
    SELECT n.new_id, a.question_id, a.choice
    FROM survey_answers a JOIN temp.survey_renumbered n ON n.old_id = a.response_id
    WHERE a.choice IS NOT NULL;

-- Free comments, kept apart from the answer they came with: no response, so neither a link
-- (a campus) nor a day can be read from one. Chosen for the report by their random id.
CREATE TABLE survey_comments (
    id          TEXT    PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    text        TEXT    NOT NULL,
    -- A comment an admin chose for the funder report.
    featured    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO survey_comments (id, question_id, text, featured)
    SELECT lower(hex(randomblob(16))), question_id, text, featured
    FROM survey_answers WHERE text IS NOT NULL;

DROP TABLE survey_answers;
DROP TABLE survey_responses;
ALTER TABLE survey_responses_new RENAME TO survey_responses;
DROP TABLE temp.survey_renumbered;

CREATE INDEX survey_responses_by_link ON survey_responses (link_id, answered_on);
CREATE INDEX survey_choices_by_question ON survey_choices (question_id);
CREATE INDEX survey_comments_by_question ON survey_comments (question_id);
