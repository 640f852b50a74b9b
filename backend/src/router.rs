//! Every HTTP route of Trellis, in one place. The API routes are grouped per plugin; the
//! registry (`plugins.rs`) says where each group is mounted under `/api`. Each API route is
//! added with `.routes(routes!(handler))`: its path and methods come from the handler's
//! `#[utoipa::path]`, which documents it, and the OpenAPI documents (`crate::openapi`) are
//! generated from these same routers.

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
use utoipa::openapi::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{self, catalog, health, method_not_allowed, no_such_route};
use crate::error::error_envelope;
use crate::state::AppState;
use crate::web;

/// Backstage's catalog API (the catalog plugin), mounted at `/api/catalog`.
pub fn catalog_routes() -> OpenApiRouter<AppState> {
    use catalog::{analyze, entities, facets, list, locations, openapi, predicate, query};
    use catalog::{refresh, registration, validate};
    OpenApiRouter::new()
        // GET /catalog/openapi.json
        .routes(routes!(openapi::get_openapi))
        // GET /catalog/entities
        .routes(routes!(list::get_entities))
        // GET, POST /catalog/entities/by-query
        .routes(routes!(
            query::get_entities_by_query,
            predicate::post_entities_by_query
        ))
        // POST /catalog/entities/by-refs
        .routes(routes!(entities::post_entities_by_refs))
        // GET /catalog/entities/by-name/{kind}/{namespace}/{name}
        .routes(routes!(entities::get_entity_by_name))
        // GET /catalog/entities/by-name/{kind}/{namespace}/{name}/ancestry
        .routes(routes!(entities::get_entity_ancestry))
        // GET, DELETE /catalog/entities/by-uid/{uid}
        .routes(routes!(
            entities::get_entity_by_uid,
            entities::delete_entity_by_uid
        ))
        // GET, POST /catalog/entity-facets
        .routes(routes!(
            facets::get_entity_facets,
            facets::post_entity_facets
        ))
        // POST /catalog/refresh
        .routes(routes!(refresh::post_refresh))
        // POST /catalog/validate-entity
        .routes(routes!(validate::post_validate))
        // POST /catalog/analyze-location
        .routes(routes!(analyze::analyze_location))
        // GET, POST /catalog/locations
        .routes(routes!(
            locations::list_locations,
            registration::create_location
        ))
        // POST /catalog/locations/by-query
        .routes(routes!(locations::query_locations))
        // GET, PUT, DELETE /catalog/locations/{id}
        .routes(routes!(
            locations::get_location,
            registration::update_location,
            registration::delete_location
        ))
        // GET /catalog/locations/by-entity/{kind}/{namespace}/{name}
        .routes(routes!(locations::get_location_by_entity))
}

/// Entity providers (the LDAP org plugin), mounted at `/api/catalog/providers`.
pub fn provider_routes() -> OpenApiRouter<AppState> {
    use catalog::providers;
    OpenApiRouter::new()
        // GET /catalog/providers
        .routes(routes!(providers::list_providers))
        // POST /catalog/providers/ldap-org/{id}/sync
        .routes(routes!(providers::sync_provider))
}

/// Access control and the audit log (the auth plugin), mounted at `/api`.
pub fn auth_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // GET /audit/events
        .routes(routes!(api::audit::list_audit_events))
        // POST /permission/authorize
        .routes(routes!(api::permission::authorize))
}

/// The home page's widgets, mounted at `/api/home`.
pub fn home_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // GET /home/pull-requests
        .routes(routes!(api::home::get_pull_requests))
        // GET /home/jira-issues
        .routes(routes!(api::home::get_jira_issues))
        // GET /home/widgets
        .routes(routes!(api::home::get_widgets))
        // GET /home/widgets/{id}
        .routes(routes!(api::home::get_widget_data))
}

/// Find any commit and deploy events (the deployments plugin), mounted at `/api`.
pub fn deployments_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // GET /commits
        .routes(routes!(api::deployments::find_commit))
        // POST /deployments/events
        .routes(routes!(api::deployments::post_deploy_event))
}

