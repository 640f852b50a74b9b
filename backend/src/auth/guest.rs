//! Guest mode (`auth.mode: guest`, the embedded demo's default): nobody signs in; visitors act
//! as `auth.guestUser` or as the user they pick on the `/auth/guest` page (a Leptos page, see
//! `frontend/src/pages/guest.rs`), which posts here; the pick is remembered in a cookie. In
//! proxy mode the cookie is ignored and the pick answers 404. Start-up logs a warning while
//! guest mode is on.

use axum::extract::State;
use axum::response::Redirect;
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use http::HeaderMap;
use serde::Deserialize;
use trellis_shared::catalog::EntityRef;

use crate::error::AppResult;
use crate::state::AppState;

/// The cookie holding the picked user.
pub const COOKIE: &str = "trellis_guest";

/// How long a pick is remembered.
const REMEMBER: cookie::time::Duration = cookie::time::Duration::days(30);

/// The user picked in this browser, if any (a User ref; anything else is ignored).
pub fn chosen(headers: &HeaderMap) -> Option<String> {
    user_in_cookie(headers, COOKIE)
}

/// The User ref cookie `name` holds, canonical; anything else is ignored (also for viewing as
/// someone else, whose cookie names a user the same way).
pub fn user_in_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let jar = CookieJar::from_headers(headers);
    let value = jar.get(name)?.value().to_string();
    EntityRef::parse(&value, Some("user"), Some("default"))
        .ok()
        .filter(|r| r.kind.eq_ignore_ascii_case("user"))
        .map(|r| r.canonical())
}

/// The picker's form: `user=<ref>`.
#[derive(Debug, Deserialize)]
pub struct Pick {
    user: String,
}

/// `POST /auth/guest`: act as `user` from now on (303 to the home page).
pub async fn pick(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(pick): Form<Pick>,
) -> AppResult<(CookieJar, Redirect)> {
    let canonical = state.guest_pick(&pick.user).await?;
    let cookie = Cookie::build((COOKIE, canonical))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.app.base_url.starts_with("https://"))
        .max_age(REMEMBER);
    Ok((jar.add(cookie), Redirect::to("/")))
}
