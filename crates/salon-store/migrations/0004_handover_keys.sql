-- This laptop's handover keys (salon-handover): the X25519 and the Ed25519 secret, 64 bytes,
-- made with the data folder (or when first needed, on a laptop set up before) and kept from
-- then on. Here, inside the encrypted database, a backup carries them and a rotation of the
-- store's key copies them.
CREATE TABLE laptop_keys (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    secret  BLOB    NOT NULL CHECK (length(secret) = 64),
    made_at TEXT    NOT NULL
);

-- Colleagues' laptops (端末カード), each imported only after the fingerprint typed from its
-- owner's screen matched the card's.
CREATE TABLE known_laptop (
    id          INTEGER PRIMARY KEY,
    label       TEXT    NOT NULL,
    card        TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL UNIQUE,
    imported_at TEXT    NOT NULL
);
