-- Queries: original-case values for facets, and indexes for the by-query filters on kind,
-- namespace and name (kept as columns of catalog.entities).
ALTER TABLE catalog.search ADD COLUMN original_value TEXT;
DROP INDEX catalog.search_key_value;
CREATE INDEX catalog.search_key_value ON search (key, value, original_value, entity_ref);
CREATE INDEX catalog.entities_kind ON entities (kind, entity_ref);
CREATE INDEX catalog.entities_namespace ON entities (namespace, entity_ref);
CREATE INDEX catalog.entities_name ON entities (name, entity_ref);
CREATE INDEX catalog.relations_type_target ON relations (type, target_ref, source_ref);
