//! `/healthz` (the process is up) and `/readyz` (its database is reachable and migrated, and
//! every per-replica service the replica waits for is ready).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use trellis_services::jobs::ServiceState;
use trellis_shared::api::{DatabaseHealth, HealthReport};

use crate::state::AppState;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Liveness probe
///
/// Answers 200 as long as the process serves requests (also at `/healthz`, outside `/api`). No
/// identity needed.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "Health",
    operation_id = "getHealth",
    responses((status = 200, description = "The process is up.", body = HealthReport))
)]
pub async fn get_health() -> Json<HealthReport> {
    Json(HealthReport {
        status: "ok".into(),
        version: VERSION.into(),
        database: None,
    })
}

/// `/readyz`'s answer: the health report plus each per-replica service.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Readiness {
    /// Status, version, database.
    #[serde(flatten)]
    pub report: HealthReport,
    /// Per-replica services (required ones must be ready).
    pub services: Vec<ServiceState>,
}

async fn database(state: &AppState) -> DatabaseHealth {
    let backend = state.db.backend().as_str().to_string();
    let unhealthy = |problem: &str| DatabaseHealth {
        backend: backend.clone(),
        reachable: false,
        applied_migrations: 0,
        pending_migrations: 0,
        problem: Some(problem.into()),
    };
    if let Err(e) = state.db.ping().await {
        tracing::warn!(error = %e, "readiness: database unreachable");
        return unhealthy("database unreachable");
    }
    match state.db.migration_status(&state.migrations()).await {
        Ok(status) => DatabaseHealth {
            backend: backend.clone(),
            reachable: true,
            applied_migrations: status.applied,
            pending_migrations: status.pending,
            problem: (!status.is_current()).then(|| {
                format!(
                    "{} migrations pending; run `trellis migrate`",
                    status.pending
                )
            }),
        },
        Err(e) => {
            tracing::warn!(error = %e, "readiness: cannot read migration status");
            DatabaseHealth {
                reachable: true,
                ..unhealthy("cannot read migration status")
            }
        }
    }
}

/// Readiness probe
///
/// 200 when the database answers, no migration is pending and every required per-replica
/// service is ready; else 503 with the reason (`database.problem`, the services' `detail`).
/// Also at `/readyz`, outside `/api`. No identity needed.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "Health",
    operation_id = "getReadiness",
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready; the report says why.", body = Readiness),
    )
)]
pub async fn get_readiness(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let database = database(&state).await;
    let services = state.readiness.states();
    let ready = database.problem.is_none() && services.iter().all(|s| s.ready || !s.required);
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let report = HealthReport {
        status: if ready { "ready" } else { "unavailable" }.into(),
        version: VERSION.into(),
        database: Some(database),
    };
    (status, Json(Readiness { report, services }))
}
