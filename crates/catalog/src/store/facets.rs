//! `entity-facets`: for each requested field, its values (as written) and how many of the
//! matching entities have each, read from the search rows' `(key, value, original_value)` index.
//! `relations.<type>` facets count entities per relation target; the keys of
//! [`ENTITY_COLUMNS`](super::search::ENTITY_COLUMNS) are columns of the entities table, with
//! the spellings beside them.

use std::collections::BTreeMap;

use trellis_shared::catalog::query::{EntityQuery, FacetCount};
use trellis_shared::catalog::relations::types;
use trellis_store::{with_pool, Db, StoreResult};

use super::query::push_where;
use super::search::entity_column;
use super::sql::{bind_all, Sql};

/// Value counts of each facet among the entities matching `query`, most frequent first, then by
/// value.
pub async fn facets(
    db: &Db,
    facets: &[String],
    query: &EntityQuery,
) -> StoreResult<BTreeMap<String, Vec<FacetCount>>> {
    let filtered = !query.filter.0.is_empty() || query.full_text.is_some() || query.has_predicate();
    let mut out = BTreeMap::new();
    for facet in facets {
        let key = facet.to_lowercase();
        let mut q = Sql::for_db(db);
        if let Some(relation) = key.strip_prefix("relations.") {
            let relation = types::canonical(relation).unwrap_or(relation);
            q.push("SELECT r.target_ref, COUNT(DISTINCT r.source_ref) FROM catalog.relations r WHERE r.type = ")
                .text(relation);
            if filtered {
                q.push(" AND r.source_ref IN (SELECT e.entity_ref FROM catalog.entities e WHERE ");
                push_where(&mut q, query);
                q.push(")");
            }
            q.push(" GROUP BY r.target_ref");
        } else if let Some(entity) = entity_column(&key) {
            // Grouped by the columns, in the order of an index (`entities_kind_spelled` for
            // kinds); equal spellings are merged below.
            let column = entity.column;
            let (spelled, group) = match entity.spelled {
                Some(spelled) => (
                    format!("COALESCE({spelled}, {column})"),
                    format!("{column}, {spelled}"),
                ),
                None => (column.to_string(), column.to_string()),
            };
            q.push(&format!(
                "SELECT {spelled}, COUNT(*) FROM catalog.entities e"
            ));
            // Like a search row's, a NULL value (absent, or too long to keep) is no facet value.
            q.push(if entity.nullable || filtered {
                " WHERE "
            } else {
                ""
            });
            if entity.nullable {
                q.push(&format!("{column} IS NOT NULL"));
                q.push(if filtered { " AND " } else { "" });
            }
            if filtered {
                push_where(&mut q, query);
            }
            q.push(&format!(" GROUP BY {group}"));
        } else {
            // Filtered facets join the entities (the planner drives from the facet's index range
            // and checks each row's entity) instead of building the set of matching entities.
            // `original_value` is NULL where the value was written in lower case.
            q.push("SELECT COALESCE(s.original_value, s.value), COUNT(*) FROM catalog.search s");
            if filtered {
                q.push(" JOIN catalog.entities e ON e.entity_ref = s.entity_ref");
            }
            q.push(" WHERE s.key = ")
                .text(&key)
                .push(" AND s.value IS NOT NULL");
            if filtered {
                q.push(" AND ");
                push_where(&mut q, query);
            }
            // Grouped by the columns, in index order; rows stored before spellings equal to
            // the value were left out still carry them, so equal spellings are merged below.
            q.push(" GROUP BY s.value, s.original_value");
        }
        let rows: Vec<(String, i64)> = with_pool!(db, pool => {
            let stmt = bind_all!(sqlx::query_as::<_, (String, i64)>(&q.text), &q.binds);
            stmt.fetch_all(pool).await
        })?;
        let mut merged: BTreeMap<String, u64> = BTreeMap::new();
        for (value, count) in rows {
            *merged.entry(value).or_default() += u64::try_from(count).unwrap_or(0);
        }
        let mut counts: Vec<FacetCount> = merged
            .into_iter()
            .map(|(value, count)| FacetCount { value, count })
            .collect();
        counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out.insert(facet.clone(), counts);
    }
    Ok(out)
}
