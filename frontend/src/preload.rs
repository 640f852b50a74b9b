//! Preload links for the route chunk of the page being served.
//!
//! Leptos registers a lazy route's chunk for preloading when the route's view future first
//! runs, and reads the registrations when the shell is ready; with data loaded on the server the
//! view may run later, and the links then go missing from some responses. This writes the links
//! from the split manifest cargo-leptos wrote (`pkg/__wasm_split_manifest.*.json`) and the
//! request path instead, so a directly opened page always fetches its chunk alongside the main
//! module.

use leptos::prelude::*;

/// Split-manifest keys (without leading underscores) of the lazy views each path needs.
fn chunk_prefixes(path: &str) -> &'static [&'static str] {
    if path == "/catalog" || path == "/catalog/" {
        &["catalog_view_view_"]
    } else if path.starts_with("/catalog/") {
        &["entity_view_view_"]
    } else if path == "/admin" {
        &["admin_view_view_"]
    } else {
        &[]
    }
}

/// The split manifest of a site, read once per site root (and again while it is missing).
#[cfg(feature = "ssr")]
fn manifest(
    options: &LeptosOptions,
) -> std::sync::Arc<std::collections::HashMap<String, Vec<String>>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Cache = Mutex<HashMap<String, Arc<HashMap<String, Vec<String>>>>>;
    static MANIFESTS: OnceLock<Cache> = OnceLock::new();
    let cache = MANIFESTS.get_or_init(Cache::default);
    let key = options.site_root.to_string();
    if let Some(found) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return found;
    }
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let read: Option<HashMap<String, Vec<String>>> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .find(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            name.starts_with("__wasm_split_manifest") && name.ends_with(".json")
        })
        .and_then(|e| std::fs::read_to_string(e.path()).ok())
        .and_then(|text| serde_json::from_str(&text).ok());
    match read {
        Some(map) => {
            let map = Arc::new(map);
            if let Ok(mut c) = cache.lock() {
                c.insert(key, map.clone());
            }
            map
        }
        None => Arc::default(),
    }
}

/// `<link rel="preload">` for the chunks of the requested route (server only; in the browser,
/// navigation loads chunks itself).
#[component]
pub fn RoutePreloads(
    /// The site's options (where `pkg/` is).
    options: LeptosOptions,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let path = use_context::<http::request::Parts>()
            .map(|p| p.uri.path().to_string())
            .unwrap_or_default();
        let prefixes = chunk_prefixes(&path);
        let pkg = format!("/{}", options.site_pkg_dir);
        let mut modules: Vec<String> = manifest(&options)
            .iter()
            .filter(|(key, _)| {
                prefixes
                    .iter()
                    .any(|p| key.trim_start_matches('_').starts_with(p))
            })
            .flat_map(|(_, modules)| modules.iter().map(|m| format!("{pkg}/{m}.wasm")))
            .collect();
        modules.sort();
        modules.dedup();
        modules
            .into_iter()
            .map(|href| view! { <link rel="preload" href=href r#as="fetch" type="application/wasm" crossorigin=""/> })
            .collect_view()
            .into_any()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = (chunk_prefixes, options);
        ().into_any()
    }
}
