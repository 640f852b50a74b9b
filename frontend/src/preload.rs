//! Preload links for the route chunk of the page being served, derived from the route table.
//!
//! [`PAGES`] lists each route's path pattern with its lazy view *type*, the same types the
//! `<Routes>` in `app.rs` render (a test keeps the two lists equal). A lazy route's view is
//! split out under a name made from its type (`#[lazy_route]` on `CatalogView` splits
//! `__catalog_view_view_<hash>`), so the chunk files of the page being served are looked up in
//! the split manifest cargo-leptos wrote (`pkg/__wasm_split_manifest.*.json`) by the type's
//! name: a directly opened page fetches its chunk alongside the main module, whichever it is.
//! (Leptos registers lazy chunks for preloading as they run, but on the server that can happen
//! after the links are read, and the links go missing.)

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages::{
    admin::AdminView, catalog::CatalogView, catalog::EntityView, compute::ComputeView,
    guest::GuestView, home::HomeView,
};

/// The split name of lazy route `T`'s view: its type's name in snake case, then `_view_`.
fn view_key<T: LazyRoute>() -> String {
    let name = std::any::type_name::<T>()
        .rsplit("::")
        .next()
        .unwrap_or_default();
    let mut key = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                key.push('_');
            }
            key.push(c.to_ascii_lowercase());
        } else {
            key.push(c);
        }
    }
    key.push_str("_view_");
    key
}

/// A page: its path pattern (`:name` matches one segment) and its lazy view's split name.
type Page = (&'static str, fn() -> String);

/// Every page.
pub const PAGES: &[Page] = &[
    ("/", view_key::<HomeView>),
    ("/catalog", view_key::<CatalogView>),
    ("/catalog/:namespace/:kind/:name", view_key::<EntityView>),
    ("/compute", view_key::<ComputeView>),
    ("/admin", view_key::<AdminView>),
    ("/auth/guest", view_key::<GuestView>),
];

/// The path patterns of [`PAGES`] (the server checks them against its route list).
pub fn page_patterns() -> Vec<&'static str> {
    PAGES.iter().map(|(p, _)| *p).collect()
}

/// Whether `path` matches `pattern`.
fn matches(pattern: &str, path: &str) -> bool {
    let parts = |p: &str| {
        p.trim_end_matches('/')
            .split('/')
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (pattern, path) = (parts(pattern), parts(path));
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(a, b)| a.starts_with(':') && !b.is_empty() || a == b)
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

/// `<link rel="preload">` for the chunks of the requested page's view (server only; in the
/// browser, navigation loads chunks itself).
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
        let Some(view) = PAGES
            .iter()
            .find(|(pattern, _)| matches(pattern, &path))
            .map(|(_, key)| key())
        else {
            return ().into_any();
        };
        let pkg = format!("/{}", options.site_pkg_dir);
        let mut modules: Vec<String> = manifest(&options)
            .iter()
            .filter(|(key, _)| key.trim_start_matches('_').starts_with(&view))
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
        let _ = (matches, options);
        ().into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_keys_follow_the_view_types() {
        assert_eq!(view_key::<CatalogView>(), "catalog_view_view_");
        assert_eq!(view_key::<EntityView>(), "entity_view_view_");
        assert!(matches(
            "/catalog/:namespace/:kind/:name",
            "/catalog/default/component/x"
        ));
        assert!(!matches("/catalog", "/catalog/default/component/x"));
        assert!(matches("/", "/"));
    }
}
