//! The "deployments" plugin: find any commit. Its table (deploy events, from
//! `trellis-deploys`), its widget — a form on the home page; given a commit or pull request
//! (the page's `?find-commit=` value), where that change is live on every deploy target — and
//! the API routes the server mounts for it (`GET /api/commits`, `POST /api/deployments/events`).

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use leptos::prelude::RenderHtml;
use trellis_integrations::Integrations;
use trellis_services::widget::{Card, HomeWidget, Person, WidgetMeta};
use trellis_services::{Config, Plugin, Services};

use crate::cards;

/// The plugin: the deploy events table and the find-commit widget (shown when deploy targets
/// are configured).
pub fn plugin() -> Plugin {
    Plugin {
        migrations: &trellis_deploys::MIGRATION_SETS,
        widgets,
        ..Plugin::named("deployments", "deployments")
    }
}

fn widgets(config: &Config, _: &Integrations) -> anyhow::Result<Vec<Arc<dyn HomeWidget>>> {
    if config.deployments.environments.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![Arc::new(FindCommit)])
}

/// Find any commit.
struct FindCommit;

/// The widget's id, also the page's query parameter its form sends.
pub const ID: &str = "find-commit";

impl HomeWidget for FindCommit {
    fn meta(&self) -> WidgetMeta {
        // Wide: its table of targets needs the room, and it sits under "needs attention".
        WidgetMeta {
            wide: true,
            ..WidgetMeta::new(ID, "Find any commit")
        }
    }

    fn takes_input(&self) -> bool {
        true
    }

    fn data<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, serde_json::Value> {
        let names: Vec<&str> = s
            .config
            .deployments
            .environments
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        async move {
            let (pulls, merged) = s.merged_and_where(me).await;
            serde_json::json!({
                "environments": names,
                "query": "/api/commits?q=",
                "pullRequests": { "ageSecs": pulls.age_secs, "problem": pulls.problem, "message": pulls.message },
                "recentlyMerged": trellis_services::widget::to_json(&merged),
            })
        }
        .boxed()
    }

    fn card<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, Card> {
        async move {
            let (pulls, merged) = s.merged_and_where(me).await;
            let unsettled = Card::unsettled(&pulls) || Card::unsettled(&merged);
            Card {
                html: cards::commits::overview(s, &pulls, &merged).to_html(),
                unsettled,
            }
        }
        .boxed()
    }

    fn card_for<'a>(
        &'a self,
        s: &'a Services,
        me: &'a Person,
        input: &'a str,
    ) -> BoxFuture<'a, Card> {
        async move {
            let report = s.find_commit(&me.identity, input).await;
            Card {
                html: cards::commits::body(s, input, report).to_html(),
                unsettled: false,
            }
        }
        .boxed()
    }
}
