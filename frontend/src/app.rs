//! The document shell and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy,
};

use crate::components::layout::{ErrorPage, Shell};
use crate::pages::not_found::NotFound;
use crate::pages::{
    admin::AdminView, catalog::CatalogView, catalog::EntityView, compute::ComputeView,
    home::HomeView,
};

/// The whole HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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
            <body>
                <App/>
            </body>
        </html>
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
                <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view={Lazy::<HomeView>::new()}/>
                        <Route path=path!("/catalog") view={Lazy::<CatalogView>::new()}/>
                        <Route path=path!("/catalog/:namespace/:kind/:name") view={Lazy::<EntityView>::new()}/>
                        <Route path=path!("/compute") view={Lazy::<ComputeView>::new()}/>
                        <Route path=path!("/admin") view={Lazy::<AdminView>::new()}/>
                    </Routes>
                </ErrorBoundary>
            </Shell>
        </Router>
    }
}
