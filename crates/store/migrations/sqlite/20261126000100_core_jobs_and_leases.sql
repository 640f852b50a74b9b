-- core plugin: background job runs and leader leases.
CREATE TABLE core.job_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    job         TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    outcome     TEXT CHECK (outcome IN ('success', 'failed', 'aborted')),
    detail      TEXT
);
CREATE INDEX core.job_runs_job_id ON job_runs (job, id DESC);

CREATE TABLE core.leases (
    name            TEXT PRIMARY KEY,
    holder          TEXT NOT NULL,
    expires_at_ms   INTEGER NOT NULL
);
