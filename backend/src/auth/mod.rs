//! Sign-in on every request: the middleware that establishes who is asking (trusted proxy
//! headers, or the picked guest in guest mode), the [`Viewer`] extractor handlers use, and the
//! answers for requests without identity: browsers are redirected to `auth.sign_in_url` with
//! the original path as `rd`, API and server-function calls get 401 in the error envelope.
//!
//! An admin viewing the home page as someone else (`crate::api::view_as`) gets that person as a
//! [`ViewAs`] beside their own identity, checked again on every request.
//!
//! Probes, `/metrics` and static assets need no identity. State-changing requests are checked
//! for cross-site origin first ([`security`]).

pub mod caller;
pub mod guest;
pub mod security;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use trellis_auth::identity::Outcome;
use trellis_auth::resolve::ResolveError;
use trellis_auth::{AuthMode, Identity};
use trellis_services::personal::view_as::{self, ViewAs};

use crate::error::AppError;
use crate::state::AppState;

/// Paths anyone may fetch: probes, metrics, client assets and the root's static files.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/healthz"
            | "/readyz"
            | "/api/healthz"
            | "/api/readyz"
            | "/metrics"
            | "/favicon.svg"
            | "/favicon.ico"
            | "/theme.js"
            | "/robots.txt"
            // Machine callers authenticate themselves with a static token (the handler checks
            // it); no cookie is involved, so no cross-site request can ride on one.
            | "/api/deployments/events"
    ) || path.starts_with("/pkg/")
}

/// Middleware: attaches the request's [`Identity`] or answers for the missing one.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if is_public(request.uri().path()) {
        return next.run(request).await;
    }
    if let Err(e) = security::check_origin(&state.config.app.base_url, &request) {
        return e.into_response();
    }
    let outcome = match state.config.auth.mode {
        AuthMode::Proxy => {
            let peer = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip());
            state.identities.from_request(request.headers(), peer).await
        }
        AuthMode::Guest => {
            let user = guest::chosen(request.headers())
                .unwrap_or_else(|| state.config.auth.guest_user.clone());
            match state.identities.guest(&user).await {
                Ok(identity) => Outcome::Signed(identity),
                Err(e) => Outcome::Refused(e),
            }
        }
    };
    match outcome {
        Outcome::Signed(identity) => {
            let viewed = match guest::user_in_cookie(request.headers(), view_as::COOKIE) {
                Some(user) => state.viewed(&identity, &user).await,
                None => None,
            };
            if is_page_load(&request) {
                // The home page shows the viewed person's cards, in their order.
                let layout = state
                    .widget_layout_for(viewed.as_ref().unwrap_or(&identity))
                    .await;
                request
                    .extensions_mut()
                    .insert(trellis_services::personal::layout::PersonLayout(layout));
            }
            if let Some(v) = viewed {
                request.extensions_mut().insert(ViewAs(v));
            }
            request.extensions_mut().insert(identity);
            next.run(request).await
        }
        Outcome::Anonymous(reason) => {
            tracing::debug!(%reason, "request without identity");
            unauthenticated(&state, &request)
        }
        Outcome::Refused(ResolveError::Store(e)) => {
            AppError::unavailable(format!("sign-in cannot be checked right now: {e}"))
                .into_response()
        }
        Outcome::Refused(e) => {
            let path: String = request.uri().path().chars().take(200).collect();
            let request_id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            refused_sign_in(&state, &path, request_id.as_deref(), &e).await;
            AppError::forbidden(e.to_string()).into_response()
        }
    }
}

/// Whether `request` may be a page load (its shell carries the person's home layout).
fn is_page_load(request: &Request) -> bool {
    let path = request.uri().path();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/_sf/")
}

/// A refused sign-in is a denial: into the audit log, with who the proxy named and why.
async fn refused_sign_in(state: &AppState, path: &str, request_id: Option<&str>, e: &ResolveError) {
    let reason = e.to_string();
    let event = trellis_auth::audit::NewEvent {
        actor: e.claimed(),
        action: "auth.sign-in",
        resource: path,
        outcome: trellis_auth::audit::Outcome::Denied,
        request_id,
        detail: Some(&reason),
    };
    if let Err(e) = trellis_auth::audit::record(&state.db, &event, chrono::Utc::now()).await {
        tracing::error!(error = %e, "audit event could not be written");
    }
}

/// 302 to the sign-in URL for page loads; 401 for everything else.
fn unauthenticated(state: &AppState, request: &Request) -> Response {
    let path = request.uri().path();
    let wants_page = matches!(*request.method(), Method::GET | Method::HEAD)
        && !path.starts_with("/api/")
        && !path.starts_with("/_sf/")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
    if !wants_page {
        return AppError::unauthorized("sign in first: the request carries no identity")
            .into_response();
    }
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let sign_in = &state.config.auth.sign_in_url;
    let separator = if sign_in.contains('?') { '&' } else { '?' };
    let rd: String = form_urlencoded::byte_serialize(target.as_bytes()).collect();
    let location = format!("{sign_in}{separator}rd={rd}");
    match HeaderValue::from_str(&location) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => AppError::unauthorized("sign in first").into_response(),
    }
}

/// The signed-in user of a request (handlers take it as an argument).
#[derive(Debug, Clone)]
pub struct Viewer(pub Identity);

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Identity>()
            .cloned()
            .map(Viewer)
            .ok_or_else(|| AppError::unauthorized("sign in first: the request carries no identity"))
    }
}
