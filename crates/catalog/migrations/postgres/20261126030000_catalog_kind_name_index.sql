-- The catalog list filters by kind and orders by name: one index serves both, so a page is a
-- short index range scan instead of a sort of every entity of the kind.
CREATE INDEX entities_kind_name ON catalog.entities (kind, name, entity_ref);
