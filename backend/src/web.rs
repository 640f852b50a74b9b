//! Server-side rendering glue and static assets.
//!
//! `/pkg/*` holds the WASM client, its route chunks, the JS glue and the CSS, all with
//! content-hashed names in release builds, so they are cached for a year (`immutable`). Any other
//! path that is not a route falls through to a static file in the site root or the app's 404 page.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response};
use axum::middleware::Next;
use leptos::config::LeptosOptions;
use leptos::reactive::computed::ScopedFuture;
use leptos::reactive::owner::Owner;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::ServerConfig;

/// Name cargo-leptos gives the client's files (`output-name` in Cargo.toml).
pub const OUTPUT_NAME: &str = "trellis";

/// Whether the running binary was built with hashed asset names: cargo-leptos then writes
/// `hash.txt` next to it.
pub fn assets_are_hashed() -> bool {
    exe_dir().is_some_and(|dir| dir.join("hash.txt").is_file())
}

fn exe_dir() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()?
        .parent()
        .map(Path::to_path_buf)
}

/// Rendering options derived from the server config.
pub fn leptos_options(server: &ServerConfig) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(server.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(server.listen)
        .hash_files(assets_are_hashed())
        .build()
}

/// Serves `<site_root>/pkg`. Successful answers get a year-long immutable cache when names are
/// hashed; anything else must be revalidated.
pub fn pkg_service(site_root: &Path) -> axum::routing::MethodRouter {
    let hashed = assets_are_hashed();
    let cache = move |res: &Response<_>| -> Option<HeaderValue> {
        let value = if hashed && res.status().is_success() {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        Some(HeaderValue::from_static(value))
    };
    let service = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            cache,
        ))
        .service(ServeDir::new(site_root.join("pkg")));
    axum::routing::get_service(service)
}

/// The most bytes of a site root file held in memory (a larger one is read on each request).
const IN_MEMORY_MAX: u64 = 256 * 1024;

/// The site root's own files (`theme.js`, `favicon.svg`, `robots.txt`, ...: what
/// `frontend/public` holds), one route each, found and read when the server starts. Served
/// directly rather than through Leptos's file-or-404 fallback, which renders the app's shell
/// around every miss and is several times slower for the render-blocking `theme.js`; and from
/// memory, with an `ETag` (a revalidation is a `304`), rather than opened and read per request.
pub fn root_files<S: Clone + Send + Sync + 'static>(
    site_root: &Path,
) -> Vec<(String, axum::routing::MethodRouter<S>)> {
    let Ok(entries) = std::fs::read_dir(site_root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        // Only plain names: a route path cannot hold `{`, `*` or `:`.
        let plain = name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !path.is_file() || !plain || name.starts_with('.') {
            continue;
        }
        let small = entry.metadata().is_ok_and(|m| m.len() <= IN_MEMORY_MAX);
        let route = match std::fs::read(&path) {
            Ok(bytes) if small => in_memory(&name, bytes),
            _ => axum::routing::get_service(tower_http::services::ServeFile::new(&path)),
        };
        out.push((format!("/{name}"), route));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A route answering `bytes`, the content of file `name`, with its type and an `ETag`.
fn in_memory<S: Clone + Send + Sync + 'static>(
    name: &str,
    bytes: Vec<u8>,
) -> axum::routing::MethodRouter<S> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    let etag = format!("\"{:016x}\"", hasher.finish());
    let kind = mime_guess::from_path(name).first_or_octet_stream();
    let (Ok(etag), Ok(kind)) = (
        HeaderValue::from_str(&etag),
        HeaderValue::from_str(kind.as_ref()),
    ) else {
        return axum::routing::get(|| async { axum::http::StatusCode::INTERNAL_SERVER_ERROR });
    };
    let body = bytes::Bytes::from(bytes);
    axum::routing::get(move |headers: axum::http::HeaderMap| async move {
        let fresh = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
        let mut response = if fresh {
            Response::builder()
                .status(axum::http::StatusCode::NOT_MODIFIED)
                .body(Body::empty())
        } else {
            Response::builder()
                .header(header::CONTENT_TYPE, kind)
                .body(Body::from(body))
        }
        .unwrap_or_default();
        response.headers_mut().insert(header::ETAG, etag);
        response
    })
}

/// The future a fallback request resolves to.
type FallbackFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Response<Body>> + Send>>;

/// Static files from the site root, else the app's 404 page rendered on the server, with the
/// service layer in its context like every other page (the header shows who is signed in).
pub fn fallback(
    services: std::sync::Arc<trellis_services::Services>,
) -> impl Fn(
    axum::http::Uri,
    axum::extract::State<crate::state::AppState>,
    Request<Body>,
) -> FallbackFuture
       + Clone
       + Send
       + 'static {
    leptos_axum::file_and_error_handler_with_context::<crate::state::AppState, _>(
        move || leptos::context::provide_context(services.clone()),
        trellis_frontend::shell,
    )
}

/// Whether `headers` describe an HTML answer (a page).
pub fn is_html(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

/// The tracing span of one request, carrying its request id.
pub fn request_span(request: &Request<Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
}

/// Runs each request under an empty reactive owner of its own.
///
/// Leptos keeps "the current owner" in a thread-local: a page render sets it to the render's
/// root and leaves it there, and the file and server-function handlers of `leptos_axum` create
/// their owners as children of whatever is current. On a shared worker thread that was another
/// request's render, so a file served meanwhile found that page's `ResponseOptions` and took its
/// headers: the page went out without its nonce CSP and the browser blocked its hydration
/// script. Polled inside its own root, a request sees only the contexts it provided itself.
pub async fn isolate_reactive_owner(request: Request<Body>, next: Next) -> Response<Body> {
    let owner = Owner::new_root(None);
    let handled = owner.with(|| ScopedFuture::new_untracked(next.run(request)));
    handled.await
}
