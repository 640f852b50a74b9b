-- catalog plugin: entities, their search rows and relations, registered locations, issues.
CREATE TABLE catalog.entities (
    entity_ref  TEXT PRIMARY KEY,             -- canonical kind:namespace/name, lower case
    uid         TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,                -- lower case
    namespace   TEXT NOT NULL,
    name        TEXT NOT NULL,
    origin      TEXT NOT NULL,                -- registered location key (type:target)
    file        TEXT NOT NULL,
    etag        TEXT NOT NULL,
    body        TEXT NOT NULL,                -- the entity as JSON, relations included
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX entities_origin ON catalog.entities (origin);

-- Flattened, lower-cased key/value rows for filters and facets (Backstage's search table).
CREATE TABLE catalog.search (
    entity_ref  TEXT NOT NULL REFERENCES catalog.entities (entity_ref) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    value       TEXT
);
CREATE INDEX search_key_value ON catalog.search (key, value, entity_ref);
CREATE INDEX search_entity ON catalog.search (entity_ref);

CREATE TABLE catalog.relations (
    source_ref  TEXT NOT NULL,
    type        TEXT NOT NULL,
    target_ref  TEXT NOT NULL,
    emitted_by  TEXT NOT NULL REFERENCES catalog.entities (entity_ref) ON DELETE CASCADE
);
CREATE INDEX relations_source ON catalog.relations (source_ref);
CREATE INDEX relations_target ON catalog.relations (target_ref);
CREATE INDEX relations_emitted_by ON catalog.relations (emitted_by);

CREATE TABLE catalog.locations (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    target      TEXT NOT NULL,
    source      TEXT NOT NULL,                -- config or api
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (type, target)
);

CREATE TABLE catalog.issues (
    id          BIGSERIAL PRIMARY KEY,
    level       TEXT NOT NULL,
    location    TEXT NOT NULL,
    file        TEXT NOT NULL,
    document    INTEGER,
    entity_ref  TEXT,
    message     TEXT NOT NULL,
    found_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX issues_entity ON catalog.issues (entity_ref);
