-- PostgreSQL's migration of this version makes key-like columns compare as bytes. SQLite's
-- default collation (BINARY) already does, so there is nothing to change here; the file keeps
-- both backends' migration histories in step.
SELECT 1;
