//! The entity page's server function: everything the page shows (the entity, its YAML,
//! processing errors, graph, impact and team view, whether I starred it) in one round trip;
//! the visit goes into my recently visited pages.

use leptos::prelude::*;
pub use trellis_shared::views::entity::*;

use super::{PortalError, Wire};

/// The entity page's data; a missing (or unreadable) entity is a not-found error (status 404
/// for the call, and for the page being rendered).
#[server(prefix = "/_sf", endpoint = "catalog/entity")]
pub async fn entity_detail(entity_ref: String, depth: u32) -> Result<Wire, PortalError> {
    let services = super::server::services()?;
    let me = super::server::identity()?;
    let (mut page, starred) = services
        .entity_page_for(&me, &entity_ref, depth)
        .await?
        .ok_or_else(|| {
            trellis_services::ServiceError::NotFound(format!("No entity {entity_ref}"))
        })?;
    let canonical = entity_ref.to_lowercase();
    page.actions = star_form(&canonical, starred);
    if canonical.starts_with("user:") && services.may_view_as(&me, &canonical) {
        page.actions.push_str(&view_as_form(&canonical));
    }
    Wire::encode(&page)
}

/// For those who may (admins): view the home page as this user, audited.
#[cfg(feature = "ssr")]
fn view_as_form(user_ref: &str) -> String {
    view! {
        <form method="post" action="/me/view-as">
            <input type="hidden" name="user" value=user_ref.to_string()/>
            <button class="button small secondary" type="submit"
                title="See their home page as they see it (audited)">"View their home page"</button>
        </form>
    }
    .to_html()
}

/// The star button: a plain form posted to `/me/edit`, which redirects back to the page.
#[cfg(feature = "ssr")]
fn star_form(entity_ref: &str, starred: bool) -> String {
    let back = trellis_services::personal::entity_path(entity_ref);
    let (op, text) = match starred {
        true => ("unstar", "★ Starred"),
        false => ("star", "☆ Star"),
    };
    view! {
        <form method="post" action="/me/edit">
            <input type="hidden" name="op" value=op/>
            <input type="hidden" name="entityRef" value=entity_ref.to_string()/>
            <input type="hidden" name="back" value=back/>
            <button class="button small secondary" type="submit">{text}</button>
        </form>
    }
    .to_html()
}

/// Loads [`entity_detail`]: the server function directly while the server renders, from a chunk of its
/// own in the browser. (A `#[lazy]` call during rendering would add a preload of that
/// chunk to the page: Leptos registers it on the server, at times it does not, so pages
/// fetched more or fewer chunks from one load to the next.)
pub async fn load_entity_detail(entity_ref: String, depth: u32) -> Result<Wire, PortalError> {
    #[cfg(feature = "ssr")]
    return entity_detail(entity_ref, depth).await;
    #[cfg(not(feature = "ssr"))]
    return fetch_entity_detail_lazily(entity_ref, depth).await;
}

#[lazy]
#[cfg_attr(feature = "ssr", allow(dead_code))]
async fn fetch_entity_detail_lazily(entity_ref: String, depth: u32) -> Result<Wire, PortalError> {
    entity_detail(entity_ref, depth).await
}
