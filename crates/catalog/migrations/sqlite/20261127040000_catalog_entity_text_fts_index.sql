-- The full-text rows move from the FTS5 table itself into a plain table with an integer id and
-- an index on the entity ref; `entity_text_fts` indexes their text (external content, trigram
-- tokenizer) and triggers keep it in step. A term is matched as an FTS5 phrase instead of with
-- LIKE, which re-read every candidate's text; a count reads only the index, and a page reads
-- the matches' refs by id (see crates/catalog/src/store/text.rs). PostgreSQL's `entity_text`
-- (pg_trgm) is unchanged.
ALTER TABLE catalog.entity_text RENAME TO entity_text_old;
CREATE TABLE catalog.entity_text (
    id          INTEGER PRIMARY KEY,
    entity_ref  TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX catalog.entity_text_ref ON entity_text (entity_ref);
CREATE VIRTUAL TABLE catalog.entity_text_fts USING fts5(
    text, content = 'entity_text', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER catalog.entity_text_added AFTER INSERT ON entity_text BEGIN
    INSERT INTO entity_text_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER catalog.entity_text_removed AFTER DELETE ON entity_text BEGIN
    INSERT INTO entity_text_fts (entity_text_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
INSERT INTO catalog.entity_text (entity_ref, text)
    SELECT entity_ref, text FROM catalog.entity_text_old ORDER BY entity_ref;
DROP TABLE catalog.entity_text_old;
