//! A fake of GitHub's App authentication: it checks the app's JWT as GitHub does and issues
//! installation access tokens, which the fake GraphQL ([`crate::github`]) and REST
//! ([`crate::github_rest`]) APIs accept for the installation's account only.
//!
//! Contract followed:
//! - <https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app>:
//!   `Authorization: Bearer <JWT>`, RS256, `iss` the app's id (or client id), `exp` at most 10
//!   minutes ahead; otherwise `401` (`A JSON web token could not be decoded`,
//!   `'Expiration time' claim ('exp') is too far in the future`).
//! - <https://docs.github.com/en/rest/apps/apps#list-installations-for-the-authenticated-app>:
//!   `GET /app/installations?per_page=&page=` (at most 100 a page, `Link` header), each with
//!   `id`, `account {login, type}`, `app_id`.
//! - <https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app>:
//!   `POST /app/installations/{installation_id}/access_tokens`: `201 {token, expires_at,
//!   permissions, repository_selection}`, the token valid for an hour (a suspended installation,
//!   listed with `suspended_at`, is refused with `403`); an unknown installation
//!   is `404 Not Found`.
//! - <https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation>:
//!   an installation token reaches only the installation's repositories (others are `404`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::json;

/// The private key of the fakes' test app (PKCS#1 PEM, as GitHub hands them out). Not a
/// secret: generated for these fakes (`openssl genrsa -traditional 2048`), trusted nowhere.
pub const TEST_PRIVATE_KEY: &str = include_str!("../keys/github-app-test.pem");
const TEST_PUBLIC_KEY: &str = include_str!("../keys/github-app-test.pub.pem");

/// The fake app: its id, its installations and the tokens it issued.
#[derive(Debug)]
pub struct FakeGitHubApp {
    /// The app's id (the JWT's `iss`).
    pub app_id: u64,
    installations: Vec<(u64, String)>,
    tokens: RwLock<HashMap<String, (String, DateTime<Utc>)>>,
    issued: AtomicU64,
    pages: AtomicU64,
    suspended: RwLock<Vec<u64>>,
}

#[derive(Deserialize)]
struct Page {
    per_page: Option<usize>,
    page: Option<usize>,
}

impl FakeGitHubApp {
    /// App `app_id`, signed with [`TEST_PRIVATE_KEY`], installed on these `(id, account)`s.
    pub fn new(app_id: u64, installations: &[(u64, &str)]) -> Arc<Self> {
        Arc::new(Self {
            app_id,
            installations: installations
                .iter()
                .map(|(id, owner)| (*id, owner.to_string()))
                .collect(),
            tokens: RwLock::new(HashMap::new()),
            issued: AtomicU64::new(0),
            pages: AtomicU64::new(0),
            suspended: RwLock::new(Vec::new()),
        })
    }

    /// The routes at the REST API's root.
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/app/installations", get(installations))
            .route("/app/installations/{id}/access_tokens", post(access_token))
            .with_state(self.clone())
    }

    /// The account an unexpired installation token of this app reaches.
    pub fn owner_of(&self, token: &str) -> Option<String> {
        let tokens = self.tokens.read().unwrap_or_else(|e| e.into_inner());
        tokens
            .get(token)
            .filter(|(_, expires)| *expires > Utc::now())
            .map(|(owner, _)| owner.clone())
    }

    /// Installation tokens issued so far.
    pub fn issued(&self) -> u64 {
        self.issued.load(Ordering::Relaxed)
    }

    /// Suspends installation `id`: listed with `suspended_at`, its token refused with `403`.
    pub fn suspend(&self, id: u64) {
        self.suspended
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(id);
    }

    fn is_suspended(&self, id: u64) -> bool {
        self.suspended
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&id)
    }

    /// Pages of the installation list served so far.
    pub fn pages_served(&self) -> u64 {
        self.pages.load(Ordering::Relaxed)
    }

    /// Makes every issued token expire now (what an hour does).
    pub fn expire_tokens(&self) {
        let mut tokens = self.tokens.write().unwrap_or_else(|e| e.into_inner());
        for (_, expires) in tokens.values_mut() {
            *expires = Utc::now() - TimeDelta::seconds(1);
        }
    }

    /// Checks the request's JWT as GitHub does: the `401`'s message when it is refused.
    fn check_jwt(&self, headers: &HeaderMap) -> Result<(), &'static str> {
        let refuse = Err;
        let Some(jwt) = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        else {
            return refuse("A JSON web token could not be decoded");
        };
        let Ok(key) = DecodingKey::from_rsa_pem(TEST_PUBLIC_KEY.as_bytes()) else {
            return refuse("A JSON web token could not be decoded");
        };
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[self.app_id.to_string()]);
        validation.set_required_spec_claims(&["exp", "iat", "iss"]);
        #[derive(Deserialize)]
        struct Claims {
            exp: i64,
        }
        match jsonwebtoken::decode::<Claims>(jwt, &key, &validation) {
            Ok(t) if t.claims.exp > Utc::now().timestamp() + 600 => {
                refuse("'Expiration time' claim ('exp') is too far in the future")
            }
            Ok(_) => Ok(()),
            Err(_) => refuse("A JSON web token could not be decoded"),
        }
    }
}

