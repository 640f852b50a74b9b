//! The cursor of a `by-query` page: opaque to clients (base64 JSON), it carries the query, the
//! sort key of the item at the page boundary, the direction and the total, so later pages
//! neither recount nor shift when entities are added or removed meanwhile.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use trellis_shared::catalog::query::EntityQuery;
use trellis_store::{StoreError, StoreResult};

/// Where a page starts: the sort key of the item just outside it, and the direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The query the cursor continues.
    pub query: EntityQuery,
    /// Sort key of the boundary item.
    pub boundary: Vec<Key>,
    /// Whether the page lies before the boundary.
    pub backwards: bool,
    /// Total computed on the first page.
    pub total: u64,
}

/// One part of a sort key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Key {
    /// The "has no value" flag of a nullable column.
    Int(i64),
    /// A text value.
    Text(String),
}

/// The cursor as sent: its query under `q`, or under `query` when it carries a predicate.
/// Backstage's catalog client sends a cursor whose JSON has a `query` key to `POST
/// /entities/by-query` and any other to `GET`, so only predicate cursors may have one.
#[derive(Serialize, Deserialize)]
struct Wire {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    q: Option<EntityQuery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    query: Option<EntityQuery>,
    boundary: Vec<Key>,
    backwards: bool,
    total: u64,
}

impl Cursor {
    /// The opaque form sent to clients.
    pub fn encode(&self) -> String {
        let predicate = self.query.predicate.is_some();
        let wire = Wire {
            q: (!predicate).then(|| self.query.clone()),
            query: predicate.then(|| self.query.clone()),
            boundary: self.boundary.clone(),
            backwards: self.backwards,
            total: self.total,
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&wire).unwrap_or_default())
    }

    /// Reads a cursor a client sent back.
    pub fn decode(text: &str) -> StoreResult<Cursor> {
        let invalid = |reason: String| StoreError::Invalid {
            field: "cursor",
            reason,
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .map_err(|e| invalid(format!("not a cursor from this server ({e})")))?;
        let wire: Wire = serde_json::from_slice(&bytes)
            .map_err(|e| invalid(format!("not a cursor from this server ({e})")))?;
        let query = wire
            .q
            .or(wire.query)
            .ok_or_else(|| invalid("not a cursor from this server (no query)".into()))?;
        Ok(Cursor {
            query,
            boundary: wire.boundary,
            backwards: wire.backwards,
            total: wire.total,
        })
    }
}
