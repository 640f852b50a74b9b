-- Full-text search: each entity's name, title and display name (lower case, one per line) with a
-- trigram index (pg_trgm, a trusted extension), which answers LIKE '%term%' from the index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE catalog.entity_text (
    entity_ref  TEXT COLLATE "C" PRIMARY KEY REFERENCES catalog.entities (entity_ref) ON DELETE CASCADE,
    text        TEXT NOT NULL
);
CREATE INDEX entity_text_trgm ON catalog.entity_text USING gin (text gin_trgm_ops);
