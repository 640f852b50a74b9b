//! The built-in widgets as [`HomeWidget`]s: their data from the service layer (per person,
//! through the integrations' caches), their cards from [`crate::cards`].

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use leptos::prelude::RenderHtml;
use trellis_integrations::Integrations;
use trellis_services::widget::{to_json, Card, HomeWidget, Person, WidgetMeta};
use trellis_services::{Config, Services};
use trellis_shared::views::home::{
    JiraIssues, PagerDuty, PullRequests as PullRequestsData, Widget,
};

use crate::cards;
use crate::pagerduty::PagerDutySource;
use crate::source::Cached;

/// The card of `w` rendered by `body`.
fn rendered<T>(w: Widget<T>, body: fn(Widget<T>) -> leptos::prelude::AnyView) -> Card {
    Card {
        unsettled: Card::unsettled(&w),
        html: body(w).to_html(),
    }
}

/// The home plugin's widgets, in page order (PagerDuty's when `pagerDuty.apiToken` is set).
pub fn built_in(config: &Config, i: &Integrations) -> anyhow::Result<Vec<Arc<dyn HomeWidget>>> {
    let pager = crate::pagerduty::widget(config, i)?;
    let mut out: Vec<Arc<dyn HomeWidget>> = vec![
        Arc::new(Attention {
            pager: pager.clone(),
        }),
        Arc::new(PullRequests),
        Arc::new(Jira),
    ];
    if let Some(pager) = pager {
        out.push(pager);
    }
    Ok(out)
}

/// "Needs attention": what waits on me, across the other widgets.
struct Attention {
    pager: Option<Arc<Cached<PagerDutySource>>>,
}

impl Attention {
    async fn gather(
        &self,
        s: &Services,
        me: &Person,
    ) -> (
        Widget<PullRequestsData>,
        Widget<JiraIssues>,
        Option<Widget<PagerDuty>>,
    ) {
        let pager = async {
            match &self.pager {
                Some(p) => Some(p.get(s, me).await),
                None => None,
            }
        };
        let ((pulls, jira), pager) = futures_util::join!(s.attention_of(me), pager);
        (pulls, jira, pager)
    }
}

impl HomeWidget for Attention {
    fn meta(&self) -> WidgetMeta {
        WidgetMeta {
            id: "attention",
            title: "Needs attention",
            wide: true,
        }
    }

    fn data<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, serde_json::Value> {
        async move {
            let (pulls, jira, pager) = self.gather(s, me).await;
            serde_json::json!({
                "pullRequests": to_json(&pulls),
                "jiraIssues": to_json(&jira),
                "pagerDuty": pager.as_ref().map(to_json),
            })
        }
        .boxed()
    }

    fn card<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, Card> {
        async move {
            let (pulls, jira, pager) = self.gather(s, me).await;
            Card {
                unsettled: Card::unsettled(&pulls)
                    || Card::unsettled(&jira)
                    || pager.as_ref().is_some_and(Card::unsettled),
                html: cards::attention::body(pulls, jira, pager).to_html(),
            }
        }
        .boxed()
    }
}

/// My pull requests and those waiting on my review (GitHub).
struct PullRequests;

impl HomeWidget for PullRequests {
    fn meta(&self) -> WidgetMeta {
        WidgetMeta {
            id: "pull-requests",
            title: "Pull requests",
            wide: false,
        }
    }

    fn data<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, serde_json::Value> {
        async move { to_json(&s.pull_requests_of(me).await) }.boxed()
    }

    fn card<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, Card> {
        async move { rendered(s.pull_requests_of(me).await, cards::pulls::body) }.boxed()
    }
}

/// My open Jira issues across projects.
struct Jira;

impl HomeWidget for Jira {
    fn meta(&self) -> WidgetMeta {
        WidgetMeta {
            id: "jira-issues",
            title: "Jira issues",
            wide: false,
        }
    }

    fn data<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, serde_json::Value> {
        async move { to_json(&s.jira_of(me).await) }.boxed()
    }

    fn card<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, Card> {
        async move { rendered(s.jira_of(me).await, cards::jira::body) }.boxed()
    }
}
