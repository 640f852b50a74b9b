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
use std::marker::PhantomData;
use std::str::FromStr;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use trellis_shared::api::ErrorKind;

use super::PortalError;

/// A page's data as JSON text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Wire(String);

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

    /// Encodes `value` (on the server).
    #[cfg(feature = "ssr")]
    pub fn encode<T: Serialize>(value: &T) -> Result<Self, PortalError> {
        serde_json::to_string(value).map(Wire).map_err(|e| {
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
            return Ok(Fetched(Ok(Wire(json.to_string()))));
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

/// A page's data being loaded: a blocking resource (the server sends the page, and its
/// status, once it is in) of one shared type, read as `T` by the view.
pub struct Loaded<T> {
    resource: Resource<Fetched, leptos::server::codee::string::FromToStringCodec>,
    of: PhantomData<fn() -> T>,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loaded<T> {}

impl<T: DeserializeOwned> Loaded<T> {
    /// Starts loading with `fetch(source())`, again whenever `source` changes.
    pub fn new<S, Fut>(
        source: impl Fn() -> S + Send + Sync + 'static,
        fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
    ) -> Self
    where
        S: PartialEq + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<Wire, PortalError>> + Send + 'static,
    {
        let fetch = std::sync::Arc::new(fetch);
        Loaded {
            resource: Resource::new_str_blocking(source, move |s| {
                let fetch = fetch.clone();
                async move { Fetched(fetch(s).await) }
            }),
            of: PhantomData,
        }
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
        let ok = Fetched(Ok(Wire("{\"a\":\"x\\ny\"}".into())));
        assert_eq!(ok.to_string().parse::<Fetched>(), Ok(ok));
        let mut failed = PortalError::new(ErrorKind::Forbidden, "ann may not read the admin page");
        failed.request_id = Some("r-1".into());
        let err = Fetched(Err(failed));
        assert_eq!(err.to_string().parse::<Fetched>(), Ok(err));
        assert!("nonsense".parse::<Fetched>().is_err());
    }
}
