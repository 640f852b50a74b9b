-- `kind`, `metadata.name` and `metadata.namespace` are columns of catalog.entities (lower case),
-- and filters and sorts on them already read those columns. Their search rows (three of the
-- ~15 per entity) served only facets, which need the spelling as written: the spellings of
-- kind and name move to the entities table (NULL where the lower-cased form is the spelling,
-- like search.original_value; namespaces are lower case by validation) and the search rows go.
ALTER TABLE catalog.entities ADD COLUMN kind_spelled TEXT;
ALTER TABLE catalog.entities ADD COLUMN name_spelled TEXT;
UPDATE catalog.entities SET
    kind_spelled = (SELECT s.original_value FROM catalog.search s
                    WHERE s.entity_ref = entities.entity_ref AND s.key = 'kind'),
    name_spelled = (SELECT s.original_value FROM catalog.search s
                    WHERE s.entity_ref = entities.entity_ref AND s.key = 'metadata.name');
DELETE FROM catalog.search WHERE key IN ('kind', 'metadata.name', 'metadata.namespace');
-- Facets on kind and name read the spelling from the index alone; filters and pages keep
-- their (kind, entity_ref) and (name, entity_ref) order.
DROP INDEX catalog.entities_kind;
CREATE INDEX catalog.entities_kind ON entities (kind, entity_ref, kind_spelled);
DROP INDEX catalog.entities_name;
CREATE INDEX catalog.entities_name ON entities (name, entity_ref, name_spelled);
