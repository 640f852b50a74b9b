//! Leader leases (`core.leases`): with several replicas sharing one PostgreSQL, scheduled work
//! such as the LDAP sync runs on whichever replica holds the job's lease. A lease is taken when it
//! is free or expired and renewed by its holder; a crashed holder's lease runs out by itself.
//! One conditional upsert decides, so two replicas can never both win.

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::with_pool;

impl Db {
    /// Takes or renews lease `name` for `holder` until `until`. Returns whether `holder` now holds
    /// it; `false` means another holder's lease has not expired at `now`.
    pub async fn try_acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        if name.is_empty() || holder.is_empty() {
            let field = if name.is_empty() {
                "lease name"
            } else {
                "lease holder"
            };
            return Err(StoreError::Invalid {
                field,
                reason: "must not be empty".into(),
            });
        }
        if until <= now {
            return Err(StoreError::Invalid {
                field: "until",
                reason: "must be later than now".into(),
            });
        }
        let sql = "INSERT INTO core.leases AS l (name, holder, expires_at_ms) VALUES ($1, $2, $3) \
                   ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms \
                   WHERE l.holder = excluded.holder OR l.expires_at_ms <= $4";
        let won = with_pool!(self, pool => {
            sqlx::query(sql)
                .bind(name)
                .bind(holder)
                .bind(until.timestamp_millis())
                .bind(now.timestamp_millis())
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(won == 1)
    }

    /// Gives up lease `name` if `holder` holds it, so another replica can take over at once.
    pub async fn release_lease(&self, name: &str, holder: &str) -> StoreResult<bool> {
        let gone = with_pool!(self, pool => {
            sqlx::query("DELETE FROM core.leases WHERE name = $1 AND holder = $2")
                .bind(name)
                .bind(holder)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
        })?;
        Ok(gone == 1)
    }

    /// Who holds lease `name` at `now`, if anyone.
    pub async fn lease_holder(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<String>> {
        let holder = with_pool!(self, pool => {
            sqlx::query_scalar::<_, String>("SELECT holder FROM core.leases WHERE name = $1 AND expires_at_ms > $2")
                .bind(name)
                .bind(now.timestamp_millis())
                .fetch_optional(pool)
                .await
        })?;
        Ok(holder)
    }
}
