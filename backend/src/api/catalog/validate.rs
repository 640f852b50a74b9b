//! `POST /validate-entity`: checks a descriptor as ingestion would, without storing anything.
//! 200 with an empty body when valid; 400 with `{"errors": [{name, message}]}` otherwise.

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use trellis_shared::api::ErrorDetail;
use trellis_shared::catalog::relations::emitted_by;
use trellis_shared::catalog::validate::validate_entity;

/// Body of `POST /validate-entity`.
// Described only: the handler parses the JSON itself, so that a malformed body is one more
// problem in the same `{"errors": [...]}` answer.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ValidateEntityRequest)]
#[expect(dead_code, reason = "described, never built")]
pub struct ValidateRequest {
    /// The entity descriptor to check.
    #[schema(value_type = Object)]
    entity: Value,
    /// Location ref the entity would come from, `type:target` (both parts non-empty).
    #[schema(example = "url:https://example.com/catalog-info.yaml")]
    location: Option<String>,
}

/// The 400 answer: every problem found.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ValidateEntityErrors)]
pub struct ValidationErrors {
    /// One item per problem: `name` is always `InputError`, `message` names the field.
    pub errors: Vec<ErrorDetail>,
}

/// Validate an entity descriptor
///
/// Checks a descriptor as ingestion would, without storing anything. Answers 200 with an empty
/// body when it is valid, and 400 with every problem found otherwise (including a malformed
/// request body). These 400s use the `{"errors": [...]}` shape, not the error envelope.
#[utoipa::path(
    post,
    path = "/validate-entity",
    tag = "Validation",
    operation_id = "validateEntity",
    request_body = ValidateRequest,
    responses(
        (status = 200, description = "The entity is valid; the body is empty."),
        (status = 400, description = "The entity (or the request) is not valid.", body = ValidationErrors),
    )
)]
pub async fn post_validate(body: Bytes) -> Response {
    let errors = match serde_json::from_slice::<Value>(&body) {
        Err(e) => vec![format!("Malformed request body: {e}")],
        Ok(request) => check(&request),
    };
    if errors.is_empty() {
        return StatusCode::OK.into_response();
    }
    let errors = errors
        .into_iter()
        .map(|message| ErrorDetail {
            name: "InputError".into(),
            message,
        })
        .collect();
    (StatusCode::BAD_REQUEST, Json(ValidationErrors { errors })).into_response()
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