/// What a fake GitHub API accepts: its plain token, and the installation tokens of the app it
/// was told to accept ([`Credentials::accept_app`]).
#[derive(Debug, Default)]
pub(crate) struct Credentials {
    token: String,
    app: RwLock<Option<Arc<FakeGitHubApp>>>,
}

impl Credentials {
    pub(crate) fn new(token: &str) -> Self {
        Self {
            token: token.to_string(),
            app: RwLock::new(None),
        }
    }

    pub(crate) fn accept_app(&self, app: Arc<FakeGitHubApp>) {
        *self.app.write().unwrap_or_else(|e| e.into_inner()) = Some(app);
    }

    /// Whom `token` lets in: `Some(None)` everything, `Some(Some(owner))` an installation's
    /// account, `None` nobody.
    pub(crate) fn scope(&self, token: &str) -> Option<Option<String>> {
        if token == self.token {
            return Some(None);
        }
        let app = self.app.read().unwrap_or_else(|e| e.into_inner());
        app.as_ref()?.owner_of(token).map(Some)
    }
}

/// Whether `scope` (from [`Credentials::scope`]) reaches repository `owner/...`.
pub(crate) fn reaches(scope: Option<&str>, repo: &str) -> bool {
    scope.is_none_or(|owner| {
        repo.split('/')
            .next()
            .is_some_and(|o| o.eq_ignore_ascii_case(owner))
    })
}

fn err(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({"message": message, "documentation_url": "https://docs.github.com/rest/apps/apps"})),
    )
        .into_response()
}

async fn installations(
    State(app): State<Arc<FakeGitHubApp>>,
    headers: HeaderMap,
    Query(page): Query<Page>,
) -> Response {
    if let Err(message) = app.check_jwt(&headers) {
        return err(StatusCode::UNAUTHORIZED, message);
    }
    app.pages.fetch_add(1, Ordering::Relaxed);
    let per_page = page.per_page.unwrap_or(30).clamp(1, 100);
    let number = page.page.unwrap_or(1).max(1);
    let list: Vec<_> = app
        .installations
        .iter()
        .skip((number - 1) * per_page)
        .take(per_page)
        .map(|(id, owner)| {
            let suspended = app.is_suspended(*id).then_some("2026-11-30T10:00:00Z");
            json!({"id": id, "app_id": app.app_id, "target_type": "Organization",
                   "account": {"login": owner, "type": "Organization"},
                   "repository_selection": "all", "suspended_at": suspended})
        })
        .collect();
    let mut out = HeaderMap::new();
    if number * per_page < app.installations.len() {
        let link = format!(
            "</app/installations?per_page={per_page}&page={}>; rel=\"next\"",
            number + 1
        );
        if let Ok(v) = link.parse() {
            out.insert("link", v);
        }
    }
    (StatusCode::OK, out, Json(list)).into_response()
}

async fn access_token(
    State(app): State<Arc<FakeGitHubApp>>,
    headers: HeaderMap,
    Path(id): Path<u64>,
) -> Response {
    if let Err(message) = app.check_jwt(&headers) {
        return err(StatusCode::UNAUTHORIZED, message);
    }
    let Some((_, owner)) = app.installations.iter().find(|(i, _)| *i == id) else {
        return err(StatusCode::NOT_FOUND, "Not Found");
    };
    if app.is_suspended(id) {
        return err(
            StatusCode::FORBIDDEN,
            "This installation has been suspended",
        );
    }
    let n = app.issued.fetch_add(1, Ordering::Relaxed) + 1;
    let token = format!("ghs_fake{id}x{n}x{:08x}", fastrand::u32(..));
    let expires = Utc::now() + TimeDelta::hours(1);
    app.tokens
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(token.clone(), (owner.clone(), expires));
    let body = json!({
        "token": token,
        "expires_at": expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "permissions": {"contents": "read", "pull_requests": "read", "deployments": "read"},
        "repository_selection": "all",
    });
    (StatusCode::CREATED, Json(body)).into_response()
}
