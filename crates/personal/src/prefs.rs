//! Toolkit links and home layouts (`personal.links`, `personal.layouts`): the links a person
//! added, in the order added, at most [`MAX_LINKS`]; their layout, one row per person holding
//! the widgets in their order with whether each shows (JSON), absent until they change it.

use chrono::{DateTime, Utc};
use trellis_shared::views::personal::{LayoutItem, ToolLink};
use trellis_store::{with_pool, Db, StoreResult};

/// Most links a person can add to their toolkit.
pub const MAX_LINKS: i64 = 30;

/// Adds a link to `person`'s toolkit; its id, or `None` (nothing written) when they already
/// have [`MAX_LINKS`].
pub async fn add_link(
    db: &Db,
    person: &str,
    title: &str,
    url: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<i64>> {
    let count = "SELECT COUNT(*) FROM personal.links WHERE person = $1";
    let insert = "INSERT INTO personal.links (person, title, url, added_ms) VALUES ($1, $2, $3, $4) RETURNING id";
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let (have,): (i64,) = sqlx::query_as(count).bind(person).fetch_one(&mut *tx).await?;
        if have >= MAX_LINKS {
            return Ok(None);
        }
        let (id,): (i64,) = sqlx::query_as(insert)
            .bind(person)
            .bind(title)
            .bind(url)
            .bind(now.timestamp_millis())
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(id))
    })
}

/// Removes `person`'s link `id`; whether they had it (another person's id removes nothing).
pub async fn remove_link(db: &Db, person: &str, id: i64) -> StoreResult<bool> {
    let sql = "DELETE FROM personal.links WHERE person = $1 AND id = $2";
    let done = with_pool!(db, pool => {
        sqlx::query(sql).bind(person).bind(id).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(done > 0)
}

/// `person`'s links, in the order added.
pub async fn links(db: &Db, person: &str) -> StoreResult<Vec<ToolLink>> {
    let sql = "SELECT id, title, url FROM personal.links WHERE person = $1 ORDER BY id LIMIT $2";
    let rows: Vec<(i64, String, String)> = with_pool!(db, pool => {
        sqlx::query_as(sql).bind(person).bind(MAX_LINKS).fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, title, url)| ToolLink {
            id: Some(id),
            title,
            url,
        })
        .collect())
}

/// `person`'s layout, when they set one (unreadable rows read as none).
pub async fn layout(db: &Db, person: &str) -> StoreResult<Option<Vec<LayoutItem>>> {
    let sql = "SELECT widgets FROM personal.layouts WHERE person = $1";
    let row: Option<(String,)> = with_pool!(db, pool => {
        sqlx::query_as(sql).bind(person).fetch_optional(pool).await
    })?;
    Ok(row.and_then(|(json,)| serde_json::from_str(&json).ok()))
}

/// Stores `person`'s layout (replacing theirs).
pub async fn set_layout(
    db: &Db,
    person: &str,
    items: &[LayoutItem],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let sql = "INSERT INTO personal.layouts (person, widgets, updated_ms) VALUES ($1, $2, $3) \
               ON CONFLICT (person) DO UPDATE SET widgets = excluded.widgets, updated_ms = excluded.updated_ms";
    let json = serde_json::to_string(items).unwrap_or_else(|_| "[]".into());
    with_pool!(db, pool => {
        sqlx::query(sql).bind(person).bind(&json).bind(now.timestamp_millis()).execute(pool).await.map(drop)
    })?;
    Ok(())
}

/// Forgets `person`'s layout: they get the default again.
pub async fn reset_layout(db: &Db, person: &str) -> StoreResult<()> {
    let sql = "DELETE FROM personal.layouts WHERE person = $1";
    with_pool!(db, pool => sqlx::query(sql).bind(person).execute(pool).await.map(drop))?;
    Ok(())
}
