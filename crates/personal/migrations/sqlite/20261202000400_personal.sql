-- personal: what each person starred, visited, keeps in their toolkit, and their home layout.
CREATE TABLE personal.stars (
    person      TEXT NOT NULL,
    entity_ref  TEXT NOT NULL,
    starred_ms  INTEGER NOT NULL,
    PRIMARY KEY (person, entity_ref)
);
CREATE TABLE personal.visits (
    person      TEXT NOT NULL,
    path        TEXT NOT NULL,
    title       TEXT NOT NULL,
    visited_ms  INTEGER NOT NULL,
    PRIMARY KEY (person, path)
);
CREATE INDEX personal.visits_recent ON visits (person, visited_ms);
CREATE TABLE personal.links (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    person    TEXT NOT NULL,
    title     TEXT NOT NULL,
    url       TEXT NOT NULL,
    added_ms  INTEGER NOT NULL
);
CREATE INDEX personal.links_person ON links (person, id);
CREATE TABLE personal.layouts (
    person      TEXT PRIMARY KEY,
    widgets     TEXT NOT NULL,
    updated_ms  INTEGER NOT NULL
);
