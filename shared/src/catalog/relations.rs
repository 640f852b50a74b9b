//! Relations derived from `spec` fields, both directions, as Backstage's
//! `BuiltinKindsEntityProcessor` emits them: each field names its relation, the reverse
//! relation stored on the target, and the kind assumed when a reference names none.

use std::collections::BTreeMap;

use super::entity::{Entity, EntityRelation, RelationTarget};
use super::refs::EntityRef;
use super::validate::Problem;

/// Relation type names (Backstage's `RELATION_*` constants).
pub mod types {
    /// Owner of the entity.
    pub const OWNED_BY: &str = "ownedBy";
    /// Reverse of `ownedBy`.
    pub const OWNER_OF: &str = "ownerOf";
    /// Part of a system, domain or component.
    pub const PART_OF: &str = "partOf";
    /// Reverse of `partOf`.
    pub const HAS_PART: &str = "hasPart";
    /// Runtime dependency.
    pub const DEPENDS_ON: &str = "dependsOn";
    /// Reverse of `dependsOn`.
    pub const DEPENDENCY_OF: &str = "dependencyOf";
    /// Component provides an API.
    pub const PROVIDES_API: &str = "providesApi";
    /// Reverse of `providesApi`.
    pub const API_PROVIDED_BY: &str = "apiProvidedBy";
    /// Component consumes an API.
    pub const CONSUMES_API: &str = "consumesApi";
    /// Reverse of `consumesApi`.
    pub const API_CONSUMED_BY: &str = "apiConsumedBy";
    /// User is a member of a group.
    pub const MEMBER_OF: &str = "memberOf";
    /// Reverse of `memberOf`.
    pub const HAS_MEMBER: &str = "hasMember";
    /// Group is the parent of a group.
    pub const PARENT_OF: &str = "parentOf";
    /// Reverse of `parentOf`.
    pub const CHILD_OF: &str = "childOf";

    /// Every built-in relation type.
    pub const ALL: &[&str] = &[
        OWNED_BY,
        OWNER_OF,
        PART_OF,
        HAS_PART,
        DEPENDS_ON,
        DEPENDENCY_OF,
        PROVIDES_API,
        API_PROVIDED_BY,
        CONSUMES_API,
        API_CONSUMED_BY,
        MEMBER_OF,
        HAS_MEMBER,
        PARENT_OF,
        CHILD_OF,
    ];

    /// The built-in type spelled `name` in any case (filters arrive lower-cased).
    pub fn canonical(name: &str) -> Option<&'static str> {
        ALL.iter().copied().find(|t| t.eq_ignore_ascii_case(name))
    }
}

use types::*;

/// `(kind or "*" for kinds without rules of their own, spec field, default target kind,
/// relation from the entity, relation back from the target)`.
type Rule = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
);

const RULES: &[Rule] = &[
    ("Component", "owner", Some("Group"), OWNED_BY, OWNER_OF),
    (
        "Component",
        "subcomponentOf",
        Some("Component"),
        PART_OF,
        HAS_PART,
    ),
    (
        "Component",
        "providesApis",
        Some("API"),
        PROVIDES_API,
        API_PROVIDED_BY,
    ),
    (
        "Component",
        "consumesApis",
        Some("API"),
        CONSUMES_API,
        API_CONSUMED_BY,
    ),
    ("Component", "dependsOn", None, DEPENDS_ON, DEPENDENCY_OF),
    ("Component", "dependencyOf", None, DEPENDENCY_OF, DEPENDS_ON),
    ("Component", "system", Some("System"), PART_OF, HAS_PART),
    ("API", "owner", Some("Group"), OWNED_BY, OWNER_OF),
    ("API", "system", Some("System"), PART_OF, HAS_PART),
    ("Resource", "owner", Some("Group"), OWNED_BY, OWNER_OF),
    ("Resource", "dependsOn", None, DEPENDS_ON, DEPENDENCY_OF),
    ("Resource", "dependencyOf", None, DEPENDENCY_OF, DEPENDS_ON),
    ("Resource", "system", Some("System"), PART_OF, HAS_PART),
    ("System", "owner", Some("Group"), OWNED_BY, OWNER_OF),
    ("System", "domain", Some("Domain"), PART_OF, HAS_PART),
    ("Domain", "owner", Some("Group"), OWNED_BY, OWNER_OF),
    ("Domain", "subdomainOf", Some("Domain"), PART_OF, HAS_PART),
    ("User", "memberOf", Some("Group"), MEMBER_OF, HAS_MEMBER),
    ("Group", "parent", Some("Group"), CHILD_OF, PARENT_OF),
    ("Group", "children", Some("Group"), PARENT_OF, CHILD_OF),
    ("Group", "members", Some("User"), HAS_MEMBER, MEMBER_OF),
    ("Template", "owner", Some("Group"), OWNED_BY, OWNER_OF),
    // Kinds from plugins (e.g. AiResource) get ownership and system membership.
    ("*", "owner", Some("Group"), OWNED_BY, OWNER_OF),
    ("*", "system", Some("System"), PART_OF, HAS_PART),
];

const KINDS_WITH_RULES: &[&str] = &[
    "Component",
    "API",
    "Resource",
    "System",
    "Domain",
    "User",
    "Group",
    "Template",
    "Location",
];

/// One directed relation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Relation {
    /// Where it starts.
    pub source: EntityRef,
    /// Relation type.
    pub relation_type: &'static str,
    /// Where it points.
    pub target: EntityRef,
}

/// The relations one entity's spec causes, both directions, and problems with its references.
pub fn emitted_by(entity: &Entity) -> (Vec<Relation>, Vec<Problem>) {
    let own = entity.entity_ref();
    let generic = !KINDS_WITH_RULES.contains(&entity.kind.as_str());
    let mut relations = Vec::new();
    let mut problems = Vec::new();
    for (kind, field, default_kind, outgoing, incoming) in RULES {
        if !(*kind == entity.kind || (*kind == "*" && generic)) {
            continue;
        }
        for (i, text) in entity.spec_strings(field).into_iter().enumerate() {
            match EntityRef::parse(text, *default_kind, Some(entity.namespace())) {
                Ok(target) => {
                    relations.push(Relation {
                        source: own.clone(),
                        relation_type: outgoing,
                        target: target.clone(),
                    });
                    relations.push(Relation {
                        source: target,
                        relation_type: incoming,
                        target: own.clone(),
                    });
                }
                Err(e) => problems.push(Problem {
                    field: format!("spec.{field}[{i}]"),
                    message: e.0,
                }),
            }
        }
    }
    (relations, problems)
}

/// Groups relations by canonical source ref into the sorted, de-duplicated lists the API returns.
pub fn by_source<'a>(
    relations: impl IntoIterator<Item = &'a Relation>,
) -> BTreeMap<String, Vec<EntityRelation>> {
    let mut out: BTreeMap<String, Vec<EntityRelation>> = BTreeMap::new();
    for r in relations {
        out.entry(r.source.canonical()).or_default().push(to_api(r));
    }
    for list in out.values_mut() {
        list.sort();
        list.dedup();
    }
    out
}

fn to_api(r: &Relation) -> EntityRelation {
    EntityRelation {
        relation_type: r.relation_type.to_string(),
        target_ref: r.target.canonical(),
        target: RelationTarget {
            kind: r.target.kind.to_lowercase(),
            namespace: r.target.namespace.to_lowercase(),
            name: r.target.name.to_lowercase(),
        },
    }
}
