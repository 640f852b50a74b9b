//! The document shell and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

use crate::components::layout::Shell;
use crate::pages::not_found::NotFound;
use crate::pages::{
    admin::AdminView, catalog::CatalogView, catalog::EntityView, compute::ComputeView,
    guest::GuestView, home::HomeView,
};

/// The whole HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    page_security_policy();
    #[cfg(feature = "ssr")]
    let widgets = crate::api::home::layout_text();
    #[cfg(not(feature = "ssr"))]
    let widgets = String::new();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // Applies the stored theme before first paint, so dark mode never flashes light.
                <script src="/theme.js"></script>
                <HashedStylesheet options=options.clone() id="trellis"/>
                <crate::preload::RoutePreloads options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            // The home page's cards (see `api/home.rs`).
            <body data-widgets=widgets>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this origin plus the hydration
/// script carrying this response's nonce, WASM compilation, no framing, no plugins.
#[cfg(feature = "ssr")]
fn page_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; \
         object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The app: shell around the routed page.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, once the app is live: marks the page as hydrated for
    // end-to-end tests and for styles that must wait for interactivity.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="description" content="Trellis: the developer portal for everything you own."/>
        <Title formatter=|title: String| if title.is_empty() { "Trellis".to_string() } else { format!("{title} · Trellis") }/>
        <Router>
            <Shell>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view={Lazy::<HomeView>::new()}/>
                        // Pages that are their data render it whole before the first byte (and
                        // so can answer 403/404); the home page streams, never waiting on data.
                        <Route path=path!("/catalog") view={Lazy::<CatalogView>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/catalog/:namespace/:kind/:name") view={Lazy::<EntityView>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/compute") view={Lazy::<ComputeView>::new()}/>
                        <Route path=path!("/admin") view={Lazy::<AdminView>::new()} ssr=SsrMode::Async/>
                        <Route path=path!("/auth/guest") view={Lazy::<GuestView>::new()} ssr=SsrMode::Async/>
                    </Routes>
            </Shell>
        </Router>
    }
}
