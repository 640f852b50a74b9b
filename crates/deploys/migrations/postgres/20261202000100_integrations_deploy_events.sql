-- deploys: what CI reported deployed where (POST /api/deployments/events), with history.
CREATE TABLE integrations.deploy_events (
    id           BIGSERIAL PRIMARY KEY,
    event_id     TEXT NOT NULL UNIQUE,
    environment  TEXT NOT NULL,
    component    TEXT NOT NULL,
    repository   TEXT,
    sha          TEXT NOT NULL,
    at_ms        BIGINT NOT NULL,
    source       TEXT NOT NULL,
    reported_by  TEXT NOT NULL,
    received_ms  BIGINT NOT NULL
);
CREATE INDEX deploy_events_target ON integrations.deploy_events (environment, component, at_ms);
