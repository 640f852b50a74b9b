//! Stars and visits (`personal.stars`, `personal.visits`): what a person starred, the latest
//! first, at most [`MAX_STARS`]; the pages they visited, one row per page moved to the top when
//! visited again, the newest [`KEPT_VISITS`] kept.

use chrono::{DateTime, Utc};
use trellis_store::{with_pool, Db, StoreResult};

use crate::rfc3339;

/// Most entities a person can star.
pub const MAX_STARS: i64 = 200;

/// Visits kept per person (older ones are forgotten).
pub const KEPT_VISITS: i64 = 20;

/// A stored star: the entity's ref and when (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Star {
    /// The entity's ref, canonical.
    pub entity_ref: String,
    /// When it was starred.
    pub starred_at: String,
}

/// A stored visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredVisit {
    /// The page's path.
    pub path: String,
    /// Its title.
    pub title: String,
    /// When (RFC 3339).
    pub visited_at: String,
}

/// Stars `entity_ref` for `person`; `false` (and nothing written) when they already have
/// [`MAX_STARS`] others. Starring again keeps the first time.
pub async fn star(
    db: &Db,
    person: &str,
    entity_ref: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let count = "SELECT COUNT(*) FROM personal.stars WHERE person = $1 AND entity_ref <> $2";
    let insert = "INSERT INTO personal.stars (person, entity_ref, starred_ms) VALUES ($1, $2, $3) \
                  ON CONFLICT (person, entity_ref) DO NOTHING";
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let (others,): (i64,) = sqlx::query_as(count)
            .bind(person)
            .bind(entity_ref)
            .fetch_one(&mut *tx)
            .await?;
        if others >= MAX_STARS {
            return Ok(false);
        }
        sqlx::query(insert)
            .bind(person)
            .bind(entity_ref)
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    })
}

/// Removes `person`'s star of `entity_ref`; whether there was one.
pub async fn unstar(db: &Db, person: &str, entity_ref: &str) -> StoreResult<bool> {
    let sql = "DELETE FROM personal.stars WHERE person = $1 AND entity_ref = $2";
    let done = with_pool!(db, pool => {
        sqlx::query(sql).bind(person).bind(entity_ref).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(done > 0)
}

/// Whether `person` starred `entity_ref`.
pub async fn is_starred(db: &Db, person: &str, entity_ref: &str) -> StoreResult<bool> {
    let sql = "SELECT 1 FROM personal.stars WHERE person = $1 AND entity_ref = $2";
    let row: Option<(i32,)> = with_pool!(db, pool => {
        sqlx::query_as(sql).bind(person).bind(entity_ref).fetch_optional(pool).await
    })?;
    Ok(row.is_some())
}

/// `person`'s stars, the latest first.
pub async fn stars(db: &Db, person: &str) -> StoreResult<Vec<Star>> {
    let sql = "SELECT entity_ref, starred_ms FROM personal.stars WHERE person = $1 \
               ORDER BY starred_ms DESC, entity_ref LIMIT $2";
    let rows: Vec<(String, i64)> = with_pool!(db, pool => {
        sqlx::query_as(sql).bind(person).bind(MAX_STARS).fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(entity_ref, at)| Star {
            entity_ref,
            starred_at: rfc3339(at),
        })
        .collect())
}

/// Records that `person` visited `path` (titled `title`) at `now`.
pub async fn visit(
    db: &Db,
    person: &str,
    path: &str,
    title: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let upsert = "INSERT INTO personal.visits (person, path, title, visited_ms) VALUES ($1, $2, $3, $4) \
                  ON CONFLICT (person, path) DO UPDATE SET title = excluded.title, visited_ms = excluded.visited_ms";
    let forget = "DELETE FROM personal.visits WHERE person = $1 AND path NOT IN \
                  (SELECT path FROM personal.visits WHERE person = $1 ORDER BY visited_ms DESC, path LIMIT $2)";
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(upsert)
            .bind(person)
            .bind(path)
            .bind(title)
            .bind(now.timestamp_millis())
            .execute(&mut *tx)
            .await?;
        sqlx::query(forget).bind(person).bind(KEPT_VISITS).execute(&mut *tx).await?;
        tx.commit().await
    })?;
    Ok(())
}

/// What `person` visited, the latest first, at most `limit` (up to [`KEPT_VISITS`]).
pub async fn visits(db: &Db, person: &str, limit: i64) -> StoreResult<Vec<StoredVisit>> {
    let sql = "SELECT path, title, visited_ms FROM personal.visits WHERE person = $1 \
               ORDER BY visited_ms DESC, path LIMIT $2";
    let rows: Vec<(String, String, i64)> = with_pool!(db, pool => {
        sqlx::query_as(sql).bind(person).bind(limit.clamp(1, KEPT_VISITS)).fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(path, title, at)| StoredVisit {
            path,
            title,
            visited_at: rfc3339(at),
        })
        .collect())
}
