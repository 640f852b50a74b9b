-- What a run in the background is doing now (shown by GET /api/jobs/runs/{id}), and who asked.
ALTER TABLE core.job_runs ADD COLUMN progress TEXT;
ALTER TABLE core.job_runs ADD COLUMN requested_by TEXT;
