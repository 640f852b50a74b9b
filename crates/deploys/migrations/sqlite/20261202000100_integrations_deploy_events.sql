-- deploys: what CI reported deployed where (POST /api/deployments/events), with history.
CREATE TABLE integrations.deploy_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id     TEXT NOT NULL UNIQUE,
    environment  TEXT NOT NULL,
    component    TEXT NOT NULL,
    repository   TEXT,
    sha          TEXT NOT NULL,
    at_ms        INTEGER NOT NULL,
    source       TEXT NOT NULL,
    reported_by  TEXT NOT NULL,
    received_ms  INTEGER NOT NULL
);
CREATE INDEX integrations.deploy_events_target ON deploy_events (environment, component, at_ms);
