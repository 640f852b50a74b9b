//! The 404 page. During server rendering it also sets the HTTP status to 404.

use leptos::prelude::*;

use crate::components::layout::PageHeader;

/// Shown for any path no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageHeader title="Page not found" summary="There is nothing at this address."/>
        <p><a class="button" href="/">"Go home"</a></p>
    }
}
