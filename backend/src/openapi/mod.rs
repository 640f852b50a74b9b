//! The OpenAPI documents of the JSON API, generated from the routes themselves: every API route
//! in `router.rs` is registered with `.routes(routes!(handler))`, which takes its path and
//! methods from the handler's `#[utoipa::path]`, so a route cannot exist undocumented.
//!
//! [`documents`] builds both documents once from [`crate::router::api`], the function the
//! server mounts under `/api`: the whole API (server `/api`) and the catalog API in Backstage's
//! layout (server `/api/catalog`, the paths under `/catalog` with that prefix taken off).

pub mod responses;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::openapi::{Components, Server};
use utoipa::OpenApi;

use crate::error::{AppError, AppResult};

/// The start of the whole document: what the routes do not say (info, servers, tags, the
/// error responses and the envelope they share).
#[derive(OpenApi)]
#[openapi(
    servers((url = "/api")),
    tags(
        (name = "Entity", description = "Reading, listing, refreshing and deleting entities."),
        (name = "Locations", description = "Registered locations that entities are read from."),
        (name = "Facets", description = "Value counts of entity fields."),
        (name = "Validation", description = "Checking entity descriptors without storing them."),
        (name = "Providers", description = "Entity providers (Trellis' own endpoints): the LDAP org sync's status and manual runs."),
        (name = "OpenAPI", description = "These documents."),
        (name = "Health", description = "Liveness and readiness probes (no identity needed)."),
        (name = "Jobs", description = "Background runs started through the API."),
        (name = "Audit", description = "The audit log."),
        (name = "Permission", description = "Permission checks in the shape of Backstage's permission backend."),
        (name = "Dashboards", description = "Grafana dashboards: mine, and a dashboard's charts from Prometheus."),
        (name = "Personal", description = "My corner: starred entities, recently visited pages, my toolkit and my home layout."),
        (name = "Deployments", description = "Find any commit: where a change is live, and the deploy events CI reports."),
        (name = "Home", description = "The caller's home page widgets (pull requests, ...), from Trellis' caches of the tools behind them."),
    ),
    components(
        schemas(trellis_shared::api::ErrorEnvelope),
        responses(
            responses::BadRequest,
            responses::Unauthorized,
            responses::Forbidden,
            responses::NotFound,
            responses::MethodNotAllowed,
            responses::Conflict,
            responses::ServiceUnavailable,
            responses::TooManyRequests,
            responses::InternalError,
        ),
    ),
)]
pub struct ApiDoc;

/// Conventions every operation follows (the errors, the parameter checks).
const CONVENTIONS: &str = include_str!("conventions.md");

/// The whole API's document with its info filled in: where [`crate::router::api`] starts.
pub fn base() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.title = "Trellis API".into();
    doc.info.description = Some(format!("{}\n{CONVENTIONS}", include_str!("api.md")));
    doc
}

/// Both documents, serialized.
#[derive(Debug)]
pub struct Documents {
    /// The whole API, server `/api`.
    pub api: String,
    /// The catalog API, server `/api/catalog`.
    pub catalog: String,
}

/// Answers with one of the documents.
pub fn serve(pick: fn(&Documents) -> &str) -> AppResult<Response> {
    let docs = documents().map_err(|e| {
        AppError::Internal(anyhow::anyhow!("cannot build the OpenAPI document: {e}"))
    })?;
    Ok(([(CONTENT_TYPE, "application/json")], pick(docs)).into_response())
}

/// The documents, built on first use from the router.
pub fn documents() -> Result<&'static Documents, String> {
    static DOCS: OnceLock<Result<Documents, String>> = OnceLock::new();
    DOCS.get_or_init(|| {
        let (_, doc) = crate::router::api();
        let catalog = catalog_subset(&doc)?;
        Ok(Documents {
            api: doc.to_json().map_err(|e| e.to_string())?,
            catalog: catalog.to_json().map_err(|e| e.to_string())?,
        })
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The paths under `/catalog`, relative to it, with the tags and schemas they use.
fn catalog_subset(full: &utoipa::openapi::OpenApi) -> Result<utoipa::openapi::OpenApi, String> {
    let mut doc = full.clone();
    doc.info.title = "Trellis catalog API".into();
    doc.info.description = Some(format!("{}\n{CONVENTIONS}", include_str!("catalog.md")));
    doc.servers = Some(vec![Server::new("/api/catalog")]);
    doc.paths.paths = std::mem::take(&mut doc.paths.paths)
        .into_iter()
        .filter_map(|(path, item)| {
            let rest = path.strip_prefix("/catalog")?;
            rest.starts_with('/').then(|| (rest.to_string(), item))
        })
        .collect();
    let paths = serde_json::to_value(&doc.paths).map_err(|e| e.to_string())?;
    let used: BTreeSet<&str> = paths
        .as_object()
        .into_iter()
        .flat_map(|items| items.values())
        .filter_map(Value::as_object)
        .flat_map(|item| item.values())
        .filter_map(|op| op["tags"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if let Some(tags) = &mut doc.tags {
        tags.retain(|t| used.contains(t.name.as_str()));
    }
    if let Some(components) = &mut doc.components {
        let keep = reachable(&paths, components)?;
        components.schemas.retain(|name, _| keep.contains(name));
    }
    Ok(doc)
}

/// The component schemas `paths` and the component responses refer to, directly or through
/// other schemas.
fn reachable(paths: &Value, components: &Components) -> Result<BTreeSet<String>, String> {
    const PREFIX: &str = "#/components/schemas/";
    let mut todo = Vec::new();
    refs(paths, &mut todo);
    refs(
        &serde_json::to_value(&components.responses).map_err(|e| e.to_string())?,
        &mut todo,
    );
    let mut keep = BTreeSet::new();
    while let Some(reference) = todo.pop() {
        let Some(name) = reference.strip_prefix(PREFIX) else {
            continue;
        };
        if keep.insert(name.to_string()) {
            if let Some(schema) = components.schemas.get(name) {
                refs(
                    &serde_json::to_value(schema).map_err(|e| e.to_string())?,
                    &mut todo,
                );
            }
        }
    }
    Ok(keep)
}

/// Every `$ref` in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}
