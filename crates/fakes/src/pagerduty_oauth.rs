//! A fake PagerDuty identity service: a scoped OAuth app's tokens, which the fake REST API
//! ([`crate::pagerduty`]) accepts once told to ([`crate::pagerduty::FakePagerDuty::accept_oauth`]).
//!
//! Contract followed (<https://developer.pagerduty.com/docs/e518101fde5f3-obtaining-an-app-o-auth-token>):
//! - `POST /oauth/token`, form-encoded: `grant_type=client_credentials`, `client_id`,
//!   `client_secret`, `scope` = `as_account-<region>.<subdomain>` then the scopes asked for,
//!   space-separated.
//! - `200 {access_token, token_type: "bearer", scope, expires_in}` (seconds).
//! - `400 {error: "invalid_request" | "unsupported_grant_type" | "invalid_scope",
//!   error_description}` for a malformed request, an unknown account, or a scope the app was
//!   not granted; `401 {error: "invalid_client"}` for a wrong client id or secret.
//! - REST calls then carry `Authorization: Bearer <access_token>` until it expires.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

/// The fake app: its credentials, the account it is installed on, what it was granted.
#[derive(Debug)]
pub struct FakePagerDutyApp {
    client_id: String,
    client_secret: String,
    /// `as_account-us.acme`.
    account: String,
    granted: Vec<String>,
    tokens: RwLock<HashMap<String, DateTime<Utc>>>,
    issued: AtomicU64,
}

impl FakePagerDutyApp {
    /// An app with these credentials on account `subdomain` in `region`, granted `scopes`.
    pub fn new(
        client_id: &str,
        client_secret: &str,
        region: &str,
        subdomain: &str,
        scopes: &[&str],
    ) -> Arc<Self> {
        Arc::new(Self {
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            account: format!("as_account-{region}.{subdomain}"),
            granted: scopes.iter().map(|s| s.to_string()).collect(),
            tokens: RwLock::new(HashMap::new()),
            issued: AtomicU64::new(0),
        })
    }

    /// The identity service's routes.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/oauth/token", post(token))
            .with_state(self.clone())
    }

    /// Whether `token` is one of this app's, unexpired.
    pub fn valid(&self, token: &str) -> bool {
        let tokens = self.tokens.read().unwrap_or_else(|e| e.into_inner());
        tokens.get(token).is_some_and(|until| *until > Utc::now())
    }

    /// Tokens issued so far.
    pub fn issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }

    /// Revokes every token issued (an admin rotated the app's secret, say).
    pub fn revoke_tokens(&self) {
        self.tokens
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

fn refuse(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

async fn token(State(app): State<Arc<FakePagerDutyApp>>, body: String) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    if field("grant_type") != "client_credentials" {
        return refuse(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        );
    }
    if field("client_id") != app.client_id || field("client_secret") != app.client_secret {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        );
    }
    let mut scopes = field("scope").split_whitespace();
    if scopes.next() != Some(app.account.as_str()) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the scope must name the app's account first (as_account-<region>.<subdomain>)",
        );
    }
    let asked: Vec<&str> = scopes.collect();
    if asked.is_empty() || asked.iter().any(|s| !app.granted.iter().any(|g| g == s)) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "the app was not granted every scope asked for",
        );
    }
    let n = app.issued.fetch_add(1, Ordering::Relaxed) + 1;
    let access = format!("pdus+fake{n}x{:08x}", fastrand::u32(..));
    app.tokens
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(access.clone(), Utc::now() + TimeDelta::hours(1));
    Json(json!({
        "access_token": access,
        "token_type": "bearer",
        "scope": field("scope"),
        "expires_in": 3600,
    }))
    .into_response()
}
