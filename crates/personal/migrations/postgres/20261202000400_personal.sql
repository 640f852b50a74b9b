-- personal: what each person starred, visited, keeps in their toolkit, and their home layout.
CREATE TABLE personal.stars (
    person      TEXT NOT NULL,
    entity_ref  TEXT NOT NULL,
    starred_ms  BIGINT NOT NULL,
    PRIMARY KEY (person, entity_ref)
);
CREATE TABLE personal.visits (
    person      TEXT NOT NULL,
    path        TEXT NOT NULL,
    title       TEXT NOT NULL,
    visited_ms  BIGINT NOT NULL,
    PRIMARY KEY (person, path)
);
CREATE INDEX visits_recent ON personal.visits (person, visited_ms);
CREATE TABLE personal.links (
    id        BIGSERIAL PRIMARY KEY,
    person    TEXT NOT NULL,
    title     TEXT NOT NULL,
    url       TEXT NOT NULL,
    added_ms  BIGINT NOT NULL
);
CREATE INDEX links_person ON personal.links (person, id);
CREATE TABLE personal.layouts (
    person      TEXT PRIMARY KEY,
    widgets     TEXT NOT NULL,
    updated_ms  BIGINT NOT NULL
);
