-- PostgreSQL's migration of this version drops the derived tables' foreign keys (checked by a
-- trigger per row there). SQLite checks them cheaply inline and cannot drop a constraint
-- without rebuilding the table, so they stay; the file keeps both histories in step.
SELECT 1;
