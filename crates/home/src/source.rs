//! A widget from its parts: the SDK's shortest way to write one. A plugin says what it asks the
//! tool for on a person's behalf ([`Source::ask`]), how it fetches that ([`Source::fetch`]),
//! and how the card shows it ([`Source::body`]); [`cached`] turns that into a
//! [`HomeWidget`] with the widget cache (stale-while-revalidate, one upstream call per key
//! however many people ask, a bounded wait), the data endpoint's JSON, the card with its
//! footer (age, upstream problem), the rate-limit slowdown and the upstream's metrics.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use leptos::prelude::*;
use serde::Serialize;
use trellis_integrations::{Integrations, SwrCache, Upstream, UpstreamError};
use trellis_services::widget::{to_json, Card, HomeWidget, Person, WidgetMeta};
use trellis_services::Services;
use trellis_shared::views::home::Widget;

use crate::kit::status;

/// What [`Source::ask`] answers.
pub type Asked<'a, A> = BoxFuture<'a, Result<A, UpstreamError>>;

/// What [`Source::fetch`] answers.
pub type Fetched<D> = BoxFuture<'static, Result<D, UpstreamError>>;

/// What a widget fetches and shows.
pub trait Source: Send + Sync + 'static {
    /// What it asks the tool for (a person's login, a set of service ids; `()` when the same
    /// for everyone). Equal asks share one cache entry.
    type Ask: Serialize + Send + 'static;
    /// What the card shows.
    type Data: Clone + Serialize + Send + Sync + 'static;

    /// Its frame.
    fn meta(&self) -> WidgetMeta;
    /// What to ask for `me` (from their User entity, the catalog), or why there is nothing to
    /// ask (`UnknownPerson`: they have no identity in the tool).
    fn ask<'a>(&'a self, services: &'a Services, me: &'a Person) -> Asked<'a, Self::Ask>;
    /// Fetches `ask` from the tool.
    fn fetch(self: Arc<Self>, ask: Self::Ask) -> Fetched<Self::Data>;
    /// The card's body for `data` (the footer is added).
    fn body(&self, data: Self::Data) -> AnyView;
    /// The upstream it calls.
    fn upstream(&self) -> &Upstream;
}

/// `source` as a cached widget.
pub fn cached<S: Source>(source: S, integrations: &Integrations) -> Arc<dyn HomeWidget> {
    Arc::new(Cached::new(source, integrations))
}

/// A [`Source`] behind the widget cache.
pub struct Cached<S: Source> {
    source: Arc<S>,
    cache: SwrCache<S::Data>,
}

impl<S: Source> Cached<S> {
    /// `source` behind a cache following the widget cache policy (`home.*`).
    pub fn new(source: S, integrations: &Integrations) -> Self {
        let name = source.upstream().name();
        Self {
            source: Arc::new(source),
            cache: SwrCache::new(name, integrations.policy(), integrations.metrics()),
        }
    }

    /// The widget for `me`.
    pub async fn get(&self, services: &Services, me: &Person) -> Widget<S::Data> {
        let ask = match self.source.ask(services, me).await {
            Ok(ask) => ask,
            Err(e) => return Widget::failed(e.problem(), e.to_string()),
        };
        let key = serde_json::to_string(&ask).unwrap_or_default();
        let slowdown = self.source.upstream().limits().slowdown();
        let source = self.source.clone();
        self.cache
            .get(&key, slowdown, move || source.fetch(ask))
            .await
    }
}

impl<S: Source> HomeWidget for Cached<S> {
    fn meta(&self) -> WidgetMeta {
        self.source.meta()
    }

    fn data<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, serde_json::Value> {
        async move { to_json(&self.get(s, me).await) }.boxed()
    }

    fn card<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, Card> {
        async move {
            let w = self.get(s, me).await;
            let footer = status(&w);
            let unsettled = Card::unsettled(&w);
            let body = w.data.map(|d| self.source.body(d));
            Card {
                html: view! { {body} {footer} }.to_html(),
                unsettled,
            }
        }
        .boxed()
    }

    fn upstreams(&self) -> Vec<&Upstream> {
        vec![self.source.upstream()]
    }
}
