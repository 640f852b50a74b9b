-- audit plugin: every mutating action and every denial, append-only.
CREATE TABLE audit.events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms       INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    resource    TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
    request_id  TEXT,
    detail      TEXT
);
CREATE INDEX audit.events_actor ON events (actor, id);
CREATE INDEX audit.events_outcome ON events (outcome, id);

CREATE TRIGGER audit.events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit.events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
