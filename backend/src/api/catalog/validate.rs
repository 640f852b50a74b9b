//! `POST /validate-entity`: checks a descriptor as ingestion would, without storing anything.
//! 200 with an empty body when valid; 400 with `{"errors": [{name, message}]}` otherwise.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use trellis_shared::catalog::relations::emitted_by;
use trellis_shared::catalog::validate::validate_entity;

/// Validates `{"entity": ..., "location": "type:target"}`.
pub async fn post_validate(body: Bytes) -> Response {
    let errors = match serde_json::from_slice::<Value>(&body) {
        Err(e) => vec![format!("Malformed request body: {e}")],
        Ok(request) => check(&request),
    };
    if errors.is_empty() {
        return StatusCode::OK.into_response();
    }
    let errors: Vec<Value> = errors
        .into_iter()
        .map(|message| json!({ "name": "InputError", "message": message }))
        .collect();
    (StatusCode::BAD_REQUEST, Json(json!({ "errors": errors }))).into_response()
}

fn check(request: &Value) -> Vec<String> {
    let Some(obj) = request.as_object() else {
        return vec![
            "Malformed request body: expected an object with `entity` and `location`".into(),
        ];
    };
    if let Some(unknown) = obj.keys().find(|k| *k != "entity" && *k != "location") {
        return vec![format!("Malformed request body: unknown field `{unknown}`")];
    }
    if let Some(location) = obj.get("location") {
        if !location.as_str().is_some_and(|l| {
            l.split_once(':')
                .is_some_and(|(t, v)| !t.is_empty() && !v.is_empty())
        }) {
            return vec!["location: expected a location ref of the form type:target".into()];
        }
    }
    let Some(entity) = obj.get("entity") else {
        return vec!["entity: missing".into()];
    };
    match validate_entity(entity) {
        Ok(entity) => emitted_by(&entity)
            .1
            .iter()
            .map(ToString::to_string)
            .collect(),
        Err(problems) => problems.iter().map(ToString::to_string).collect(),
    }
}
