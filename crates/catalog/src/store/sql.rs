//! SQL for catalog filters, full-text terms and sort keys, written once for both engines
//! (`$n` placeholders, schema-qualified tables; only the full-text index differs, see
//! `text.rs`). Values are always bound, never spliced.

use trellis_shared::catalog::predicate::{Predicate, ValueTest};
use trellis_shared::catalog::query::{Condition, Filter, FullText, Order, OrderField};
use trellis_shared::catalog::relations::types;
use trellis_store::Db;

use super::search::entity_column;
use super::text;

/// Fields searched by a full-text term that names none.
pub const DEFAULT_FULL_TEXT_FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.title",
    "spec.profile.displayname",
];

/// A bound parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    /// Text.
    Text(String),
    /// Integer.
    Int(i64),
}

/// SQL text with its parameters.
#[derive(Debug, Default)]
pub struct Sql {
    /// The statement.
    pub text: String,
    /// Parameters in `$n` order.
    pub binds: Vec<Bind>,
    /// Whether it runs on SQLite, whose full-text index is searched differently
    /// ([`text::push_text_refs`]).
    pub sqlite: bool,
}

impl Sql {
    /// An empty statement for `db`'s engine.
    pub fn for_db(db: &Db) -> Sql {
        Sql {
            sqlite: matches!(db, Db::Sqlite(_)),
            ..Sql::default()
        }
    }

    /// Appends SQL text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
        self
    }

    /// Appends a text placeholder.
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.bind(Bind::Text(value.to_string()))
    }

    /// Appends `(p1, p2, ...)` for a list of text values.
    pub fn list(&mut self, values: &[String]) -> &mut Self {
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.text(v);
        }
        self.push(")")
    }
}

/// Appends the condition "entity `e` matches `filter`" (an empty filter matches everything).
pub fn push_filter(sql: &mut Sql, filter: &Filter) {
    if filter.0.is_empty() {
        sql.push("1 = 1");
        return;
    }
    for (i, conj) in filter.0.iter().enumerate() {
        sql.push(if i == 0 { "((" } else { " OR (" });
        for (j, (key, cond)) in conj.0.iter().enumerate() {
            if j > 0 {
                sql.push(" AND ");
            }
            push_condition(sql, key, cond);
        }
        sql.push(")");
    }
    sql.push(")");
}

fn push_condition(sql: &mut Sql, key: &str, cond: &Condition) {
    if matches!(cond, Condition::AnyOf(values) if values.is_empty()) {
        sql.push("1 = 0");
        return;
    }
    if let Some(relation) = key.strip_prefix("relations.") {
        let relation = types::canonical(relation).unwrap_or(relation);
        sql.push("e.entity_ref IN (SELECT r.source_ref FROM catalog.relations r WHERE r.type = ")
            .text(relation);
        if let Condition::AnyOf(values) = cond {
            sql.push(" AND r.target_ref IN ").list(values);
        }
        sql.push(")");
        return;
    }
    let column = match key {
        "metadata.uid" => Some(("e.uid", None)),
        key => entity_column(key).map(|c| (c.column, c.spelled.filter(|_| c.nullable))),
    };
    match (column, cond) {
        // A nullable column's key exists where the value or its spelling is kept.
        (Some((column, Some(spelled))), Condition::Exists) => {
            sql.push(&format!("({column} IS NOT NULL OR {spelled} IS NOT NULL)"));
        }
        (Some(_), Condition::Exists) => {
            sql.push("1 = 1");
        }
        (Some((column, _)), Condition::AnyOf(values)) => {
            sql.push(column).push(" IN ").list(values);
        }
        (None, cond) => {
            sql.push("e.entity_ref IN (SELECT s.entity_ref FROM catalog.search s WHERE s.key = ")
                .text(key);
            if let Condition::AnyOf(values) = cond {
                sql.push(" AND s.value IN ").list(values);
            }
            sql.push(")");
        }
    }
}

/// Appends the condition "entity `e` satisfies `predicate`". Every part is TRUE or FALSE,
/// never NULL, so `$not` of a test on an absent field holds, as in Backstage.
pub fn push_predicate(sql: &mut Sql, predicate: &Predicate) {
    match predicate {
        Predicate::All(parts) | Predicate::Any(parts) if parts.is_empty() => {
            sql.push(if matches!(predicate, Predicate::All(_)) {
                "1 = 1"
            } else {
                "1 = 0"
            });
        }
        Predicate::All(parts) | Predicate::Any(parts) => {
            let joint = if matches!(predicate, Predicate::All(_)) {
                " AND "
            } else {
                " OR "
            };
            sql.push("(");
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    sql.push(joint);
                }
                push_predicate(sql, part);
            }
            sql.push(")");
        }
        Predicate::Not(inner) => {
            sql.push("NOT (");
            push_predicate(sql, inner);
            sql.push(")");
        }
        Predicate::Field { key, test } => {
            let nullable = entity_column(key).filter(|c| c.nullable).map(|c| c.column);
            if let (Some(column), ValueTest::OneOf(_) | ValueTest::HasPrefix(_)) = (nullable, test)
            {
                sql.push(&format!("({column} IS NOT NULL AND "));
            }
            match test {
                ValueTest::OneOf(values) => {
                    push_condition(sql, key, &Condition::AnyOf(values.clone()))
                }
                ValueTest::Exists(true) => push_condition(sql, key, &Condition::Exists),
                ValueTest::Exists(false) => {
                    sql.push("NOT (");
                    push_condition(sql, key, &Condition::Exists);
                    sql.push(")");
                }
                ValueTest::HasPrefix(prefix) => push_prefix(sql, key, prefix),
            }
            if let (Some(_), ValueTest::OneOf(_) | ValueTest::HasPrefix(_)) = (nullable, test) {
                sql.push(")");
            }
        }
    }
}

