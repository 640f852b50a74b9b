//! The full-text index: each entity's name, title and display name in `catalog.entity_text`
//! (one row per entity), searched by trigrams for a term of 3 characters or more on the
//! default fields, and by its "grams" in `catalog.entity_grams` for shorter ones.
//!
//! PostgreSQL indexes the rows with pg_trgm and answers `text LIKE '%term%'`. SQLite keeps
//! them in a plain table (`id`, `entity_ref`, `text`) with an external-content FTS5 index,
//! `entity_text_fts` (trigram tokenizer, kept in step by triggers), searched with a phrase
//! `MATCH`: the same matches, since both sides are lower case and the term has no wildcards,
//! but without re-reading every candidate's text as a `LIKE` would. A count reads only the
//! index. A first page joins the matches to their refs by id, sorts them and counts them with a
//! second `MATCH` (a term matching 7,741 of 100,000 entities: 12 ms in `sqlite3`; 20 ms with
//! `COUNT(*) OVER ()`, which buffers every match). Walking the rows in ref order instead,
//! keeping matching ids, was tried: it reads every row before the first match, and matches can
//! cluster (all `comp-5…`), so that took 37 ms.
//!
//! PostgreSQL's page is fenced (`OFFSET 0`) so it sorts the matches rather than walking the
//! primary key, and its count runs beside it on another connection (`query.rs`).
//!
//! Terms of one or two characters have no trigram; scanning every text row for them took
//! 20-30 ms (`ml`) and 30-75 ms (`m`) at 100k entities. An entity's grams are the characters of
//! its text and their adjacent pairs (`grams.rs`), so a short term is exactly one gram. Both
//! engines keep them as words: PostgreSQL as a `tsvector` with a GIN index (`grams @@
//! '6d6c'::tsquery`), SQLite as text with an FTS5 index (`entity_grams_fts`). A short term can
//! match much of the catalog (`m`: 63 %, `co`: 62 %), and reading every match then costs 25-35
//! ms. So such a term is counted first: SQLite counts from its index (FTS5 reads no rows);
//! PostgreSQL, whose GIN index cannot count without visiting rows, reads `gram_counts`, one row
//! per gram kept exact by triggers. A term matching at least [`DENSE`] entities is then paged
//! by walking the refs in order (`walk.rs`; `co` on SQLite: 26 ms sorted, 10 ms walked); a
//! rarer one like any other term. Unfenced, PostgreSQL's planner walked the primary key for
//! `us`, whose matches are all at the end, 50 ms. Grams as a `tsvector` are cheap to check on a
//! row; computing them from the text in an expression index, or keeping them as an array, cost
//! 3-9 µs a row wherever the plan checked rows rather than the index (0.3-1.5 s for a term in
//! every row).

use trellis_shared::catalog::query::{EntityQuery, FullText};

use super::grams::hex;
use super::sql::Sql;
use super::walk::Walk;

/// Matches from which a short term is paged by walking the refs in order; sorting fewer takes
/// well under a millisecond.
pub const DENSE: u64 = 1_000;

/// The text an entity is found by when a full-text query names no fields: its name, title and
/// display name, lower case, one per line.
pub fn entity_text(entity: &trellis_shared::catalog::Entity) -> String {
    let display = entity
        .spec
        .as_ref()
        .and_then(|s| s.get("profile"))
        .and_then(|p| p.get("displayName"))
        .and_then(|d| d.as_str());
    [
        Some(entity.metadata.name.as_str()),
        entity.metadata.title.as_deref(),
        display,
    ]
    .into_iter()
    .flatten()
    .map(str::to_lowercase)
    .collect::<Vec<_>>()
    .join("\n")
}

/// The term of `full_text` when `entity_text` can answer it: the default fields, no `LIKE`
/// wildcards or line breaks.
pub fn indexed_term(full_text: &FullText) -> Option<&str> {
    let term = full_text.term.as_str();
    let plain = !term.is_empty() && !term.contains(['%', '_', '\\', '\n']);
    (full_text.fields.is_empty() && plain).then_some(term)
}

/// Whether `term` is too short for trigrams and is looked up among the grams; how a page of it
/// is read depends on how many entities it matches (see the module doc).
pub fn short(term: &str) -> bool {
    term.chars().count() < 3
}

/// The indexed term of a query that is a full-text term on the default fields and nothing
/// else, in the default order: its matches are the refs of the matching `entity_text` rows
/// (every entity has exactly one), so neither pages nor counts need `entities`.
pub fn text_only(query: &EntityQuery) -> Option<&str> {
    if !query.filter.0.is_empty() || !query.order.is_empty() || query.has_predicate() {
        return None;
    }
    indexed_term(query.full_text.as_ref()?)
}

/// Where a term is looked up: the rows (one per entity, read as `t`), and SQLite's FTS5 index
/// over them with the column a `MATCH` names (the grams' index is `detail = 'none'`, so its
/// match names the table).
struct Index {
    table: &'static str,
    fts: &'static str,
    fts_column: &'static str,
}

/// The [`Index`] answering `term`: the grams for a short term, the trigrams otherwise.
fn index(term: &str) -> Index {
    match short(term) {
        true => Index {
            table: "entity_grams",
            fts: "entity_grams_fts",
            fts_column: "entity_grams_fts",
        },
        false => Index {
            table: "entity_text",
            fts: "entity_text_fts",
            fts_column: "text",
        },
    }
}

