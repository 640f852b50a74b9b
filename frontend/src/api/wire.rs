//! How page data crosses from the server to the lazily loaded views without growing the main
//! module.
//!
//! A lazy route's `data()` runs in the main module (so its fetch starts while the view's chunk
//! downloads), and so would everything typed by what it loads: the resource's machinery, its
//! deserialization, the server function's client stub. Here every page's data is one type,
//! [`Fetched`] (a JSON text or an error, carried in the page as a plain string, no JSON codec),
//! so the main module holds one copy of that machinery for all pages and no JSON parser; the
//! server functions are called through `#[lazy]` loaders, so their stubs live in a chunk
//! fetched alongside the view's; and [`Loaded::get`], called by the view, decodes the text into
//! the page's type inside the view's chunk.

use std::fmt;
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;

use leptos::prelude::*;
use leptos::server::codee::string::FromToStringCodec;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use trellis_shared::api::ErrorKind;

use super::PortalError;

/// A page's data as JSON text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Wire(
    String,
    /// A card's HTML that the page already holds as rendered: only its first line (the card's
    /// state) is carried to the browser for hydration, which keeps the rendered HTML as it is
    /// (an `inner_html` hydrated from the server is not set again), instead of a second,
    /// escaped copy of every card in the page.
    #[serde(skip)]
    bool,
);

impl Wire {
    /// The value (called by the view, in its chunk).
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, PortalError> {
        serde_json::from_str(&self.0).map_err(|e| {
            PortalError::new(
                ErrorKind::Internal,
                format!("the server's answer is unreadable: {e}"),
            )
        })
    }

    /// Text that is not JSON (a card's server-rendered HTML), carried as it is.
    #[cfg(feature = "ssr")]
    pub fn text(text: String) -> Self {
        Wire(text, false)
    }

    /// The same text, rendered into the page as it is served: the page's data carries only
    /// its first line.
    #[cfg(feature = "ssr")]
    pub fn rendered_in_page(self) -> Self {
        Wire(self.0, true)
    }

    /// The text (for [`Wire::text`] answers).
    pub fn into_text(self) -> String {
        self.0
    }

    /// Encodes `value` (on the server).
    #[cfg(feature = "ssr")]
    pub fn encode<T: Serialize>(value: &T) -> Result<Self, PortalError> {
        serde_json::to_string(value)
            .map(|t| Wire(t, false))
            .map_err(|e| {
                PortalError::new(
                    ErrorKind::Internal,
                    format!("cannot encode the answer: {e}"),
                )
            })
    }
}

/// How a page's load ended, in one string: `ok <json>`, or `err <status> <request id or ->`
/// and the message on the next line.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched(pub Result<Wire, PortalError>);

impl fmt::Display for Fetched {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Ok(Wire(text, true)) => {
                let head = text.split_inclusive('\n').next().unwrap_or_default();
                write!(f, "ok {head}")
            }
            Ok(wire) => write!(f, "ok {}", wire.0),
            Err(e) => write!(
                f,
                "err {} {}\n{}",
                e.kind.status(),
                e.request_id.as_deref().unwrap_or("-"),
                e.message
            ),
        }
    }
}

impl FromStr for Fetched {
    type Err = PortalError;

    fn from_str(s: &str) -> Result<Self, PortalError> {
        if let Some(json) = s.strip_prefix("ok ") {
            return Ok(Fetched(Ok(Wire(json.to_string(), false))));
        }
        let unreadable = || PortalError::new(ErrorKind::Internal, "the page's data is unreadable");
        let rest = s.strip_prefix("err ").ok_or_else(unreadable)?;
        let (head, message) = rest.split_once('\n').ok_or_else(unreadable)?;
        let (status, request_id) = head.split_once(' ').ok_or_else(unreadable)?;
        let status: u16 = status.parse().map_err(|_| unreadable())?;
        Ok(Fetched(Err(PortalError {
            kind: ErrorKind::from_status(status),
            message: message.to_string(),
            request_id: (request_id != "-").then(|| request_id.to_string()),
        })))
    }
}

/// What a page's resource loads (boxed: see [`resource`]).
type FetchFn = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Fetched> + Send>> + Send + Sync>;

