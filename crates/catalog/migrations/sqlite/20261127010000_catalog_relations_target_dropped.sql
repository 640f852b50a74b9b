-- Every query on catalog.relations names the relation type (filters, counts and facets on
-- `relations.<type>`), so `relations_type_target (type, target_ref, source_ref, emitted_by)`
-- answers whatever `relations_target (target_ref)` could; the latter only cost upkeep on every
-- write and a build in every bulk load.
DROP INDEX IF EXISTS catalog.relations_target;
