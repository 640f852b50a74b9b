//! `by-query`: filtered, sorted, full-text-searched pages of entities with keyset cursors.
//!
//! A page is read in two steps: the refs of the page and their sort keys (one indexed query),
//! then their bodies and relations. Later pages continue from a [`Cursor`] (`cursor.rs`).

use sqlx::Row as _;
use trellis_shared::catalog::query::{EntityQuery, Order};
use trellis_shared::catalog::Entity;
use trellis_store::{with_pool, Db, StoreError, StoreResult};

pub use super::count::count;
pub use super::cursor::{Cursor, Key};
use super::sql::{self, bind_all, Bind, SortColumn, Sql};
use super::text;
use super::walk::Walk;

/// Items per page when the request names no limit (Backstage's default).
pub const DEFAULT_LIMIT: usize = 200;
/// Largest page served.
pub const MAX_LIMIT: usize = 10_000;

/// One page of a query.
#[derive(Debug, Clone, Default)]
pub struct QueryPage {
    /// Entities in order.
    pub entities: Vec<Entity>,
    /// Matching entities in total.
    pub total: u64,
    /// The following page, if any.
    pub next: Option<Cursor>,
    /// The preceding page, if any.
    pub prev: Option<Cursor>,
}

/// The parts of the sort key: a nullable column contributes a null flag and its value.
struct Part<'a> {
    column: &'a SortColumn,
    flag: bool,
}

impl Part<'_> {
    fn descending(&self) -> bool {
        !self.flag && self.column.order == Order::Desc
    }
}

/// Runs `query` (or continues `cursor`), returning at most `limit` entities, skipping `offset`
/// first (without a cursor only).
pub async fn query_entities(
    db: &Db,
    query: &EntityQuery,
    limit: usize,
    cursor: Option<&Cursor>,
) -> StoreResult<QueryPage> {
    query_entities_from(db, query, limit, 0, cursor).await
}

/// [`query_entities`] starting `offset` items into the results (ignored with a cursor).
pub async fn query_entities_from(
    db: &Db,
    query: &EntityQuery,
    limit: usize,
    offset: usize,
    cursor: Option<&Cursor>,
) -> StoreResult<QueryPage> {
    let offset = if cursor.is_some() { 0 } else { offset };
    let query = cursor.map(|c| &c.query).unwrap_or(query);
    if limit == 0 {
        let total = match cursor {
            Some(c) => c.total,
            None => count(db, query).await?,
        };
        return Ok(QueryPage {
            total,
            ..QueryPage::default()
        });
    }
    let limit = limit.min(MAX_LIMIT);
    let columns = sql::sort_columns(&query.order);
    let parts: Vec<Part> = columns
        .iter()
        .flat_map(|c| {
            let flag = c.nullable.then_some(Part {
                column: c,
                flag: true,
            });
            flag.into_iter().chain([Part {
                column: c,
                flag: false,
            }])
        })
        .collect();
    if let Some(c) = cursor {
        if c.boundary.len() != parts.len() {
            return Err(StoreError::Invalid {
                field: "cursor",
                reason: "the cursor does not match its query".into(),
            });
        }
    }
    let backwards = cursor.is_some_and(|c| c.backwards);
    let shape = super::count::relation_shape(query).filter(|_| query.order.is_empty());
    // A first page counts its matches in the page statement when that is cheap: a relation's
    // matches are one range of its index, and SQLite counts a term's matches from its FTS5
    // index (`text.rs`). Any other first page is counted by a second statement on another
    // connection at the same time (below): PostgreSQL rechecks every trigram match on the heap,
    // so page and count each take ~5 ms for a word matching 7,700 entities, ~10 ms together.
    let term = text::text_only(query);
    let sqlite_term = term.filter(|_| matches!(db, Db::Sqlite(_)));
    // A term of one or two characters is paged by how many entities it matches (`text.rs`):
    // counted first (from an index, or a row of counts), or known from the cursor.
    let known = match (term.filter(|t| text::short(t)), cursor) {
        (None, _) => None,
        (Some(_), Some(c)) => Some(c.total),
        (Some(_), None) => Some(count(db, query).await?),
    };
    let boundary = cursor.and_then(|c| c.boundary.first());
    let walk = Walk::of(known, boundary, backwards, (offset, limit + 1));
    let counted = cursor.is_none() && known.is_none() && (shape.is_some() || sqlite_term.is_some());

    let mut q = Sql::for_db(db);
    match shape {
        // "What of kind K has relation T to X", in ref order: the relation index's entries
        // are already in that order, so a page is a range read with no sort.
        Some(shape) => {
            q.push("SELECT r.source_ref AS c0");
            if counted {
                q.push(", COUNT(*) OVER () AS n");
            }
            super::count::push_relation_sources(&mut q, &shape);
            if let Some(bound) = cursor.and_then(|c| c.boundary.first()) {
                q.push(if backwards {
                    " AND r.source_ref < "
                } else {
                    " AND r.source_ref > "
                });
                q.bind(to_bind(bound));
            }
            let direction = if backwards { "DESC" } else { "ASC" };
            q.push(&format!(
                " GROUP BY r.source_ref ORDER BY r.source_ref {direction} LIMIT {} OFFSET {offset}",
                limit + 1
            ));
        }
        None => {
            q.push("SELECT * FROM (SELECT ");
            push_matches(&mut q, query, &parts, counted, walk.as_ref());
            q.push(") q");
            if let Some(c) = cursor {
                q.push(" WHERE (");
                for (i, (part, bound)) in parts.iter().zip(&c.boundary).enumerate() {
                    q.push(if i == 0 { "(" } else { " OR (" });
                    for (j, key) in c.boundary.iter().enumerate().take(i) {
                        q.push(&format!("c{j} = "));
                        q.bind(to_bind(key));
                        q.push(" AND ");
                    }
                    let greater = part.descending() == backwards;
                    q.push(&format!("c{i} {} ", if greater { ">" } else { "<" }));
                    q.bind(to_bind(bound));
                    q.push(")");
                }
                q.push(")");
            }
            q.push(" ORDER BY ");
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                let asc = part.descending() == backwards;
                q.push(&format!("c{i} {}", if asc { "ASC" } else { "DESC" }));
            }
            q.push(&format!(" LIMIT {} OFFSET {offset}", limit + 1));
        }
    }

    let page = async {
        with_pool!(db, pool => {
            let stmt = bind_all!(sqlx::query(&q.text), &q.binds);
            let fetched = stmt.fetch_all(pool).await?;
            let matched = match fetched.first() {
                Some(row) if counted => Some(row.try_get::<i64, _>(parts.len())?),
                _ => None,
            };
            fetched.iter().map(|row| {
                parts.iter().enumerate().map(|(i, part)| {
                    if part.flag { row.try_get::<i64, _>(i).map(Key::Int) } else { row.try_get::<String, _>(i).map(Key::Text) }
                }).collect::<Result<Vec<_>, sqlx::Error>>()
            }).collect::<Result<Vec<_>, sqlx::Error>>().map(|rows| (rows, matched))
        })
    };
    let counting = async {
        match cursor {
            None if known.is_some() => Ok(known),
            None if !counted => count(db, query).await.map(Some),
            _ => Ok(None),
        }
    };
    let (page, counting) = tokio::join!(page, counting);
    let (mut rows, matched): (Vec<Vec<Key>>, Option<i64>) = page?;
    let matched = matched.map(|n| u64::try_from(n).unwrap_or(0)).or(counting?);
    let more = rows.len() > limit;
    rows.truncate(limit);
    if backwards {
        rows.reverse();
    }

    let total = match (cursor, matched) {
        (Some(c), _) => c.total,
        (None, Some(n)) => n,
        // A counted first page without rows: from the start, nothing matched at all; past the
        // end, count on their own.
        (None, None) if offset == 0 => 0,
        (None, None) => count(db, query).await?,
    };
    let cursor_at = |keys: &Vec<Key>, backwards: bool| Cursor {
        query: query.clone(),
        boundary: keys.clone(),
        backwards,
        total,
    };
    let (next, prev) = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => {
            let has_next = if backwards { true } else { more };
            let has_prev = if backwards {
                more
            } else {
                cursor.is_some() || offset > 0
            };
            (
                has_next.then(|| cursor_at(last, false)),
                has_prev.then(|| cursor_at(first, true)),
            )
        }
        _ => (None, None),
    };
    let refs: Vec<String> = rows
        .iter()
        .filter_map(|keys| match keys.last() {
            Some(Key::Text(r)) => Some(r.clone()),
            _ => None,
        })
        .collect();
    let mut loaded = super::load_entities(db, &refs).await?;
    let entities = refs.iter().filter_map(|r| loaded.remove(r)).collect();
    Ok(QueryPage {
        entities,
        total,
        next,
        prev,
    })
}