/// Appends a select of the refs of the entities whose text holds `term`.
pub fn push_text_refs(sql: &mut Sql, term: &str) {
    sql.push(&format!(
        "SELECT t.entity_ref FROM catalog.{} t WHERE ",
        index(term).table
    ));
    push_match(sql, term);
}

/// Appends "row `t` (of `term`'s table) holds `term`".
pub(super) fn push_match(sql: &mut Sql, term: &str) {
    if sql.sqlite {
        sql.push("t.id IN ");
        push_fts_match(sql, term, "rowid");
    } else if short(term) {
        sql.push("t.grams @@ CAST(")
            .text(&hex(term))
            .push(" AS tsquery)");
    } else {
        sql.push("t.text LIKE ").text(&format!("%{term}%"));
    }
}

/// Appends a statement counting the entities whose text holds `term`.
pub fn push_text_count(sql: &mut Sql, term: &str) {
    if sql.sqlite {
        sql.push("SELECT ");
        push_fts_match(sql, term, "COUNT(*)");
        return;
    }
    if short(term) {
        // Kept exact by triggers (migration `20261127050000`).
        sql.push("SELECT COALESCE((SELECT c.n FROM catalog.gram_counts c WHERE c.gram = ")
            .text(&hex(term))
            .push("), 0)");
        return;
    }
    sql.push(&format!(
        "SELECT COUNT(*) FROM catalog.{} t WHERE ",
        index(term).table
    ));
    push_match(sql, term);
}

/// Appends `t.entity_ref AS c0` (and `n`, the number of matches, when `counted`) `FROM` the
/// rows holding `term`: the inner select of a page of a query that is only that term.
/// With a `walk` (a short term matching at least [`DENSE`] entities), the rows are walked in
/// ref order rather than all matches sorted.
pub fn push_text_page(sql: &mut Sql, term: &str, counted: bool, walk: Option<&Walk>) {
    if let Some(walk) = walk {
        return walk.push(sql, term);
    }
    let index = index(term);
    sql.push("t.entity_ref AS c0");
    if sql.sqlite {
        if counted {
            sql.push(", ");
            push_fts_match(sql, term, "COUNT(*)");
            sql.push(" AS n");
        }
        sql.push(&format!(
            " FROM catalog.{} f JOIN catalog.{} t ON t.id = f.rowid WHERE f.{} MATCH ",
            index.fts, index.table, index.fts_column
        ))
        .text(&fts_query(term));
        return;
    }
    if counted {
        sql.push(", COUNT(*) OVER () AS n");
    }
    sql.push(&format!(" FROM catalog.{} t WHERE ", index.table));
    push_match(sql, term);
    // A fence: PostgreSQL finds the matches first, then sorts them. Otherwise it may walk the
    // primary key in ref order, filtering, to stop at the page's end; for matches at the end of
    // that order (`user 1`: users only) that read 98,000 rows, 40-80 ms; `us` 50 ms.
    sql.push(" OFFSET 0");
}

/// The FTS5 query for `term`: one phrase, of the term's trigrams in order, or of its one gram.
fn fts_query(term: &str) -> String {
    match short(term) {
        true => format!("\"{}\"", hex(term)),
        false => format!("\"{}\"", term.replace('"', "\"\"")),
    }
}

/// `(SELECT <what> FROM catalog.<fts> g WHERE g.<column> MATCH '<query>')`.
fn push_fts_match(sql: &mut Sql, term: &str, what: &str) {
    let index = index(term);
    sql.push(&format!(
        "(SELECT {what} FROM catalog.{} g WHERE g.{} MATCH ",
        index.fts, index.fts_column
    ))
    .text(&fts_query(term))
    .push(")");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_terms_are_one_gram() {
        let mut sqlite = Sql {
            sqlite: true,
            ..Sql::default()
        };
        push_text_count(&mut sqlite, "ü");
        assert_eq!(
            sqlite.text,
            "SELECT (SELECT COUNT(*) FROM catalog.entity_grams_fts g \
             WHERE g.entity_grams_fts MATCH $1)"
        );
        assert_eq!(
            sqlite.binds,
            vec![super::super::sql::Bind::Text("\"c3bc\"".into())]
        );
        let mut postgres = Sql::default();
        push_text_page(&mut postgres, "ml", false, None);
        assert_eq!(
            postgres.text,
            "t.entity_ref AS c0 FROM catalog.entity_grams t \
             WHERE t.grams @@ CAST($1 AS tsquery) OFFSET 0"
        );
        assert_eq!(
            postgres.binds,
            vec![super::super::sql::Bind::Text("6d6c".into())]
        );
    }

    #[test]
    fn sqlite_matches_a_phrase_and_postgres_a_pattern() {
        let mut sqlite = Sql {
            sqlite: true,
            ..Sql::default()
        };
        push_match(&mut sqlite, "say \"hi\"");
        assert_eq!(
            sqlite.text,
            "t.id IN (SELECT rowid FROM catalog.entity_text_fts g WHERE g.text MATCH $1)"
        );
        assert_eq!(
            sqlite.binds,
            vec![super::super::sql::Bind::Text("\"say \"\"hi\"\"\"".into())]
        );
        let mut postgres = Sql::default();
        push_text_count(&mut postgres, "abc");
        assert_eq!(
            postgres.text,
            "SELECT COUNT(*) FROM catalog.entity_text t WHERE t.text LIKE $1"
        );
        assert_eq!(
            postgres.binds,
            vec![super::super::sql::Bind::Text("%abc%".into())]
        );
    }
}
