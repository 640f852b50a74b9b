-- core plugin: background job runs and leader leases.
CREATE TABLE core.job_runs (
    id          BIGSERIAL PRIMARY KEY,
    job         TEXT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    outcome     TEXT CHECK (outcome IN ('success', 'failed', 'aborted')),
    detail      TEXT
);
CREATE INDEX job_runs_job_id ON core.job_runs (job, id DESC);

CREATE TABLE core.leases (
    name            TEXT PRIMARY KEY,
    holder          TEXT NOT NULL,
    expires_at_ms   BIGINT NOT NULL
);
