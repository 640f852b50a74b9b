-- The derived tables (search, relations, entity_text) lose their foreign keys to entities.
-- PostgreSQL checks a foreign key with a trigger per inserted row: for the ~20 derived rows of
-- each entity that cost ten times the insert itself (a 1,000-user LDAP batch: 0.9 s with them,
-- 0.1 s without). The apply is the only writer of these rows and removes them with their entity
-- (crates/catalog/src/store: DERIVED_ROWS, used by rewrite, removal and delete-by-uid), and the
-- store tests check that no derived row outlives its entity.
ALTER TABLE catalog.search DROP CONSTRAINT IF EXISTS search_entity_ref_fkey;
ALTER TABLE catalog.relations DROP CONSTRAINT IF EXISTS relations_emitted_by_fkey;
ALTER TABLE catalog.entity_text DROP CONSTRAINT IF EXISTS entity_text_entity_ref_fkey;
