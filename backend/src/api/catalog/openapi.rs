//! `GET /openapi.json`: the catalog API's OpenAPI document (`backend/openapi/catalog.yaml`,
//! compiled in, converted to JSON once).

use std::sync::OnceLock;

use axum::Json;
use serde_json::Value;

use crate::error::{AppError, AppResult};

const SPEC: &str = include_str!("../../../openapi/catalog.yaml");

/// The document as JSON.
pub fn document() -> Result<&'static Value, String> {
    static DOC: OnceLock<Result<Value, String>> = OnceLock::new();
    DOC.get_or_init(|| serde_yaml_ng::from_str::<Value>(SPEC).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

/// Serves the document.
pub async fn get_openapi() -> AppResult<Json<Value>> {
    document().map(|doc| Json(doc.clone())).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "the bundled OpenAPI document is invalid: {e}"
        ))
    })
}
