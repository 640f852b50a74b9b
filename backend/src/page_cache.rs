//! Serves a person's home page again, as rendered, while nothing it shows has changed (the
//! rules are [`trellis_services::page_cache`]'s). A load of `/` that finds no kept page is
//! rendered as always, streamed as always, and taken down as it streams; once it has streamed
//! whole with every card settled, it is kept. A kept page goes out with a script nonce of its
//! own: the nonce of the render is cut out of its headers and body, and each answer puts a
//! fresh one in its place, so no two answers share a nonce (CSP 3, "nonce-source": a nonce is
//! "unique for each HTTP response").
//!
//! Only `GET /` without a query (a query is a card's form input) from a signed-in person, and
//! not a hard reload (`Cache-Control: no-cache`), which renders anew.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use http_body::Frame;
use trellis_services::page_cache::{Audience, Capture, Page, Pages};
use trellis_services::personal::layout::PersonLayout;
use trellis_services::personal::view_as::ViewAs;
use trellis_shared::auth::Identity;

use crate::state::AppState;

/// The most bytes of a page taken down to be kept (a larger one is streamed, not kept).
pub const MAX_PAGE: usize = 1024 * 1024;

/// Middleware: a kept page for the request's audience, else the render (kept when it can be).
pub async fn reuse(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let pages = state.services.pages.clone();
    let audience = match audience(&pages, &request) {
        Some(audience) => audience,
        None => return next.run(request).await,
    };
    if let Some(page) = pages.get(&audience).await {
        let gzip = request
            .headers()
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .any(|v| v.to_str().is_ok_and(crate::page_gzip::accepts_gzip));
        return answer(&page, gzip);
    }
    let capture = pages.begin();
    request.extensions_mut().insert(capture.clone());
    let response = next.run(request).await;
    let Some(nonce) = nonce_of(response.headers()) else {
        return response;
    };
    if response.status() != StatusCode::OK || !crate::web::is_html(response.headers()) {
        return response;
    }
    let headers = response.headers().clone();
    response.map(|body| {
        Body::new(Taking {
            inner: body,
            taken: Vec::new(),
            size: 0,
            then: Some(Keep {
                pages,
                capture,
                audience,
                headers,
                nonce,
            }),
        })
    })
}

/// Who a request that may be answered with a kept page is for.
fn audience(pages: &Pages, request: &Request) -> Option<Audience> {
    let hard_reload = request
        .headers()
        .get_all(header::CACHE_CONTROL)
        .iter()
        .chain(request.headers().get_all(header::PRAGMA))
        .any(|v| v.to_str().is_ok_and(|v| v.contains("no-cache")));
    if !pages.enabled()
        || request.method() != Method::GET
        || request.uri().path() != "/"
        || request.uri().query().is_some()
        || hard_reload
    {
        return None;
    }
    let extensions = request.extensions();
    Some(Audience {
        viewer: extensions.get::<Identity>()?.clone(),
        viewed: extensions.get::<ViewAs>().map(|v| v.0.clone()),
        layout: extensions.get::<PersonLayout>().map(|l| l.0.clone()),
    })
}

/// The nonce in a page's `Content-Security-Policy` (`'nonce-…'`).
fn nonce_of(headers: &HeaderMap) -> Option<String> {
    let policy = headers
        .get(header::CONTENT_SECURITY_POLICY)?
        .to_str()
        .ok()?;
    let (_, rest) = policy.split_once("'nonce-")?;
    let (nonce, _) = rest.split_once('\'')?;
    (nonce.len() >= 16).then(|| nonce.to_string())
}

/// A fresh nonce, as Leptos makes one for a render (128 random bits).
fn fresh_nonce() -> String {
    leptos::nonce::Nonce::new().to_string()
}

/// `page`, with a nonce of its own; compressed once already when `gzip` is asked for.
fn answer(page: &Page, gzip: bool) -> Response {
    let nonce = fresh_nonce();
    let zipped = page
        .gzip
        .as_ref()
        .filter(|_| gzip)
        .map(|d| crate::page_gzip::answer(d, &nonce));
    let encoded = zipped.is_some();
    let body = zipped.unwrap_or_else(|| join(&page.body, &nonce));
    let mut response = Response::new(Body::from(body));
    for (name, parts) in &page.headers {
        if let Ok(value) = HeaderValue::from_maybe_shared(join(parts, &nonce)) {
            response.headers_mut().append(name.clone(), value);
        }
    }
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if encoded {
        // The compression layer passes an encoded answer on as it is.
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

/// `text` cut at every `nonce` (none cut: one part). `None` when it is not UTF-8.
pub fn cut(text: &[u8], nonce: &str) -> Option<Vec<Bytes>> {
    let text = std::str::from_utf8(text).ok()?;
    Some(
        text.split(nonce)
            .map(|part| Bytes::copy_from_slice(part.as_bytes()))
            .collect(),
    )
}

/// `parts` joined by `nonce`.
pub fn join(parts: &[Bytes], nonce: &str) -> Bytes {
    let total = parts.iter().map(Bytes::len).sum::<usize>() + nonce.len() * parts.len();
    let mut out = BytesMut::with_capacity(total);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(nonce.as_bytes());
        }
        out.extend_from_slice(part);
    }
    out.freeze()
}

/// What to keep once a render has streamed whole.
struct Keep {
    pages: Pages,
    capture: Capture,
    audience: Audience,
    headers: HeaderMap,
    nonce: String,
}

