//! Preload links for the route chunk of the page being served.
//!
//! Leptos registers a lazy route's chunk for preloading when the route's view future first
//! runs, and the response head is read when the shell is ready; with data loaded on the server
//! the view may run later, and the links then go missing from some responses. This writes the
//! links from the split manifest (which `HydrationScripts` loads) and the request path instead,
//! so a directly opened page always fetches its chunk alongside the main module.

use leptos::prelude::*;

/// Split-manifest key prefixes (the lazy view functions) each path needs.
fn chunk_prefixes(path: &str) -> &'static [&'static str] {
    if path == "/catalog" || path == "/catalog/" {
        &["catalog_view_view_"]
    } else if path.starts_with("/catalog/") {
        &["entity_view_view_"]
    } else {
        &[]
    }
}

/// `<link rel="preload">` for the chunks of the requested route (server only; nothing in the
/// browser, where navigation loads chunks itself).
#[component]
pub fn RoutePreloads() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let path = use_context::<http::request::Parts>().map(|p| p.uri.path().to_string()).unwrap_or_default();
        let prefixes = chunk_prefixes(&path);
        let modules: Vec<String> = use_context::<leptos::WasmSplitManifest>()
            .and_then(|m| m.0.try_with_value(|(pkg, manifest, _)| {
                manifest
                    .iter()
                    .filter(|(key, _)| prefixes.iter().any(|p| key.starts_with(p)))
                    .flat_map(|(_, modules)| modules.iter().map(move |m| format!("{pkg}/{m}.wasm")))
                    .collect()
            }))
            .unwrap_or_default();
        modules
            .into_iter()
            .map(|href| view! { <link rel="preload" href=href r#as="fetch" type="application/wasm" crossorigin=""/> })
            .collect_view()
            .into_any()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = chunk_prefixes;
        ().into_any()
    }
}
