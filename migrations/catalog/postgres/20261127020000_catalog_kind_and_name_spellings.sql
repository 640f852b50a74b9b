-- `kind`, `metadata.name` and `metadata.namespace` are columns of catalog.entities (lower case),
-- and filters and sorts on them already read those columns. Their search rows (three of the
-- ~15 per entity) served only facets, which need the spelling as written: the spellings of
-- kind and name move to the entities table (NULL where the lower-cased form is the spelling,
-- like search.original_value; namespaces are lower case by validation) and the search rows go.
-- Each bulk load writes 20 % fewer search rows (an LDAP org: 33,600 of 170,568).
ALTER TABLE catalog.entities ADD COLUMN kind_spelled TEXT, ADD COLUMN name_spelled TEXT;
UPDATE catalog.entities e SET kind_spelled = s.original_value
    FROM catalog.search s
    WHERE s.entity_ref = e.entity_ref AND s.key = 'kind' AND s.original_value IS NOT NULL;
UPDATE catalog.entities e SET name_spelled = s.original_value
    FROM catalog.search s
    WHERE s.entity_ref = e.entity_ref AND s.key = 'metadata.name' AND s.original_value IS NOT NULL;
DELETE FROM catalog.search WHERE key IN ('kind', 'metadata.name', 'metadata.namespace');
-- Facets on kind and name read the spelling from the index alone; filters and pages keep
-- their (kind, entity_ref) and (name, entity_ref) order.
DROP INDEX catalog.entities_kind;
CREATE INDEX entities_kind ON catalog.entities (kind, entity_ref) INCLUDE (kind_spelled);
DROP INDEX catalog.entities_name;
CREATE INDEX entities_name ON catalog.entities (name, entity_ref) INCLUDE (name_spelled);
-- Nothing filters on the spellings: no planner statistics (cheaper ANALYZE after bulk loads).
ALTER TABLE catalog.entities
    ALTER COLUMN kind_spelled SET STATISTICS 0,
    ALTER COLUMN name_spelled SET STATISTICS 0;
