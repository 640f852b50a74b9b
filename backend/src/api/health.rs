//! `/healthz` (the process is up) and `/readyz` (its database is reachable and migrated).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use trellis_shared::api::{DatabaseHealth, HealthReport};

use crate::state::AppState;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Liveness: answers as long as the process serves requests.
pub async fn get_health() -> Json<HealthReport> {
    Json(HealthReport {
        status: "ok".into(),
        version: VERSION.into(),
        database: None,
    })
}

/// Readiness: 200 when the database answers and no migration is pending, else 503.
pub async fn get_readiness(State(state): State<AppState>) -> (StatusCode, Json<HealthReport>) {
    let backend = state.db.backend().as_str().to_string();
    let database = match state.db.ping().await {
        Err(e) => {
            tracing::warn!(error = %e, "readiness: database unreachable");
            DatabaseHealth {
                backend,
                reachable: false,
                applied_migrations: 0,
                pending_migrations: 0,
                problem: Some("database unreachable".into()),
            }
        }
        Ok(()) => match state.db.migration_status().await {
            Ok(status) => DatabaseHealth {
                backend,
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
                    backend,
                    reachable: true,
                    applied_migrations: 0,
                    pending_migrations: 0,
                    problem: Some("cannot read migration status".into()),
                }
            }
        },
    };
    let ready = database.problem.is_none();
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
    (status, Json(report))
}
