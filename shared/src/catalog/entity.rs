//! The entity envelope: `apiVersion`, `kind`, `metadata`, `spec`, `relations`. Fields Trellis
//! does not model are kept (`extra`) so nothing a descriptor says is lost on the way through.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::refs::{EntityRef, DEFAULT_NAMESPACE};

/// A catalog entity. Top-level fields that are not modelled here (e.g. `status`) are kept as
/// given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entity {
    /// e.g. `backstage.io/v1alpha1`.
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    /// e.g. `Component`.
    pub kind: String,
    /// Name, namespace and descriptive data.
    pub metadata: EntityMeta,
    /// Kind-specific data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub spec: Option<Map<String, Value>>,
    /// Relations computed by the catalog (omitted when there are none); never read from
    /// descriptors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<EntityRelation>,
    /// Other top-level fields (e.g. `status`), kept as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `metadata` of an entity: name, namespace and descriptive data; unmodelled fields are kept.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = EntityMetadata))]
pub struct EntityMeta {
    /// Stable id assigned by the catalog.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Changes whenever the stored entity changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Name, unique within kind and namespace.
    pub name: String,
    /// Namespace; `default` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Display title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// One-paragraph description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Short key/value labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Key/value annotations for tools.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// External links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<EntityLink>,
    /// Other metadata fields, kept as given.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A link in `metadata.links`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntityLink {
    /// Target URL.
    pub url: String,
    /// Text to show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Icon name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Link type, e.g. `runbook`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub link_type: Option<String>,
}

/// A relation from this entity to another, as the catalog API returns it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntityRelation {
    /// e.g. `ownedBy`.
    #[serde(rename = "type")]
    pub relation_type: String,
    /// Canonical ref of the other entity.
    #[serde(rename = "targetRef")]
    pub target_ref: String,
    /// The same target as parts (older Backstage clients read this).
    pub target: RelationTarget,
}

/// Parts of a relation target (lower case).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationTarget {
    /// Kind, lower case.
    pub kind: String,
    /// Namespace, lower case.
    pub namespace: String,
    /// Name, lower case.
    pub name: String,
}

impl Entity {
    /// The entity's namespace, `default` when it names none.
    pub fn namespace(&self) -> &str {
        self.metadata
            .namespace
            .as_deref()
            .unwrap_or(DEFAULT_NAMESPACE)
    }

    /// The entity's own reference.
    pub fn entity_ref(&self) -> EntityRef {
        EntityRef::new(
            self.kind.clone(),
            self.namespace(),
            self.metadata.name.clone(),
        )
    }

    /// A string field of `spec`, if present and a string.
    pub fn spec_str(&self, key: &str) -> Option<&str> {
        self.spec.as_ref()?.get(key)?.as_str()
    }

    /// A field of `spec` that may be one string or a list of strings (non-strings skipped).
    pub fn spec_strings(&self, key: &str) -> Vec<&str> {
        match self.spec.as_ref().and_then(|s| s.get(key)) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
}
