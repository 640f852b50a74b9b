//! `GET /metrics`: the registry's metrics in the OpenMetrics text format (see
//! `trellis_services::metrics`).

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::error::AppResult;
use crate::state::AppState;

/// Renders the metrics.
pub async fn get_metrics(State(state): State<AppState>) -> AppResult<impl IntoResponse> {
    let text = state.render_metrics().await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            trellis_services::metrics::CONTENT_TYPE,
        )],
        text,
    ))
}