/// Dashboards (the dashboards plugin), mounted at `/api`.
pub fn dashboards_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // GET /dashboards
        .routes(routes!(api::dashboards::my_dashboards))
        // GET /dashboards/{uid}/charts
        .routes(routes!(api::dashboards::dashboard_charts))
        // GET /dashboards/{uid}/open
        .routes(routes!(api::dashboards::open_dashboard))
}

/// A person's own corner (the personal plugin), mounted at `/api`.
pub fn personal_routes() -> OpenApiRouter<AppState> {
    use api::personal;
    OpenApiRouter::new()
        // GET /me/personal
        .routes(routes!(personal::get_personal))
        // PUT, DELETE /me/stars/{kind}/{namespace}/{name}
        .routes(routes!(personal::star_entity, personal::unstar_entity))
        // POST /me/links
        .routes(routes!(personal::add_link))
        // DELETE /me/links/{id}
        .routes(routes!(personal::remove_link))
        // GET, PUT, DELETE /me/layout
        .routes(routes!(
            personal::get_layout,
            personal::set_layout,
            personal::reset_layout
        ))
        // GET /me/palette
        .routes(routes!(api::palette::search_palette))
}

/// Background runs (the platform), mounted at `/api/jobs`.
pub fn jobs_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // GET /jobs/runs/{id}
        .routes(routes!(api::jobs::get_job_run))
}

/// The JSON API under `/api` (the comments say each route's methods and path there): the
/// probes, the whole API's document, then each plugin's routes where the registry mounts them.
/// Only `.routes(routes!(...))` adds API routes, so each is documented by its handler.
fn api_routes() -> OpenApiRouter<AppState> {
    let mut api = OpenApiRouter::with_openapi(crate::openapi::base())
        // GET /healthz
        .routes(routes!(health::get_health))
        // GET /readyz
        .routes(routes!(health::get_readiness))
        // GET /openapi.json
        .routes(routes!(api::openapi::get_openapi));
    for registered in crate::plugins::registry() {
        if let Some((mount, routes)) = registered.api {
            api = if mount == "/" {
                api.merge(routes())
            } else {
                api.nest(mount, routes())
            };
        }
    }
    api
}

/// The JSON API mounted at `/api`, with the 404 and 405 envelopes for what it does not route,
/// and its OpenAPI document (paths relative to `/api`).
pub fn api() -> (Router<AppState>, OpenApi) {
    let (router, doc) = api_routes().split_for_parts();
    let router = router
        .fallback(no_such_route)
        .method_not_allowed_fallback(method_not_allowed);
    (router, doc)
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
    let mut router = Router::<AppState>::new();
    for (path, file) in web::root_files(&state.config.server.site_root) {
        router = router.route(&path, file);
    }
    router
        // Probes at the root, where Kubernetes and load balancers look for them.
        .route("/healthz", get(health::get_health))
        .route("/readyz", get(health::get_readiness))
        // Prometheus scrapes here (its default metrics path).
        .route("/metrics", get(api::metrics::get_metrics))
        .nest("/api", api().0)
        // Guest mode's pick (its page, `/auth/guest`, is one of the Leptos pages).
        .route("/auth/guest", post(crate::auth::guest::pick))
        // The personal card's and the entity page's forms (stars, toolkit, layout).
        .route("/me/edit", post(api::personal_edit::edit))
        // Viewing the home page as someone else (admins, audited).
        .route("/me/view-as", post(api::view_as::start))
        .route("/me/view-as/stop", post(api::view_as::stop))
        .nest_service("/pkg", web::pkg_service(&state.config.server.site_root))
        .leptos_routes_with_context(
            &state,
            pages,
            move || leptos::context::provide_context(services.clone()),
            move || trellis_frontend::shell((*leptos).clone()),
        )
        .fallback(web::fallback(state.services.clone()))
        // Leptos's handlers must not see another request's reactive owner (see the function).
        .layer(middleware::from_fn(web::isolate_reactive_owner))
        // A page's ready parts go out together (fewer writes), before compression.
        .layer(middleware::from_fn(crate::coalesce::coalesce_html))
        // A person's unchanged home page served again (inside compression, outside the render).
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::page_cache::reuse,
        ))
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
