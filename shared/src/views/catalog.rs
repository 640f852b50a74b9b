//! The catalog list page's data: its filters (as in the URL), one page of rows, and the filter
//! options with counts.

use crate::catalog::query::FacetCount;
use serde::{Deserialize, Serialize};

/// Rows per page of the catalog list.
pub const PAGE_SIZE: usize = 25;

/// The list's filters, as they appear in the URL (`/catalog?kind=component&owner=...`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListParams {
    /// Entity kind.
    pub kind: Option<String>,
    /// Owner ref (`group:default/team-a`).
    pub owner: Option<String>,
    /// `spec.lifecycle`.
    pub lifecycle: Option<String>,
    /// `spec.type`.
    pub spec_type: Option<String>,
    /// One tag.
    pub tag: Option<String>,
    /// Namespace.
    pub namespace: Option<String>,
    /// Full-text term.
    pub q: Option<String>,
    /// Only what the signed-in user's teams own.
    pub mine: bool,
    /// Page cursor.
    pub cursor: Option<String>,
}

/// URL query keys of [`ListParams`], in display order.
pub const FILTER_KEYS: &[&str] = &["kind", "type", "owner", "lifecycle", "tag", "namespace"];

impl ListParams {
    /// The value of one URL filter key.
    pub fn get(&self, key: &str) -> Option<&str> {
        match key {
            "kind" => self.kind.as_deref(),
            "type" => self.spec_type.as_deref(),
            "owner" => self.owner.as_deref(),
            "lifecycle" => self.lifecycle.as_deref(),
            "tag" => self.tag.as_deref(),
            "namespace" => self.namespace.as_deref(),
            "q" => self.q.as_deref(),
            _ => None,
        }
    }

    /// `/catalog?...` for these filters and the given cursor.
    pub fn href(&self, cursor: Option<&str>) -> String {
        let mut pairs: Vec<(String, String)> = FILTER_KEYS
            .iter()
            .chain(["q"].iter())
            .filter_map(|k| self.get(k).map(|v| (k.to_string(), v.to_string())))
            .collect();
        if self.mine {
            pairs.push(("mine".into(), "1".into()));
        }
        if let Some(c) = cursor {
            pairs.push(("cursor".into(), c.into()));
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        if query.is_empty() {
            "/catalog".into()
        } else {
            format!("/catalog?{}", query.join("&"))
        }
    }
}

/// A URL query value, trimmed; empty counts as absent.
pub fn present(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Percent-encodes a query value.
pub fn encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRow {
    /// Canonical ref.
    pub entity_ref: String,
    /// Kind as written.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name as written.
    pub name: String,
    /// Title, if any.
    pub title: Option<String>,
    /// Description, if any.
    pub description: Option<String>,
    /// Owner refs (from `ownedBy`).
    pub owners: Vec<String>,
    /// `spec.type`.
    pub spec_type: Option<String>,
    /// `spec.lifecycle`.
    pub lifecycle: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
}

/// A page of the list with everything the filter bar needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListPage {
    /// Rows.
    pub rows: Vec<EntityRow>,
    /// Matching entities in total.
    pub total: u64,
    /// Cursor of the next page.
    pub next: Option<String>,
    /// Cursor of the previous page.
    pub prev: Option<String>,
    /// Filter options: facet name to value counts over the whole catalog.
    pub facets: std::collections::BTreeMap<String, Vec<FacetCount>>,
    /// The signed-in (or demo) user, if any.
    pub viewer: Option<String>,
}

/// Facet names behind the filter bar, keyed like the URL.
pub const FACETS: &[(&str, &str)] = &[
    ("kind", "kind"),
    ("type", "spec.type"),
    ("owner", "relations.ownedBy"),
    ("lifecycle", "spec.lifecycle"),
    ("tag", "metadata.tags"),
    ("namespace", "metadata.namespace"),
];
