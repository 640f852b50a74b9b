-- Full-text terms of one or two characters have no trigram, so pg_trgm cannot find them and
-- `text LIKE '%ml%'` read every row (20-30 ms at 100,000 entities). `entity_grams` holds each
-- entity's grams: the characters of its full-text row and their adjacent pairs, each as the
-- lower-case hex of its UTF-8 bytes, as a tsvector of those words (no positions). A short term
-- is the one word it encodes to, found by the GIN index: `grams @@ '6d6c'::tsquery` (see
-- crates/catalog/src/store/text.rs, whose `grams` writes the rows). A tsvector match is also
-- cheap to check on a row, where a plan reads rows rather than the index (grams computed by a
-- function in an expression index, or kept as an array, cost 3-9 µs a row there). The grams
-- live beside `entity_text`, not in it, so trigram searches keep reading its short rows.
-- Existing rows get theirs here. Only a text's first 10,000 characters have grams (a
-- tsvector holds at most 1 MiB of words; see crates/catalog/src/store/grams.rs).
CREATE TABLE catalog.entity_grams (
    entity_ref  TEXT COLLATE "C" PRIMARY KEY,
    grams       TSVECTOR NOT NULL
);
INSERT INTO catalog.entity_grams (entity_ref, grams)
SELECT t.entity_ref, CAST(COALESCE((
    SELECT string_agg(DISTINCT encode(convert_to(substr(g.text, i, n), 'UTF8'), 'hex'), ' ')
    FROM (SELECT left(t.text, 10000) AS text) AS g,
        generate_series(1, length(g.text)) AS i, (VALUES (1), (2)) AS v (n)
), '') AS tsvector)
FROM catalog.entity_text t;
CREATE INDEX entity_grams_words ON catalog.entity_grams USING gin (grams);
-- How many entities have each gram, exactly, kept in step by statement triggers on the rows
-- written and removed (one grouped upsert per statement, in gram order). A one- or two-character
-- term can match most of the catalog (`m`: 63 % of it), and counting such matches read them all
-- (22-35 ms at 100k entities); this is one row. Writers take a transaction-level advisory lock
-- before their first write (crates/catalog/src/store/mod.rs), so they never wait on each other's
-- counts while holding rows.
CREATE TABLE catalog.gram_counts (
    gram  TEXT COLLATE "C" PRIMARY KEY,
    n     BIGINT NOT NULL
);
INSERT INTO catalog.gram_counts (gram, n)
SELECT w.lexeme, count(*) FROM catalog.entity_grams g, unnest(g.grams) AS w GROUP BY w.lexeme;
CREATE FUNCTION catalog.count_grams() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO catalog.gram_counts AS c (gram, n)
        SELECT w.lexeme, count(*) FROM added AS a, unnest(a.grams) AS w
        GROUP BY w.lexeme ORDER BY w.lexeme
        ON CONFLICT (gram) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        INSERT INTO catalog.gram_counts AS c (gram, n)
        SELECT w.lexeme, -count(*) FROM removed AS a, unnest(a.grams) AS w
        GROUP BY w.lexeme ORDER BY w.lexeme
        ON CONFLICT (gram) DO UPDATE SET n = c.n + excluded.n;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER entity_grams_added AFTER INSERT ON catalog.entity_grams
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION catalog.count_grams();
CREATE TRIGGER entity_grams_removed AFTER DELETE ON catalog.entity_grams
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION catalog.count_grams();
