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