/// "Entity `e` is in the read scope `refs`": owned by one of them, or one of them itself (a
/// user or team reads its own entity). No refs, nothing.
pub fn push_scope(sql: &mut Sql, refs: &[String]) {
    if refs.is_empty() {
        sql.push("1 = 0");
        return;
    }
    sql.push("(e.entity_ref IN (SELECT r.source_ref FROM catalog.relations r WHERE r.type = ")
        .text(types::OWNED_BY)
        .push(" AND r.target_ref IN ")
        .list(refs)
        .push(") OR e.entity_ref IN ")
        .list(refs)
        .push(")");
}

/// "The value at `key` starts with `prefix`".
fn push_prefix(sql: &mut Sql, key: &str, prefix: &str) {
    let pattern = format!("{}%", escape_like(prefix));
    if let Some(relation) = key.strip_prefix("relations.") {
        let relation = types::canonical(relation).unwrap_or(relation);
        sql.push("e.entity_ref IN (SELECT r.source_ref FROM catalog.relations r WHERE r.type = ")
            .text(relation)
            .push(" AND r.target_ref LIKE ")
            .text(&pattern)
            .push(" ESCAPE '\\')");
        return;
    }
    let column = match key {
        "metadata.uid" => Some("e.uid"),
        key => entity_column(key).map(|c| c.column),
    };
    match column {
        Some(column) => {
            sql.push(column)
                .push(" LIKE ")
                .text(&pattern)
                .push(" ESCAPE '\\'");
        }
        None => {
            sql.push("e.entity_ref IN (SELECT s.entity_ref FROM catalog.search s WHERE s.key = ")
                .text(key)
                .push(" AND s.value LIKE ")
                .text(&pattern)
                .push(" ESCAPE '\\')");
        }
    }
}

/// Appends "entity `e` has `term` in one of the full-text fields".
pub fn push_full_text(sql: &mut Sql, full_text: &FullText) {
    if let Some(term) = text::indexed_term(full_text) {
        sql.push("e.entity_ref IN (");
        text::push_text_refs(sql, term);
        sql.push(")");
        return;
    }
    let fields: Vec<String> = if full_text.fields.is_empty() {
        DEFAULT_FULL_TEXT_FIELDS
            .iter()
            .map(|f| f.to_string())
            .collect()
    } else {
        full_text.fields.clone()
    };
    let pattern = format!("%{}%", escape_like(&full_text.term));
    // Fields that are entity columns are matched there; the others in the search rows.
    let columns: Vec<&str> = fields
        .iter()
        .filter_map(|f| entity_column(f).map(|c| c.column))
        .collect();
    let keys: Vec<String> = fields
        .iter()
        .filter(|f| entity_column(f).is_none())
        .cloned()
        .collect();
    sql.push("(");
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        sql.push(column)
            .push(" LIKE ")
            .text(&pattern)
            .push(" ESCAPE '\\'");
    }
    if !keys.is_empty() {
        if !columns.is_empty() {
            sql.push(" OR ");
        }
        sql.push("e.entity_ref IN (SELECT s.entity_ref FROM catalog.search s WHERE s.key IN ")
            .list(&keys)
            .push(" AND s.value LIKE ")
            .text(&pattern)
            .push(" ESCAPE '\\')");
    }
    sql.push(")");
}

fn escape_like(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One column of the sort key of a query.
#[derive(Debug, Clone)]
pub struct SortColumn {
    /// Expression over `e`.
    pub expr: String,
    /// Its text parameter, if any (the search key).
    pub key: Option<String>,
    /// Whether the expression can be NULL (entities without the field sort last).
    pub nullable: bool,
    /// Direction.
    pub order: Order,
}

/// The sort columns for `order`, ending with the entity ref as tie-breaker.
pub fn sort_columns(order: &[OrderField]) -> Vec<SortColumn> {
    let mut out: Vec<SortColumn> = order
        .iter()
        .map(|o| {
            match entity_column(&o.field) {
                Some(column) => SortColumn {
                    expr: column.column.into(),
                    key: None,
                    nullable: column.nullable,
                    order: o.order,
                },
                None => SortColumn {
                    expr: "(SELECT MIN(s.value) FROM catalog.search s WHERE s.entity_ref = e.entity_ref AND s.key = {key})".into(),
                    key: Some(o.field.clone()),
                    nullable: true,
                    order: o.order,
                },
            }
        })
        .collect();
    out.push(SortColumn {
        expr: "e.entity_ref".into(),
        key: None,
        nullable: false,
        order: Order::Asc,
    });
    out
}

/// Appends a sort column's expression with its key bound.
pub fn push_sort_expr(sql: &mut Sql, column: &SortColumn) {
    match (&column.key, column.expr.split_once("{key}")) {
        (Some(key), Some((before, after))) => {
            sql.push(before).text(key).push(after);
        }
        _ => {
            sql.push(&column.expr);
        }
    }
}

/// Binds every parameter of a [`Sql`] to a sqlx statement (any engine).
macro_rules! bind_all {
    ($stmt:expr, $binds:expr) => {{
        let mut stmt = $stmt;
        for b in $binds {
            stmt = match b {
                $crate::store::sql::Bind::Text(s) => stmt.bind(s.as_str()),
                $crate::store::sql::Bind::Int(n) => stmt.bind(*n),
            };
        }
        stmt
    }};
}
pub(crate) use bind_all;
