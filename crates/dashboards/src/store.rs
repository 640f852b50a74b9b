//! The dashboards each person viewed through Trellis (`integrations.dashboard_views`, both
//! engines): one row per person and dashboard, moved to the top when viewed again, at most
//! [`KEPT`] per person.

use chrono::{DateTime, Utc};
use trellis_shared::views::dashboards::{DashboardRef, ViewedDashboard};
use trellis_store::{with_pool, Db, StoreResult};

/// Views kept per person (older ones are forgotten).
pub const KEPT: i64 = 50;

/// Records that `person` (a user ref) viewed `d` at `now`.
pub async fn record(
    db: &Db,
    person: &str,
    d: &DashboardRef,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let upsert = "INSERT INTO integrations.dashboard_views (person, uid, title, url, folder, tags, viewed_ms) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7) \
                  ON CONFLICT (person, uid) DO UPDATE SET title = excluded.title, url = excluded.url, \
                  folder = excluded.folder, tags = excluded.tags, viewed_ms = excluded.viewed_ms";
    let forget = "DELETE FROM integrations.dashboard_views WHERE person = $1 AND uid NOT IN \
                  (SELECT uid FROM integrations.dashboard_views WHERE person = $1 ORDER BY viewed_ms DESC, uid LIMIT $2)";
    let tags = serde_json::to_string(&d.tags).unwrap_or_else(|_| "[]".into());
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(upsert)
            .bind(person)
            .bind(&d.uid)
            .bind(&d.title)
            .bind(&d.url)
            .bind(&d.folder)
            .bind(&tags)
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
        sqlx::query(forget).bind(person).bind(KEPT).execute(&mut *tx).await?;
        tx.commit().await
    })?;
    Ok(())
}

/// What `person` viewed, the latest first, at most `limit` (up to [`KEPT`]).
pub async fn recent(db: &Db, person: &str, limit: i64) -> StoreResult<Vec<ViewedDashboard>> {
    let sql = "SELECT uid, title, url, folder, tags, viewed_ms FROM integrations.dashboard_views \
               WHERE person = $1 ORDER BY viewed_ms DESC, uid LIMIT $2";
    type Row = (String, String, String, Option<String>, String, i64);
    let rows: Vec<Row> = with_pool!(db, pool => {
        sqlx::query_as(sql).bind(person).bind(limit.clamp(1, KEPT)).fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(uid, title, url, folder, tags, at)| ViewedDashboard {
            dashboard: DashboardRef {
                uid,
                title,
                url,
                folder,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
            },
            viewed_at: DateTime::from_timestamp_millis(at)
                .unwrap_or_default()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
        .collect())
}
