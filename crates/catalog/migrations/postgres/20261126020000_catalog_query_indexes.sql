-- Queries: original-case values for facets, and indexes for the by-query filters on kind,
-- namespace and name (kept as columns of catalog.entities). Text that is sorted or paged by
-- uses the "C" collation, so order and cursors are byte order, as on SQLite.
ALTER TABLE catalog.search ADD COLUMN original_value TEXT;
ALTER TABLE catalog.entities ALTER COLUMN entity_ref TYPE TEXT COLLATE "C";
ALTER TABLE catalog.entities ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE catalog.search ALTER COLUMN entity_ref TYPE TEXT COLLATE "C";
ALTER TABLE catalog.search ALTER COLUMN value TYPE TEXT COLLATE "C";
ALTER TABLE catalog.relations ALTER COLUMN emitted_by TYPE TEXT COLLATE "C";
ALTER TABLE catalog.relations ALTER COLUMN source_ref TYPE TEXT COLLATE "C";
DROP INDEX catalog.search_key_value;
CREATE INDEX search_key_value ON catalog.search (key, value, original_value, entity_ref);
CREATE INDEX entities_kind ON catalog.entities (kind, entity_ref);
CREATE INDEX entities_namespace ON catalog.entities (namespace, entity_ref);
CREATE INDEX entities_name ON catalog.entities (name, entity_ref);
CREATE INDEX relations_type_target ON catalog.relations (type, target_ref, source_ref);
