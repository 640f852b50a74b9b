//! Problems found by the last refresh (`catalog.issues`), for the API and the entity page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use trellis_store::{with_pool, Db, StoreResult};

/// An issue as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct StoredIssue {
    /// `error` or `warning`.
    pub level: String,
    /// Registered location it was found under.
    pub location: String,
    /// File.
    pub file: String,
    /// 0-based YAML document, if known.
    pub document: Option<i32>,
    /// Entity concerned, if known.
    pub entity_ref: Option<String>,
    /// What is wrong.
    pub message: String,
    /// When the refresh that found it ran.
    pub found_at: DateTime<Utc>,
}

/// All issues, or those of one entity (its own and those of its file that name no entity).
pub async fn issues(db: &Db, entity: Option<(&str, &str)>) -> StoreResult<Vec<StoredIssue>> {
    const COLUMNS: &str =
        "SELECT level, location, file, document, entity_ref, message, found_at FROM catalog.issues";
    let rows = with_pool!(db, pool => match entity {
        Some((entity_ref, file)) => {
            sqlx::query_as::<_, StoredIssue>(&format!(
                "{COLUMNS} WHERE entity_ref = $1 OR (entity_ref IS NULL AND file = $2) ORDER BY id"
            ))
            .bind(entity_ref.to_lowercase())
            .bind(file)
            .fetch_all(pool)
            .await
        }
        None => {
            sqlx::query_as::<_, StoredIssue>(&format!("{COLUMNS} ORDER BY id"))
                .fetch_all(pool)
                .await
        }
    })?;
    Ok(rows)
}
