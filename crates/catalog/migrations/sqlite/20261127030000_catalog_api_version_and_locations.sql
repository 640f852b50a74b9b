-- `apiVersion` and the two location annotations the catalog sets on every entity
-- (`backstage.io/managed-by-location`, `backstage.io/managed-by-origin-location`) become columns
-- of catalog.entities, like kind, namespace and name before them: three search rows fewer per
-- entity. Each is kept in lower case (NULL when the entity lacks it or the value is longer than
-- a search value may be, 200 characters) with its spelling beside it (NULL where the lower case
-- is the spelling; the whole value where it is too long), so filters, sorts, facets and
-- `exists` answer exactly as over the search rows.
ALTER TABLE catalog.entities ADD COLUMN api_version TEXT;
ALTER TABLE catalog.entities ADD COLUMN api_version_spelled TEXT;
ALTER TABLE catalog.entities ADD COLUMN managed_by_location TEXT;
ALTER TABLE catalog.entities ADD COLUMN managed_by_location_spelled TEXT;
ALTER TABLE catalog.entities ADD COLUMN managed_by_origin_location TEXT;
ALTER TABLE catalog.entities ADD COLUMN managed_by_origin_location_spelled TEXT;
UPDATE catalog.entities SET
    api_version = (SELECT s.value FROM catalog.search s
        WHERE s.entity_ref = entities.entity_ref AND s.key = 'apiversion'),
    api_version_spelled = (SELECT COALESCE(s.original_value, CASE WHEN s.value IS NULL
            THEN json_extract(entities.body, '$.apiVersion') END)
        FROM catalog.search s
        WHERE s.entity_ref = entities.entity_ref AND s.key = 'apiversion'),
    managed_by_location = (SELECT s.value FROM catalog.search s
        WHERE s.entity_ref = entities.entity_ref
          AND s.key = 'metadata.annotations.backstage.io/managed-by-location'),
    managed_by_location_spelled = (SELECT COALESCE(s.original_value, CASE WHEN s.value IS NULL
            THEN json_extract(entities.body, '$.metadata.annotations."backstage.io/managed-by-location"') END)
        FROM catalog.search s
        WHERE s.entity_ref = entities.entity_ref
          AND s.key = 'metadata.annotations.backstage.io/managed-by-location'),
    managed_by_origin_location = (SELECT s.value FROM catalog.search s
        WHERE s.entity_ref = entities.entity_ref
          AND s.key = 'metadata.annotations.backstage.io/managed-by-origin-location'),
    managed_by_origin_location_spelled = (SELECT COALESCE(s.original_value, CASE WHEN s.value IS NULL
            THEN json_extract(entities.body, '$.metadata.annotations."backstage.io/managed-by-origin-location"') END)
        FROM catalog.search s
        WHERE s.entity_ref = entities.entity_ref
          AND s.key = 'metadata.annotations.backstage.io/managed-by-origin-location');
DELETE FROM catalog.search WHERE key IN (
    'apiversion',
    'metadata.annotations.backstage.io/managed-by-location',
    'metadata.annotations.backstage.io/managed-by-origin-location');
-- Backstage's "unregister location" lists a location's entities by this annotation.
CREATE INDEX catalog.entities_origin_location ON entities (managed_by_origin_location);
