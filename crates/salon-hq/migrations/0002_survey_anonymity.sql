-- Survey answers that cannot be tied to a campus and a time.
--
-- An answer keeps its day in Tokyo, never its time, under an id drawn at random: neither the
-- id nor the table's order follows arrival. A free comment is chosen for the report by an id
-- of its own, also random. Opening a form writes nothing: its token is signed with the
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

-- One row per chosen option (choice, from 0) or per free comment (text, with its comment_id).
CREATE TABLE survey_answers_new (
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    choice      INTEGER,
    text        TEXT,
    comment_id  TEXT UNIQUE,
    -- A comment an admin chose for the funder report.
    featured    INTEGER NOT NULL DEFAULT 0,
    CHECK ((choice IS NULL) != (text IS NULL)),
    CHECK ((text IS NULL) = (comment_id IS NULL))
);
INSERT INTO survey_answers_new (response_id, question_id, choice, text, comment_id, featured)
    SELECT n.new_id, a.question_id, a.choice, a.text,
           CASE WHEN a.text IS NULL THEN NULL ELSE lower(hex(randomblob(16))) END, a.featured
    FROM survey_answers a JOIN temp.survey_renumbered n ON n.old_id = a.response_id;

DROP TABLE survey_answers;
DROP TABLE survey_responses;
ALTER TABLE survey_responses_new RENAME TO survey_responses;
ALTER TABLE survey_answers_new RENAME TO survey_answers;
DROP TABLE temp.survey_renumbered;

CREATE INDEX survey_responses_by_link ON survey_responses (link_id, answered_on);
CREATE INDEX survey_answers_by_question ON survey_answers (question_id);