impl Keep {
    /// Keeps the page whose body was `taken` (in the background: the answer is complete).
    fn keep(self, taken: Vec<Bytes>) {
        if self.capture.spoiled() {
            return;
        }
        let body = join(&taken, "");
        let Some(body) = cut(&body, &self.nonce) else {
            return;
        };
        let mut headers = Vec::new();
        // Only what describes the page itself: nothing per answer (cookies, lengths) is replayed.
        let kept = [header::CONTENT_TYPE, header::CONTENT_SECURITY_POLICY];
        for (name, value) in self.headers.iter().filter(|(n, _)| kept.contains(n)) {
            let Some(parts) = cut(value.as_bytes(), &self.nonce) else {
                return;
            };
            headers.push((name.clone(), parts));
        }
        let (pages, capture, audience) = (self.pages, self.capture, self.audience);
        tokio::spawn(async move {
            // Compressing takes about a millisecond: off the runtime's threads.
            let parts = body.clone();
            let gzip = tokio::task::spawn_blocking(move || crate::page_gzip::deflate(&parts))
                .await
                .ok()
                .flatten();
            let page = Page {
                audience,
                headers,
                body,
                gzip,
            };
            pages.keep(&capture, page).await;
        });
    }
}

/// A page's body passed on as it streams, its frames taken down on the way.
struct Taking {
    inner: Body,
    taken: Vec<Bytes>,
    size: usize,
    /// Taken away when the page cannot be kept (too large, an error).
    then: Option<Keep>,
}

impl Taking {
    /// The page has streamed whole: keep it (once).
    fn finish(&mut self) {
        if let Some(keep) = self.then.take() {
            keep.keep(std::mem::take(&mut self.taken));
        }
    }
}

impl http_body::Body for Taking {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(data), Some(keep)) = (frame.data_ref(), this.then.as_ref()) {
                    this.size += data.len();
                    // Too large, or a card already spoiled it: stop taking it down.
                    if this.size > MAX_PAGE || keep.capture.spoiled() {
                        this.then = None;
                        this.taken = Vec::new();
                    } else {
                        this.taken.push(data.clone());
                    }
                }
            }
            Poll::Ready(Some(Err(_))) => this.then = None,
            Poll::Ready(None) => this.finish(),
            Poll::Pending => {}
        }
        // hyper stops polling once the body says it has ended: the last frame may be the end.
        if this.inner.is_end_stream() {
            this.finish();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nonce_is_cut_out_and_each_answer_gets_its_own() {
        let nonce = "0123456789abcdef0123";
        let page = format!(
            "<script nonce=\"{nonce}\">a</script><p>x</p><script nonce=\"{nonce}\">b</script>"
        );
        let parts = cut(page.as_bytes(), nonce).expect("utf-8");
        assert_eq!(parts.len(), 3);
        assert_eq!(join(&parts, nonce), Bytes::from(page.clone()));
        let other = join(&parts, "ffffffffffffffffffff");
        assert!(!String::from_utf8_lossy(&other).contains(nonce));
        assert_eq!(
            String::from_utf8_lossy(&other)
                .matches("ffffffffffffffffffff")
                .count(),
            2
        );
        assert_eq!(cut(b"no nonce here", nonce).map(|p| p.len()), Some(1));
        assert!(cut(&[0xff, 0xfe], nonce).is_none());
        assert_ne!(fresh_nonce(), fresh_nonce());
        assert_eq!(fresh_nonce().len(), 22, "16 bytes, base64 without padding");
    }

    #[tokio::test]
    async fn a_page_is_kept_when_its_last_frame_ends_it_as_hyper_polls() {
        let pages = Pages::new(std::time::Duration::from_secs(60));
        let person = Identity {
            user_ref: "user:default/ann".into(),
            display_name: "Ann".into(),
            email: None,
            ownership_refs: Vec::new(),
            groups: Vec::new(),
            admin: false,
            guest: false,
        };
        let audience = Audience {
            viewer: person,
            viewed: None,
            layout: None,
        };
        let nonce = "AbCdEfGhIjKlMnOpQr12";
        let mut headers = HeaderMap::new();
        let policy = format!("script-src 'nonce-{nonce}'");
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&policy).expect("value"),
        );
        let mut body = Taking {
            // One frame, after which the body says it has ended (as a whole page does).
            inner: Body::from(format!("<script nonce=\"{nonce}\"></script>")),
            taken: Vec::new(),
            size: 0,
            then: Some(Keep {
                pages: pages.clone(),
                capture: pages.begin(),
                audience: audience.clone(),
                headers,
                nonce: nonce.into(),
            }),
        };
        // Polled as hyper does: no further poll once the body has ended.
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        while !http_body::Body::is_end_stream(&body) {
            match http_body::Body::poll_frame(Pin::new(&mut body), &mut cx) {
                Poll::Ready(Some(Ok(_))) => {}
                other => panic!("unexpected {:?}", other.map(|o| o.map(|r| r.is_ok()))),
            }
        }
        for _ in 0..100 {
            if pages.get(&audience).await.is_some() {
                let kept = pages.get(&audience).await.expect("kept");
                assert_eq!(kept.body.len(), 2, "cut at the nonce");
                assert_eq!(kept.headers.len(), 1, "the policy; nothing else was set");
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the page was not kept");
    }

    #[test]
    fn the_nonce_is_read_from_the_policy() {
        let mut headers = HeaderMap::new();
        assert_eq!(nonce_of(&headers), None);
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "script-src 'self' 'nonce-AbCdEfGhIjKlMnOpQr12' 'wasm-unsafe-eval'",
            ),
        );
        assert_eq!(nonce_of(&headers).as_deref(), Some("AbCdEfGhIjKlMnOpQr12"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'nonce-short'"),
        );
        assert_eq!(nonce_of(&headers), None, "too short to be a render's nonce");
    }
}
