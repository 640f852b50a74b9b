-- Every key-like text column compares as bytes (COLLATE "C"): refs, kinds, keys and relation
-- types are identifiers, not prose. Byte order is what the API promises (the same order on
-- every database whatever its locale), and it lets PostgreSQL sort with abbreviated keys and
-- memcmp: index builds of a 100k-entity catalog and lookups in them get several times cheaper
-- than under a libc locale such as en_US.UTF-8. (`entity_ref`, `name` and `search.value` were
-- "C" already.)
ALTER TABLE catalog.entities
    ALTER COLUMN uid TYPE TEXT COLLATE "C",
    ALTER COLUMN kind TYPE TEXT COLLATE "C",
    ALTER COLUMN namespace TYPE TEXT COLLATE "C",
    ALTER COLUMN origin TYPE TEXT COLLATE "C";
ALTER TABLE catalog.search
    ALTER COLUMN key TYPE TEXT COLLATE "C",
    ALTER COLUMN original_value TYPE TEXT COLLATE "C";
ALTER TABLE catalog.relations
    ALTER COLUMN type TYPE TEXT COLLATE "C",
    ALTER COLUMN target_ref TYPE TEXT COLLATE "C";
