//! The audit log (plugin schema `audit`): every mutating action — allowed, refused or failed —
//! and every denial, with who, what, when, the outcome and the request id. The table refuses
//! updates and deletes (triggers on both engines), so the log is append-only.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use trellis_store::{with_pool, Db, StoreResult};

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AuditOutcome))]
pub enum Outcome {
    /// Permitted and done.
    Allowed,
    /// Refused by the policy (or sign-in refused).
    Denied,
    /// Permitted but failed.
    Failed,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
            Outcome::Failed => "failed",
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// Canonical user ref, or `anonymous`.
    pub actor: &'a str,
    /// `<resource-type>.<action>`, e.g. `catalog-entity.delete`.
    pub action: &'a str,
    /// What was acted on (an entity ref, a location id, a provider).
    pub resource: &'a str,
    /// How it ended.
    pub outcome: Outcome,
    /// The request's `x-request-id`.
    pub request_id: Option<&'a str>,
    /// A short detail (the error message of a failure); never secrets.
    pub detail: Option<&'a str>,
}

/// One recorded event (plain data, shared with the admin page).
pub use trellis_shared::auth::AuditEvent as Event;

/// Which events to list, newest first.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query, rename_all = "camelCase")
)]
pub struct EventQuery {
    /// Only this actor (a user ref).
    pub actor: Option<String>,
    /// Only this outcome.
    #[cfg_attr(feature = "openapi", param(inline))]
    pub outcome: Option<Outcome>,
    /// Only events older than this id (paging: the last id of the previous page).
    pub before: Option<i64>,
    /// At most this many, 1 to 500; 100 by default.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 500))]
    pub limit: Option<u32>,
}

/// Appends an event.
pub async fn record(db: &Db, event: &NewEvent<'_>, now: DateTime<Utc>) -> StoreResult<()> {
    let sql = "INSERT INTO audit.events (at_ms, actor, action, resource, outcome, request_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    with_pool!(db, pool => {
        sqlx::query(sql)
            .bind(now.timestamp_millis())
            .bind(event.actor)
            .bind(event.action)
            .bind(event.resource)
            .bind(event.outcome.as_str())
            .bind(event.request_id)
            .bind(event.detail)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// Lists events, newest first.
pub async fn list(db: &Db, query: &EventQuery) -> StoreResult<Vec<Event>> {
    let limit = i64::from(query.limit.unwrap_or(100).clamp(1, 500));
    let sql = "SELECT id, at_ms, actor, action, resource, outcome, request_id, detail FROM audit.events \
               WHERE ($1 IS NULL OR actor = $1) AND ($2 IS NULL OR outcome = $2) AND ($3 IS NULL OR id < $3) \
               ORDER BY id DESC LIMIT $4";
    let outcome = query.outcome.map(Outcome::as_str);
    let rows: Vec<Row> = with_pool!(db, pool => {
        sqlx::query_as(sql)
            .bind(query.actor.as_deref())
            .bind(outcome)
            .bind(query.before)
            .bind(limit)
            .fetch_all(pool)
            .await
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at_ms, actor, action, resource, outcome, request_id, detail)| Event {
                id,
                at: DateTime::from_timestamp_millis(at_ms)
                    .unwrap_or_default()
                    .to_rfc3339_opts(SecondsFormat::Millis, true),
                actor,
                action,
                resource,
                outcome,
                request_id,
                detail,
            },
        )
        .collect())
}
