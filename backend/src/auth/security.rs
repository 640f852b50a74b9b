//! Protections around sign-in: cross-site request refusal for state-changing requests, and the
//! security headers every response carries.
//!
//! CSRF: the proxy's session cookie goes along with any request the browser makes, including
//! ones a hostile page triggers. Browsers mark cross-site requests (`Sec-Fetch-Site`, and
//! `Origin` on every non-GET request), so a POST, PUT, PATCH or DELETE whose `Sec-Fetch-Site`
//! is not `same-origin`/`none`, or whose `Origin` is neither `app.baseUrl`'s nor the request's
//! own host, is refused (OWASP CSRF cheat sheet: "Verifying Origin with standard headers" and
//! "Fetch Metadata"). Non-browser clients (CLI, CI) send neither header and are unaffected.

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::AppError;

/// Refuses a state-changing request that a browser marked as cross-site.
pub fn check_origin(base_url: &str, request: &Request) -> Result<(), AppError> {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return Ok(());
    }
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return Err(AppError::forbidden(
                "cross-site request refused: state-changing requests must come from Trellis' own pages",
            ));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let own = origin_of(base_url);
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let same_host = host.is_some_and(|h| {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(h)
        });
        if Some(origin) != own.as_deref() && !same_host {
            return Err(AppError::forbidden(format!(
                "cross-site request refused: origin `{origin}` is not this portal's"
            )));
        }
    }
    Ok(())
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let uri = url.parse::<http::Uri>().ok()?;
    Some(format!(
        "{}://{}",
        uri.scheme_str()?,
        uri.authority()?.as_str()
    ))
}

/// The policy for responses that set none themselves (JSON, files, redirects): nothing may
/// load, nothing may frame. Pages set their own, with the per-response script nonce.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The policy for HTML the app did not render with a nonce (the static 404 fallback): styles
/// and scripts from this origin, no inline scripts.
const HTML_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'";

/// The security headers every response carries (unless the handler set its own).
const HEADERS: &[(&str, &str)] = &[
    ("content-security-policy", DEFAULT_CSP),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
    ("x-content-type-options", "nosniff"),
];

/// Middleware adding [`HEADERS`] (outermost, so error responses carry them too).
pub async fn add_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let html = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(HTML_CSP),
        );
    }
    for (name, value) in HEADERS {
        if !headers.contains_key(*name) {
            headers.insert(*name, HeaderValue::from_static(value));
        }
    }
    response
}
