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
-- The `kind` facet counts (kind, spelling) pairs in index order, as it did over the search
-- rows' (key, value, original_value) index. Facets on name read the spelling from the name
-- index (filters and pages keep its (name, entity_ref) order).
CREATE INDEX catalog.entities_kind_spelled ON entities (kind, kind_spelled);
DROP INDEX catalog.entities_name;
CREATE INDEX catalog.entities_name ON entities (name, entity_ref, name_spelled);