/// A fingerprint of what a page's resource loads (changes when its source does).
type KeyFn = Arc<dyn Fn() -> u64 + Send + Sync>;

/// The one place a page resource is made. Not generic: the resource machinery (creation,
/// hydration from the serialized value, refetching) is compiled into the main module once for
/// every page, instead of once per page's source and fetcher types.
fn resource(key: KeyFn, fetch: FetchFn, blocking: bool) -> Resource<Fetched, FromToStringCodec> {
    Resource::new_with_options(move || key(), move |_| fetch(), blocking)
}

/// A page's data being loaded: a resource (blocking or streamed) of one shared type, read as
/// `T` by the view.
pub struct Loaded<T> {
    resource: Resource<Fetched, FromToStringCodec>,
    of: PhantomData<fn() -> T>,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loaded<T> {}

impl<T: DeserializeOwned> Loaded<T> {
    fn build<S, Fut>(
        source: impl Fn() -> S + Send + Sync + 'static,
        fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
        blocking: bool,
    ) -> Self
    where
        S: Hash + Send + Sync + 'static,
        Fut: Future<Output = Result<Wire, PortalError>> + Send + 'static,
    {
        let source = Arc::new(source);
        let read = source.clone();
        let key: KeyFn = Arc::new(move || {
            let mut h = DefaultHasher::new();
            read().hash(&mut h);
            h.finish()
        });
        let fetch: FetchFn = Arc::new(move || {
            let loading = fetch(untrack(|| source()));
            Box::pin(async move { Fetched(loading.await) })
        });
        Loaded {
            resource: resource(key, fetch, blocking),
            of: PhantomData,
        }
    }

    /// Starts loading with `fetch(source())`, again whenever `source` changes. Blocking: the
    /// server sends the page, and its status, once the data is in.
    pub fn new<S, Fut>(
        source: impl Fn() -> S + Send + Sync + 'static,
        fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
    ) -> Self
    where
        S: Hash + Send + Sync + 'static,
        Fut: Future<Output = Result<Wire, PortalError>> + Send + 'static,
    {
        Self::build(source, fetch, true)
    }

    /// Starts loading like [`Loaded::new`], without holding the page back: the server sends
    /// the page at once with the `Suspense` fallback in place, and streams the data (and the
    /// HTML it renders) when it is in. For widgets, whose upstreams may be slow.
    pub fn streamed<S, Fut>(
        source: impl Fn() -> S + Send + Sync + 'static,
        fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
    ) -> Self
    where
        S: Hash + Send + Sync + 'static,
        Fut: Future<Output = Result<Wire, PortalError>> + Send + 'static,
    {
        Self::build(source, fetch, false)
    }

    /// Loads it again (the view shows the new data when it is in).
    pub fn refetch(self) {
        self.resource.refetch();
    }

    /// The data as the text it crossed as (for [`Wire::text`] answers: no decoding).
    pub async fn text(self) -> Result<String, PortalError> {
        self.resource.await.0.map(Wire::into_text)
    }

    /// The data, once loaded.
    pub async fn get(self) -> Result<T, PortalError> {
        self.resource.await.0.and_then(|w| w.decode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetched_round_trips_through_its_string() {
        let ok = Fetched(Ok(Wire("{\"a\":\"x\\ny\"}".into(), false)));
        assert_eq!(ok.to_string().parse::<Fetched>(), Ok(ok));
        // A card rendered in the page: only its state line goes along.
        let card = Fetched(Ok(Wire("settled\n<ul><li>a</li></ul>".into(), true)));
        assert_eq!(card.to_string(), "ok settled\n");
        let read = card.to_string().parse::<Fetched>();
        assert_eq!(read, Ok(Fetched(Ok(Wire("settled\n".into(), false)))));
        let mut failed = PortalError::new(ErrorKind::Forbidden, "ann may not read the admin page");
        failed.request_id = Some("r-1".into());
        let err = Fetched(Err(failed));
        assert_eq!(err.to_string().parse::<Fetched>(), Ok(err));
        assert!("nonsense".parse::<Fetched>().is_err());
    }
}
