//! The built-in widgets as [`HomeWidget`]s: their data from the service layer (per person,
//! through the integrations' caches), their cards from [`crate::cards`].

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use leptos::prelude::{AnyView, RenderHtml};
use trellis_integrations::Integrations;
use trellis_services::widget::{to_json, Card, HomeWidget, Person, WidgetMeta};
use trellis_services::{Config, Services};
use trellis_shared::views::commits::MergedWhere;
use trellis_shared::views::home::{
    JiraIssues, PagerDuty, PullRequests as PullRequestsData, Widget,
};

use crate::cards;
use crate::pagerduty::PagerDutySource;
use crate::source::Cached;

/// The home plugin's widgets, in page order (PagerDuty's when `pagerDuty.apiToken` is set).
pub fn built_in(config: &Config, i: &Integrations) -> anyhow::Result<Vec<Arc<dyn HomeWidget>>> {
    let pager = crate::pagerduty::widget(config, i)?;
    let mut out: Vec<Arc<dyn HomeWidget>> = vec![
        Arc::new(Attention {
            pager: pager.clone(),
            rollbacks: !config.deployments.environments.is_empty(),
        }),
        Arc::new(pull_requests()),
        Arc::new(jira()),
    ];
    if let Some(pager) = pager {
        out.push(pager);
    }
    Ok(out)
}

/// "Needs attention": what waits on me, across the other widgets.
struct Attention {
    pager: Option<Arc<Cached<PagerDutySource>>>,
    /// Whether deploy targets are configured: my merged pull requests that were rolled back.
    rollbacks: bool,
}

/// What "needs attention" draws on.
type Gathered = (
    Widget<PullRequestsData>,
    Widget<JiraIssues>,
    Option<Widget<PagerDuty>>,
    Option<Widget<Vec<MergedWhere>>>,
);

impl Attention {
    async fn gather(&self, s: &Services, me: &Person) -> Gathered {
        let pager = async {
            match &self.pager {
                Some(p) => Some(p.get(s, me).await),
                None => None,
            }
        };
        let merged = async {
            if self.rollbacks {
                Some(s.merged_and_where(me).await.1)
            } else {
                None
            }
        };
        let ((pulls, jira), pager, merged) = futures_util::join!(s.attention_of(me), pager, merged);
        (pulls, jira, pager, merged)
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
            let (pulls, jira, pager, merged) = self.gather(s, me).await;
            serde_json::json!({
                "pullRequests": to_json(&pulls),
                "jiraIssues": to_json(&jira),
                "pagerDuty": pager.as_ref().map(to_json),
                "recentlyMerged": merged.as_ref().map(to_json),
            })
        }
        .boxed()
    }

    fn card<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, Card> {
        async move {
            let (pulls, jira, pager, merged) = self.gather(s, me).await;
            Card {
                unsettled: Card::unsettled(&pulls)
                    || Card::unsettled(&jira)
                    || pager.as_ref().is_some_and(Card::unsettled)
                    || merged.as_ref().is_some_and(Card::unsettled),
                html: cards::attention::body(
                    pulls,
                    jira,
                    pager,
                    merged.and_then(|m| m.data).as_deref().unwrap_or_default(),
                )
                .to_html(),
            }
        }
        .boxed()
    }
}

/// A built-in widget whose data the service layer gives per person (GitHub, Jira).
struct Builtin<T> {
    meta: WidgetMeta,
    fetch: for<'a> fn(&'a Services, &'a Person) -> BoxFuture<'a, Widget<T>>,
    body: fn(Widget<T>) -> AnyView,
    /// Its body given the page's `?<id>=` value, for a card that takes input (filters).
    body_for: Option<fn(Widget<T>, &str) -> AnyView>,
}

impl<T: serde::Serialize + Send + 'static> HomeWidget for Builtin<T> {
    fn meta(&self) -> WidgetMeta {
        self.meta.clone()
    }

    fn data<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, serde_json::Value> {
        async move { to_json(&(self.fetch)(s, me).await) }.boxed()
    }

    fn card<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, Card> {
        async move {
            let w = (self.fetch)(s, me).await;
            Card {
                unsettled: Card::unsettled(&w),
                html: (self.body)(w).to_html(),
            }
        }
        .boxed()
    }

    fn takes_input(&self) -> bool {
        self.body_for.is_some()
    }

    fn card_for<'a>(
        &'a self,
        s: &'a Services,
        me: &'a Person,
        input: &'a str,
    ) -> BoxFuture<'a, Card> {
        async move {
            let Some(body_for) = self.body_for else {
                return self.card(s, me).await;
            };
            let w = (self.fetch)(s, me).await;
            Card {
                unsettled: Card::unsettled(&w),
                html: body_for(w, input).to_html(),
            }
        }
        .boxed()
    }
}

/// My pull requests and those waiting on my review (GitHub).
fn pull_requests() -> Builtin<PullRequestsData> {
    fn fetch<'a>(s: &'a Services, me: &'a Person) -> BoxFuture<'a, Widget<PullRequestsData>> {
        s.pull_requests_of(me).boxed()
    }
    Builtin {
        meta: WidgetMeta::new("pull-requests", "Pull requests"),
        fetch,
        body: cards::pulls::body,
        body_for: None,
    }
}

/// My open Jira issues across projects.
fn jira() -> Builtin<JiraIssues> {
    fn fetch<'a>(s: &'a Services, me: &'a Person) -> BoxFuture<'a, Widget<JiraIssues>> {
        s.jira_of(me).boxed()
    }
    Builtin {
        meta: WidgetMeta::new(cards::jira_filter::ID, "Jira issues"),
        fetch,
        body: cards::jira::body,
        body_for: Some(cards::jira::body_for),
    }
}
