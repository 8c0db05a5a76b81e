-- Drafts of forms being typed (the visit note above all), saved as the supporter types so a
-- crash, a lock or a restart loses nothing. They live here, encrypted, never in the WebView.
CREATE TABLE draft (
    key        TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
