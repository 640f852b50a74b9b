//! `totalItems`: how many entities match a query.
//!
//! The portal's most common question, "what of kind K does team T own" (`kind=component,
//! relations.ownedBy=group:default/t`), is answered from the relations index alone: an entity
//! ref starts with its kind (`component:default/x`), so the kind is a range of `source_ref`
//! within the index entries of `(type, target_ref)`, and a relation row emitted by its own
//! source proves that source exists (the emitter is a stored entity). Only rows emitted by
//! the other side (a group's `spec.children` naming a child) need a lookup in `entities`.
//! Every other query counts over `entities` with the full filter. The first page of such a
//! query in the default order (by ref) is read from the same index entries, in ref order, and
//! counted in the same statement (`query.rs`).

use trellis_shared::catalog::query::{Condition, EntityQuery};
use trellis_shared::catalog::relations::types;
use trellis_store::{with_pool, Db, StoreResult};

use super::query::push_where;
use super::sql::{bind_all, Sql};

/// Number of entities matching `query`.
pub async fn count(db: &Db, query: &EntityQuery) -> StoreResult<u64> {
    let mut q = Sql::for_db(db);
    match relation_shape(query) {
        Some(shape) => {
            q.push("SELECT COUNT(DISTINCT r.source_ref)");
            push_relation_sources(&mut q, &shape);
        }
        None => match super::text::text_only(query) {
            // A term and nothing else: one text row per entity.
            Some(term) => super::text::push_text_count(&mut q, term),
            None => {
                q.push("SELECT COUNT(*) FROM catalog.entities e WHERE ");
                push_where(&mut q, query);
            }
        },
    }
    let n: i64 = with_pool!(db, pool => {
        let stmt = bind_all!(sqlx::query_scalar::<_, i64>(&q.text), &q.binds);
        stmt.fetch_one(pool).await
    })?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A query that is one relation condition with values, optionally with `kind` values, and
/// nothing else: its matches are the existing sources of some relation rows.
pub(super) struct RelationShape<'q> {
    relation_type: &'q str,
    targets: &'q [String],
    kinds: Option<&'q [String]>,
}

/// The query's [`RelationShape`], if it has that shape.
pub(super) fn relation_shape(query: &EntityQuery) -> Option<RelationShape<'_>> {
    if query.full_text.as_ref().is_some_and(|f| !f.term.is_empty()) || query.has_predicate() {
        return None;
    }
    let [conjunction] = query.filter.0.as_slice() else {
        return None;
    };
    let mut relation = None;
    let mut kinds = None;
    for (key, condition) in &conjunction.0 {
        let Condition::AnyOf(values) = condition else {
            return None;
        };
        if values.is_empty() {
            return None;
        }
        match key.strip_prefix("relations.") {
            None if key == "kind" && kinds.is_none() => kinds = Some(values.as_slice()),
            Some(relation_type) if relation.is_none() => relation = Some((relation_type, values)),
            _ => return None,
        }
    }
    let (relation_type, targets) = relation?;
    Some(RelationShape {
        relation_type: types::canonical(relation_type).unwrap_or(relation_type),
        targets,
        kinds,
    })
}

/// ` FROM catalog.relations r WHERE ...`: the rows whose (existing) sources match the shape.
pub(super) fn push_relation_sources(q: &mut Sql, shape: &RelationShape) {
    q.push(" FROM catalog.relations r WHERE r.type = ")
        .text(shape.relation_type)
        .push(" AND r.target_ref IN ")
        .list(shape.targets);
    if let Some(kinds) = shape.kinds {
        q.push(" AND (");
        for (i, kind) in kinds.iter().enumerate() {
            // `kind:` up to (not including) `kind;`, the next byte after ':'.
            q.push(if i == 0 { "(" } else { " OR (" })
                .push("r.source_ref >= ")
                .text(&format!("{kind}:"))
                .push(" AND r.source_ref < ")
                .text(&format!("{kind};"))
                .push(")");
        }
        q.push(")");
    }
    q.push(
        " AND (r.emitted_by = r.source_ref \
         OR EXISTS (SELECT 1 FROM catalog.entities e WHERE e.entity_ref = r.source_ref))",
    );
}