/// The inner select of a page: `c0, c1, ...` (the sort key parts), and `n` (the number of
/// matches) when `counted`, for every match of `query` (`walk`: see [`text::push_text_page`]).
fn push_matches(
    q: &mut Sql,
    query: &EntityQuery,
    parts: &[Part],
    counted: bool,
    walk: Option<&Walk>,
) {
    match text::text_only(query) {
        // A term and nothing else: the matching text rows are the matches.
        Some(term) => text::push_text_page(q, term, counted, walk),
        None => {
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                if part.flag {
                    q.push("CAST(CASE WHEN ");
                    sql::push_sort_expr(q, part.column);
                    q.push(&format!(" IS NULL THEN 1 ELSE 0 END AS BIGINT) AS c{i}"));
                } else if part.column.nullable {
                    q.push("COALESCE(");
                    sql::push_sort_expr(q, part.column);
                    q.push(&format!(", '') AS c{i}"));
                } else {
                    sql::push_sort_expr(q, part.column);
                    q.push(&format!(" AS c{i}"));
                }
            }
            if counted {
                q.push(", COUNT(*) OVER () AS n");
            }
            q.push(" FROM catalog.entities e WHERE ");
            push_where(q, query);
        }
    }
}

/// Filter and full-text conditions on `e`.
pub(super) fn push_where(q: &mut Sql, query: &EntityQuery) {
    sql::push_filter(q, &query.filter);
    if let Some(predicate) = &query.predicate {
        q.push(" AND ");
        sql::push_predicate(q, predicate);
    }
    if let Some(scope) = &query.scope {
        q.push(" AND ");
        sql::push_scope(q, scope);
    }
    if let Some(full_text) = query.full_text.as_ref().filter(|f| !f.term.is_empty()) {
        q.push(" AND ");
        sql::push_full_text(q, full_text);
    }
}

fn to_bind(key: &Key) -> Bind {
    match key {
        Key::Int(n) => Bind::Int(*n),
        Key::Text(s) => Bind::Text(s.clone()),
    }
}
