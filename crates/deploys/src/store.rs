//! Deploy events kept with their history (`integrations.deploy_events`, both engines): one row
//! per event, never changed; posting an event id again is a no-op, so CI may retry.

use chrono::{DateTime, Utc};
use trellis_store::{with_pool, Db, StoreResult};

use crate::events::DeployEvent;

/// Most events [`history`] returns.
pub const MAX_HISTORY: u32 = 20;

/// A stored deploy (the newest first in [`history`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDeploy {
    /// `context.id`.
    pub event_id: String,
    /// The deployed commit.
    pub sha: String,
    /// When it was deployed.
    pub at: DateTime<Utc>,
}

/// Stores `event`, reported by `by`; whether it is new (false: this event id was stored
/// before, and nothing changed).
pub async fn record(
    db: &Db,
    event: &DeployEvent,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let sql = "INSERT INTO integrations.deploy_events (event_id, environment, component, repository, sha, at_ms, source, reported_by, received_ms) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (event_id) DO NOTHING";
    let done = with_pool!(db, pool => {
        sqlx::query(sql)
            .bind(&event.event_id)
            .bind(&event.environment)
            .bind(&event.component)
            .bind(&event.repository)
            .bind(&event.sha)
            .bind(event.at.timestamp_millis())
            .bind(&event.source)
            .bind(by)
            .bind(now.timestamp_millis())
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// The newest `limit` (at most [`MAX_HISTORY`]) deploys of `component` to `environment`,
/// newest first.
pub async fn history(
    db: &Db,
    environment: &str,
    component: &str,
    limit: u32,
) -> StoreResult<Vec<StoredDeploy>> {
    let sql = "SELECT event_id, sha, at_ms FROM integrations.deploy_events \
               WHERE environment = $1 AND component = $2 ORDER BY at_ms DESC, id DESC LIMIT $3";
    let limit = i64::from(limit.clamp(1, MAX_HISTORY));
    let rows: Vec<(String, String, i64)> = with_pool!(db, pool => {
        sqlx::query_as(sql)
            .bind(environment)
            .bind(component)
            .bind(limit)
            .fetch_all(pool)
            .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(event_id, sha, at)| StoredDeploy {
            event_id,
            sha,
            at: DateTime::from_timestamp_millis(at).unwrap_or_default(),
        })
        .collect())
}
