//! Every HTTP route of Trellis, in one place. The API routes are grouped per plugin; the
//! registry (`plugins.rs`) says where each group is mounted under `/api`.

use std::sync::OnceLock;
use std::time::Duration;

use axum::http::{header, HeaderValue};
use axum::middleware;
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::api::{self, catalog, health, method_not_allowed, no_such_route};
use crate::error::error_envelope;
use crate::state::AppState;
use crate::web;

/// Backstage's catalog API (the catalog plugin), under `/api/catalog`.
pub fn catalog_routes() -> Router<AppState> {
    use catalog::{entities, facets, locations, openapi, query, refresh, validate};
    Router::new()
        .route("/openapi.json", get(openapi::get_openapi))
        .route("/entities", get(query::get_entities))
        .route(
            "/entities/by-query",
            get(query::get_entities_by_query).post(query::post_entities_by_query),
        )
        .route("/entities/by-refs", post(entities::post_entities_by_refs))
        .route(
            "/entities/by-name/{kind}/{namespace}/{name}",
            get(entities::get_entity_by_name),
        )
        .route(
            "/entities/by-name/{kind}/{namespace}/{name}/ancestry",
            get(entities::get_entity_ancestry),
        )
        .route(
            "/entities/by-uid/{uid}",
            get(entities::get_entity_by_uid).delete(entities::delete_entity_by_uid),
        )
        .route(
            "/entity-facets",
            get(facets::get_entity_facets).post(facets::post_entity_facets),
        )
        .route("/refresh", post(refresh::post_refresh))
        .route("/validate-entity", post(validate::post_validate))
        .route("/analyze-location", post(locations::analyze_location))
        .route(
            "/locations",
            get(locations::list_locations).post(locations::create_location),
        )
        .route("/locations/by-query", post(locations::query_locations))
        .route(
            "/locations/{id}",
            get(locations::get_location)
                .put(locations::update_location)
                .delete(locations::delete_location),
        )
        .route(
            "/locations/by-entity/{kind}/{namespace}/{name}",
            get(locations::get_location_by_entity),
        )
}

/// Entity providers (the LDAP org plugin), under `/api/catalog/providers`.
pub fn provider_routes() -> Router<AppState> {
    use catalog::providers;
    Router::new()
        .route("/", get(providers::list_providers))
        .route("/ldap-org/{id}/sync", post(providers::sync_provider))
}

/// Access control and the audit log (the auth plugin), under `/api`.
pub fn auth_routes() -> Router<AppState> {
    Router::new()
        .route("/audit/events", get(api::audit::list_audit_events))
        .route("/permission/authorize", post(api::permission::authorize))
}

/// Background runs (the platform), under `/api/jobs`.
pub fn jobs_routes() -> Router<AppState> {
    Router::new().route("/runs/{id}", get(api::jobs::get_job_run))
}

/// The JSON API under `/api`: the probes, then each plugin's routes where the registry mounts
/// them.
fn api_routes() -> Router<AppState> {
    let mut api = Router::new()
        .route("/healthz", get(health::get_health))
        .route("/readyz", get(health::get_readiness));
    for registered in crate::plugins::registry() {
        if let Some((mount, routes)) = registered.api {
            api = if mount == "/" {
                api.merge(routes())
            } else {
                api.nest(mount, routes())
            };
        }
    }
    api.fallback(no_such_route)
        .method_not_allowed_fallback(method_not_allowed)
}

/// The page routes, generated once per process. While Leptos generates the list it suppresses
/// every resource load in the whole process, and a resource first polled in that window never
/// loads (leptos-rs/leptos#4773): generating again for a second router (tests build one per app)
/// would stall pages other routers are rendering at that moment.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES
        .get_or_init(|| generate_route_list(trellis_frontend::App))
        .clone()
}

/// The path of every page route (for checks against other page tables).
pub fn page_paths() -> Vec<String> {
    page_routes().iter().map(|r| r.path().to_string()).collect()
}

/// The whole application: probes, API, server-rendered pages and static assets.
pub fn build(state: AppState) -> Router {
    let pages = page_routes();
    let leptos = state.leptos.clone();
    // What the pages' server functions reach the service layer through: the same `Arc` the
    // handlers have, for SSR and `/_sf` calls alike.
    let services = state.services.clone();
    Router::new()
        // Probes at the root, where Kubernetes and load balancers look for them.
        .route("/healthz", get(health::get_health))
        .route("/readyz", get(health::get_readiness))
        // Prometheus scrapes here (its default metrics path).
        .route("/metrics", get(api::metrics::get_metrics))
        .nest("/api", api_routes())
        // Guest mode's pick (its page, `/auth/guest`, is one of the Leptos pages).
        .route("/auth/guest", post(crate::auth::guest::pick))
        .nest_service("/pkg", web::pkg_service(&state.config.server.site_root))
        .leptos_routes_with_context(
            &state,
            pages,
            move || leptos::context::provide_context(services.clone()),
            move || trellis_frontend::shell((*leptos).clone()),
        )
        .fallback(web::fallback())
        // Leptos's handlers must not see another request's reactive owner (see the function).
        .layer(middleware::from_fn(web::isolate_reactive_owner))
        // Innermost first: headers, compression, limits; then the error envelope; outermost the
        // request id, so every layer below (and every log line) sees it.
        .layer(
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                ))
                .layer(CompressionLayer::new().quality(CompressionLevel::Precise(5)))
                .layer(RequestBodyLimitLayer::new(
                    state.config.server.body_limit_bytes,
                ))
                .layer(TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                )),
        )
        // Who is asking (or the 302/401 for nobody), inside the envelope so refusals get one.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::identify,
        ))
        .layer(middleware::from_fn(error_envelope))
        .layer(middleware::from_fn(crate::auth::security::add_headers))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(web::request_span))
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
        .with_state(state)
}
