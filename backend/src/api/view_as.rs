//! Viewing the home page as someone else (admins, audited): `POST /me/view-as` with
//! `user=<ref>` (the form on a User's entity page) starts it and `POST /me/view-as/stop` ends
//! it; both answer `303` to the home page. The person viewed is kept in an `HttpOnly`,
//! `SameSite=Strict` cookie that expires after an hour, and every request re-checks that the caller
//! may still read that home ([`trellis_services::personal::view_as`]).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Redirect;
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use trellis_services::personal::view_as::{COOKIE, MAX_AGE_SECS};

use crate::auth::caller::Caller;
use crate::error::AppResult;
use crate::state::AppState;

/// The form: `user=<ref>`.
#[derive(Debug, Deserialize)]
pub struct ViewAsForm {
    #[serde(default)]
    user: String,
}

/// `POST /me/view-as`: view the home page as `user` from now on; refused (403, audited) unless
/// the caller may read their home.
pub async fn start(
    State(state): State<AppState>,
    Caller(actor): Caller,
    jar: CookieJar,
    Form(form): Form<ViewAsForm>,
) -> AppResult<(CookieJar, Redirect)> {
    let user = state.view_as(&actor, &form.user).await?;
    let cookie = Cookie::build((COOKIE, user))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.app.base_url.starts_with("https://"))
        .max_age(cookie::time::Duration::seconds(MAX_AGE_SECS));
    Ok((jar.add(cookie), Redirect::to("/")))
}

/// `POST /me/view-as/stop`: back to the caller's own home page.
pub async fn stop(
    State(state): State<AppState>,
    Caller(actor): Caller,
    headers: HeaderMap,
    jar: CookieJar,
) -> (CookieJar, Redirect) {
    if let Some(user) = crate::auth::guest::user_in_cookie(&headers, COOKIE) {
        state.stop_view_as(&actor, &user).await;
    }
    (
        jar.remove(Cookie::build(COOKIE).path("/")),
        Redirect::to("/"),
    )
}
