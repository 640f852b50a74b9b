//! Registered locations (`catalog.locations`): those from `catalog.locations` in the config
//! (source `config`, kept in step with it at every refresh) and those added through the API
//! (source `api`, removable through it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use trellis_store::{with_pool, Db, StoreError, StoreResult};

use crate::read::LocationSpec;

/// A registered location.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Location))]
pub struct StoredLocation {
    /// Stable id.
    pub id: String,
    /// Location type (`file`).
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub location_type: String,
    /// Path, directory or glob.
    pub target: String,
    /// `config` or `api`.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub source: String,
}

impl StoredLocation {
    /// As a location to read.
    pub fn spec(&self) -> LocationSpec {
        LocationSpec {
            location_type: self.location_type.clone(),
            target: self.target.clone(),
        }
    }
}

const COLUMNS: &str = "SELECT id, type, target, source FROM catalog.locations";

/// Every registered location, config ones first, then in order of registration.
pub async fn list_locations(db: &Db) -> StoreResult<Vec<StoredLocation>> {
    let sql = format!("{COLUMNS} ORDER BY source DESC, created_at, id");
    Ok(with_pool!(db, pool => sqlx::query_as::<_, StoredLocation>(&sql).fetch_all(pool).await)?)
}

/// One location by id.
pub async fn get_location(db: &Db, id: &str) -> StoreResult<Option<StoredLocation>> {
    let sql = format!("{COLUMNS} WHERE id = $1");
    Ok(
        with_pool!(db, pool => sqlx::query_as::<_, StoredLocation>(&sql).bind(id).fetch_optional(pool).await)?,
    )
}

/// Makes the `config` locations exactly `configured`; API-registered ones are left alone (one
/// that the config now also lists stays as it is).
pub async fn sync_config_locations(
    db: &Db,
    configured: &[LocationSpec],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let stored = list_locations(db).await?;
    with_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for old in stored.iter().filter(|l| l.source == "config" && !configured.contains(&l.spec())) {
            sqlx::query("DELETE FROM catalog.locations WHERE id = $1").bind(&old.id).execute(&mut *tx).await?;
        }
        for spec in configured.iter().filter(|s| !stored.iter().any(|l| l.spec() == **s)) {
            sqlx::query(
                "INSERT INTO catalog.locations (id, type, target, source, created_at) VALUES ($1, $2, $3, 'config', $4) \
                 ON CONFLICT (type, target) DO NOTHING",
            )
            .bind(uuid::Uuid::new_v4().to_string()).bind(&spec.location_type).bind(&spec.target).bind(now)
            .execute(&mut *tx).await?;
        }
        tx.commit().await
    })?;
    Ok(())
}

/// Registers `spec` through the API; a location already registered is a conflict.
pub async fn add_location(
    db: &Db,
    spec: &LocationSpec,
    now: DateTime<Utc>,
) -> StoreResult<StoredLocation> {
    let location = StoredLocation {
        id: uuid::Uuid::new_v4().to_string(),
        location_type: spec.location_type.clone(),
        target: spec.target.clone(),
        source: "api".into(),
    };
    let inserted = with_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO catalog.locations (id, type, target, source, created_at) VALUES ($1, $2, $3, 'api', $4) \
             ON CONFLICT (type, target) DO NOTHING",
        )
        .bind(&location.id).bind(&location.location_type).bind(&location.target).bind(now)
        .execute(pool).await.map(|r| r.rows_affected())
    })?;
    if inserted == 0 {
        return Err(StoreError::Conflict(format!(
            "Location {} already exists",
            spec.key()
        )));
    }
    Ok(location)
}

/// Unregisters an API location. Config locations are refused: they come back from the config.
pub async fn delete_location(db: &Db, id: &str) -> StoreResult<StoredLocation> {
    let Some(location) = get_location(db, id).await? else {
        return Err(StoreError::NotFound(format!("Location with id {id}")));
    };
    if location.source == "config" {
        return Err(StoreError::Conflict(format!(
            "Location {id} ({}) is defined in the config under catalog.locations; remove it there",
            location.spec().key()
        )));
    }
    with_pool!(db, pool => sqlx::query("DELETE FROM catalog.locations WHERE id = $1").bind(id).execute(pool).await.map(|_| ()))?;
    Ok(location)
}

/// Points API location `id` at `spec` instead. Config locations are refused (they come from
/// the config); a target another location already has is a conflict.
pub async fn update_location(
    db: &Db,
    id: &str,
    spec: &LocationSpec,
) -> StoreResult<StoredLocation> {
    let Some(location) = get_location(db, id).await? else {
        return Err(StoreError::NotFound(format!("Location with id {id}")));
    };
    if location.source == "config" {
        return Err(StoreError::Conflict(format!(
            "Location {id} ({}) is defined in the config under catalog.locations; change it there",
            location.spec().key()
        )));
    }
    let taken = list_locations(db)
        .await?
        .into_iter()
        .any(|l| l.id != id && l.spec() == *spec);
    if taken {
        return Err(StoreError::Conflict(format!(
            "Location {} already exists",
            spec.key()
        )));
    }
    with_pool!(db, pool => sqlx::query("UPDATE catalog.locations SET type = $1, target = $2 WHERE id = $3")
        .bind(&spec.location_type).bind(&spec.target).bind(id).execute(pool).await.map(|_| ()))?;
    Ok(StoredLocation {
        location_type: spec.location_type.clone(),
        target: spec.target.clone(),
        ..location
    })
}
