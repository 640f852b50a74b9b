//! The full-text index: each entity's name, title and display name in `catalog.entity_text`
//! (one row per entity), searched by trigrams for a term of 3 characters or more on the
//! default fields.
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
//! Terms of one or two characters have no trigram: both engines scan the table's short rows
//! with `LIKE` (the generic path over the search rows took 60-100 ms at 100k entities).

use trellis_shared::catalog::query::{EntityQuery, FullText};

use super::sql::Sql;

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

/// Whether SQLite's FTS5 index answers `term` (it has at least one trigram).
fn fts_term(sql: &Sql, term: &str) -> bool {
    sql.sqlite && term.chars().count() >= 3
}

/// The indexed term of a query that is a full-text term on the default fields and nothing
/// else, in the default order: its matches are the refs of the matching `entity_text` rows
/// (every entity has exactly one), so neither pages nor counts need `entities`.
pub fn text_only(query: &EntityQuery) -> Option<&str> {
    if !query.filter.0.is_empty() || !query.order.is_empty() {
        return None;
    }
    indexed_term(query.full_text.as_ref()?)
}

/// Appends "text row `t` holds `term`".
pub fn push_text_match(sql: &mut Sql, term: &str) {
    if fts_term(sql, term) {
        sql.push("t.id IN ");
        push_fts_match(sql, term, "rowid");
        return;
    }
    sql.push("t.text LIKE ").text(&format!("%{term}%"));
}

/// Appends a statement counting the text rows holding `term`.
pub fn push_text_count(sql: &mut Sql, term: &str) {
    if fts_term(sql, term) {
        sql.push("SELECT ");
        push_fts_match(sql, term, "COUNT(*)");
        return;
    }
    sql.push("SELECT COUNT(*) FROM catalog.entity_text t WHERE ");
    push_text_match(sql, term);
}

/// Appends `t.entity_ref AS c0` (and `n`, the number of matches, when `counted`) `FROM` the
/// text rows holding `term`: the inner select of a page of a query that is only that term.
pub fn push_text_page(sql: &mut Sql, term: &str, counted: bool) {
    if fts_term(sql, term) {
        sql.push("t.entity_ref AS c0");
        if counted {
            sql.push(", ");
            push_fts_match(sql, term, "COUNT(*)");
            sql.push(" AS n");
        }
        sql.push(
            " FROM catalog.entity_text_fts f JOIN catalog.entity_text t ON t.id = f.rowid \
             WHERE f.text MATCH ",
        )
        .text(&fts_phrase(term));
        return;
    }
    sql.push("t.entity_ref AS c0");
    if counted {
        sql.push(", COUNT(*) OVER () AS n");
    }
    sql.push(" FROM catalog.entity_text t WHERE ");
    push_text_match(sql, term);
    if !sql.sqlite {
        // A fence: PostgreSQL finds the matches first, then sorts them. Otherwise it may walk
        // the primary key in ref order, filtering, to stop at the page's end; for matches at
        // the end of that order (`user 1`: users only) that read 98,000 rows, 40-80 ms.
        sql.push(" OFFSET 0");
    }
}

/// The term as one FTS5 phrase, whose trigrams must follow each other, as in the text.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// `(SELECT <what> FROM catalog.entity_text_fts g WHERE g.text MATCH '"<term>"')`.
fn push_fts_match(sql: &mut Sql, term: &str, what: &str) {
    sql.push(&format!(
        "(SELECT {what} FROM catalog.entity_text_fts g WHERE g.text MATCH "
    ))
    .text(&fts_phrase(term))
    .push(")");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_matches_a_phrase_and_postgres_a_pattern() {
        let mut sqlite = Sql {
            sqlite: true,
            ..Sql::default()
        };
        push_text_match(&mut sqlite, "say \"hi\"");
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
