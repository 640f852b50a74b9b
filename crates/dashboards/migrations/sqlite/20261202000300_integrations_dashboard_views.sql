-- dashboards: what each person viewed through Trellis (Grafana has no API for it).
CREATE TABLE integrations.dashboard_views (
    person     TEXT NOT NULL,
    uid        TEXT NOT NULL,
    title      TEXT NOT NULL,
    url        TEXT NOT NULL,
    folder     TEXT,
    tags       TEXT NOT NULL,
    viewed_ms  INTEGER NOT NULL,
    PRIMARY KEY (person, uid)
);
CREATE INDEX integrations.dashboard_views_recent ON dashboard_views (person, viewed_ms);
