//! The app frame every page sits in: skip link, navigation bar, page header and error page.

use leptos::prelude::*;
use leptos_router::components::A;
use trellis_shared::nav::SECTIONS;

use super::palette::Palette;
use super::theme::ThemeToggle;

/// Navigation bar and main landmark around the routed page.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    super::listen::install();
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/" aria-label="Trellis home">
                <span class="brand-mark" aria-hidden="true"></span>
                "Trellis"
            </a>
            <nav class="nav" aria-label="Main">
                <ul>
                    {SECTIONS
                        .iter()
                        .map(|s| view! { <li><A href=s.path exact=true>{s.label}</A></li> })
                        .collect_view()}
                </ul>
            </nav>
            <div class="topbar-end">
                <Palette/>
                <SignedIn/>
                <ThemeToggle/>
            </div>
        </header>
        <main id="main" class="page" tabindex="-1">{children()}</main>
        <footer class="footer">
            <span>"Trellis " {env!("CARGO_PKG_VERSION")}</span>
            <a href="/readyz">"Status"</a>
        </footer>
    }
}

/// Who is signed in, with the sign-out (or, in guest mode, switch-user) link.
#[component]
fn SignedIn() -> impl IntoView {
    // A string-coded resource (an absent viewer is the empty string): no JSON in the main module.
    // The server calls the server function itself: going through the `#[lazy]` loader there
    // would add a preload of the loader's chunk (and the server-function client it pulls in) to
    // every page, though hydration reads the value from the page and never runs the fetcher.
    let viewer = Resource::new_str(
        || (),
        |_| async {
            #[cfg(feature = "ssr")]
            let text = crate::api::viewer::viewer().await.ok();
            #[cfg(not(feature = "ssr"))]
            let text = crate::api::viewer::load_viewer()
                .await
                .map(|v| v.to_string());
            text.unwrap_or_default()
        },
    );
    view! {
        <Suspense fallback=|| ()>
            {move || {
                viewer.get().and_then(|text| text.parse::<crate::api::viewer::SignedInUser>().ok()).map(|v| {
                    let (label, title) = if v.guest {
                        ("Switch user", "Guest mode: act as another user")
                    } else {
                        ("Sign out", "Sign out")
                    };
                    view! {
                        <span class="viewer" data-user=v.user_ref.clone() title=v.teams.join(", ")>
                            {v.display_name.clone()}
                        </span>
                        <a class="sign-out" href=v.sign_out_url.clone() title=title rel="external">{label}</a>
                    }
                })
            }}
        </Suspense>
    }
}

/// Title and one-line summary at the top of a page.
#[component]
pub fn PageHeader(
    /// Page title, also used for the document title.
    #[prop(into)]
    title: String,
    /// One line under the title.
    #[prop(into, optional)]
    summary: Option<String>,
    /// Actions shown at the end of the header.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <leptos_meta::Title text=title.clone()/>
        <div class="page-header">
            <div>
                <h1>{title}</h1>
                {summary.map(|s| view! { <p class="summary">{s}</p> })}
            </div>
            {children.map(|c| view! { <div class="page-actions">{c()}</div> })}
        </div>
    }
}

/// A card: a titled box on a page.
#[component]
pub fn Card(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <section class="card">
            <h2>{title}</h2>
            {children()}
        </section>
    }
}
