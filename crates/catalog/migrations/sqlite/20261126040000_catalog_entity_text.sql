-- Full-text search: each entity's name, title and display name (lower case, one per line) in an
-- FTS5 table with the trigram tokenizer, which answers LIKE '%term%' from its index.
CREATE VIRTUAL TABLE catalog.entity_text USING fts5(entity_ref UNINDEXED, text, tokenize = 'trigram');
