-- Surveys as the seed ran them: teachers at each campus, and supporters. Anonymous: nothing
-- here names who answered. Each campus gets its own link (a QR code on paper); a form opened
-- gets a one-time nonce, so a double submit counts once.
CREATE TABLE surveys (
    id         INTEGER PRIMARY KEY,
    term_id    INTEGER REFERENCES terms (id) ON DELETE SET NULL,
    audience   TEXT    NOT NULL CHECK (audience IN ('teachers', 'supporters')),
    title      TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    closed_at  INTEGER
);

CREATE TABLE survey_questions (
    id        INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('scale', 'single', 'multi', 'text')),
    text      TEXT    NOT NULL,
    options   TEXT    NOT NULL DEFAULT '[]' -- JSON array of the choices' labels
);

-- campus_code NULL: the one link of a supporters' survey.
CREATE TABLE survey_links (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    campus_code TEXT REFERENCES campuses (code),
    token       TEXT    NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE UNIQUE INDEX survey_links_one_per_campus ON survey_links (survey_id, IFNULL(campus_code, ''));

CREATE TABLE survey_forms (
    nonce_hash BLOB    PRIMARY KEY,
    link_id    INTEGER NOT NULL REFERENCES survey_links (id) ON DELETE CASCADE,
    opened_at  INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE survey_responses (
    id           INTEGER PRIMARY KEY,
    link_id      INTEGER NOT NULL REFERENCES survey_links (id) ON DELETE CASCADE,
    submitted_at INTEGER NOT NULL
);

-- One row per chosen option (choice, from 0) or per free comment (text).
CREATE TABLE survey_answers (
    response_id INTEGER NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    choice      INTEGER,
    text        TEXT,
    -- A comment an admin chose for the funder report.
    featured    INTEGER NOT NULL DEFAULT 0,
    CHECK ((choice IS NULL) != (text IS NULL))
);
CREATE INDEX survey_answers_by_question ON survey_answers (question_id);
