//! The policy applied to catalog entities: who owns an entity for access control, whether a
//! principal may read one, and the read scope as a condition inside a catalog query (so pages,
//! totals and facet counts only ever count what the principal may see).

use trellis_shared::catalog::query::Filter;
use trellis_shared::catalog::relations::types;
use trellis_shared::catalog::Entity;

use crate::policy::{Action, Decision, Policy, ReadScope, Resource, ResourceType};
use crate::Identity;

/// The filter key read scopes restrict.
const OWNED_BY_KEY: &str = "relations.ownedby";

/// The owners of an entity for access control: its `ownedBy` targets, and for users and groups
/// the entity itself (a team acts on its own Group entity).
pub fn owners_of(entity: &Entity) -> Vec<String> {
    let mut owners: Vec<String> = entity
        .relations
        .iter()
        .filter(|r| r.relation_type == types::OWNED_BY)
        .map(|r| r.target_ref.to_lowercase())
        .collect();
    if matches!(entity.kind.to_lowercase().as_str(), "user" | "group") {
        owners.push(entity.entity_ref().canonical());
    }
    owners
}

/// Whether `principal` may read `entity`.
pub fn may_read(policy: &Policy, principal: &Identity, entity: &Entity) -> bool {
    let owners = owners_of(entity);
    let resource = Resource {
        kind: ResourceType::CatalogEntity,
        owners: &owners,
    };
    policy.check(principal, Action::Read, &resource) == Decision::Allow
}

/// Narrows `filter` to the entities `principal` may read. A scope of "what I own" matches by
/// `relations.ownedBy` (users and groups own nothing, so under it they are not listed).
pub fn scope_filter(policy: &Policy, principal: &Identity, filter: &mut Filter) {
    match policy.read_scope(principal, ResourceType::CatalogEntity) {
        ReadScope::All => {}
        ReadScope::Owned(refs) => filter.restrict(OWNED_BY_KEY, &refs),
        ReadScope::Nothing => filter.restrict(OWNED_BY_KEY, &[]),
    }
}
