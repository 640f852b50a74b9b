//! Guest mode (`auth.mode: guest`, the embedded demo's default): nobody signs in; visitors act
//! as `auth.guest_user` or as the user they pick on `/auth/guest`, remembered in a cookie. In
//! proxy mode the cookie is ignored and the picker answers 404. Start-up logs a warning while
//! guest mode is on.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use trellis_auth::AuthMode;
use trellis_catalog::store;
use trellis_shared::catalog::query::{Condition, Conjunction, EntityQuery, Filter, OrderField};
use trellis_shared::catalog::EntityRef;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The cookie holding the picked user.
pub const COOKIE: &str = "trellis_guest";

/// The user picked in this browser, if any.
pub fn chosen(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| EntityRef::parse(value, Some("user"), Some("default")).ok())
        .filter(|r| r.kind.eq_ignore_ascii_case("user"))
        .map(|r| r.canonical())
}

/// `?user=<ref>` on `/auth/guest`.
#[derive(Debug, Deserialize)]
pub struct Pick {
    user: Option<String>,
}

/// `GET /auth/guest`: the list of users to act as, or (with `?user=`) picks one.
pub async fn picker(
    State(state): State<AppState>,
    Query(pick): Query<Pick>,
) -> AppResult<Response> {
    if state.config.auth.mode != AuthMode::Guest {
        return Err(AppError::not_found(
            "guest sign-in is off (auth.mode is proxy)",
        ));
    }
    if let Some(user) = pick.user {
        let parsed = EntityRef::parse(&user, Some("user"), Some("default"))
            .map_err(|e| AppError::input(format!("user: {}", e.0)))?;
        let canonical = parsed.canonical();
        if store::get_entity(&state.db, &canonical).await?.is_none() {
            return Err(AppError::not_found(format!(
                "user: no User entity {canonical}"
            )));
        }
        // A canonical ref (`user:namespace/name`, names limited to letters, digits, `-_.`) is a
        // valid cookie value as it is.
        let secure = if state.config.app.base_url.starts_with("https://") {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{COOKIE}={canonical}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000{secure}"
        );
        let cookie = HeaderValue::from_str(&cookie)
            .map_err(|_| AppError::input("user: not usable in a cookie"))?;
        return Ok((
            StatusCode::SEE_OTHER,
            [
                (header::SET_COOKIE, cookie),
                (header::LOCATION, HeaderValue::from_static("/")),
            ],
        )
            .into_response());
    }
    let mut conj = std::collections::BTreeMap::new();
    conj.insert("kind".to_string(), Condition::AnyOf(vec!["user".into()]));
    let query = EntityQuery {
        filter: Filter(vec![Conjunction(conj)]),
        order: vec![OrderField::parse("metadata.name,asc").map_err(AppError::input)?],
        full_text: None,
        predicate: None,
        scope: None,
    };
    let users = store::query_entities(&state.db, &query, 500, None).await?;
    let mut html = String::from("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Act as · Trellis</title></head><body><h1>Guest mode: act as</h1><p>Nobody signs in in guest mode; pick whose view to see.</p><ul>");
    for user in &users.entities {
        let r = user.entity_ref().canonical();
        let link: String = form_urlencoded::byte_serialize(r.as_bytes()).collect();
        html.push_str(&format!(
            "<li><a href=\"/auth/guest?user={link}\">{}</a></li>",
            escape(&user.metadata.name)
        ));
    }
    html.push_str("</ul></body></html>");
    Ok(Html(html).into_response())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
