//! The "dashboards" plugin: its table (what each person viewed, from `trellis-dashboards`) and
//! its widget — the Grafana dashboards I viewed recently and those of what my teams own; given
//! a dashboard (the page's `?dashboards=<uid>` or `?dashboards=<uid> <range>`), a drawer in
//! place with its charts drawn from Prometheus. The API routes the server mounts for it are
//! `GET /api/dashboards/{uid}/charts` and `GET /api/dashboards/{uid}/open`.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use leptos::prelude::RenderHtml;
use trellis_integrations::Integrations;
use trellis_services::dashboards::{Range, CHART_WIDTH};
use trellis_services::widget::{to_json, Card, HomeWidget, Person, WidgetMeta};
use trellis_services::{Config, Plugin, ServiceResult, Services};

use crate::cards;

/// The plugin: the views table and the dashboards widget (shown when `grafana.domain` is set).
pub fn plugin() -> Plugin {
    Plugin {
        migrations: &trellis_dashboards::MIGRATION_SETS,
        widgets,
        ..Plugin::named("dashboards", "grafana")
    }
}

fn widgets(config: &Config, _: &Integrations) -> anyhow::Result<Vec<Arc<dyn HomeWidget>>> {
    if !config.grafana.enabled() {
        return Ok(Vec::new());
    }
    Ok(vec![Arc::new(Dashboards)])
}

/// The widget's id, also the page's query parameter that opens the drawer.
pub const ID: &str = "dashboards";

/// The dashboards card.
struct Dashboards;

/// What the page's input asks: a dashboard and a range (`uid` or `uid range`).
pub fn asked(input: &str) -> ServiceResult<(String, Range)> {
    let mut words = input.split_whitespace();
    let uid = trellis_services::dashboards::uid(words.next().unwrap_or_default())?.to_string();
    let range = Range::parse(words.next().unwrap_or("6h"))?;
    Ok((uid, range))
}

impl HomeWidget for Dashboards {
    fn meta(&self) -> WidgetMeta {
        WidgetMeta::new(ID, "Dashboards")
    }

    fn takes_input(&self) -> bool {
        true
    }

    fn data<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, serde_json::Value> {
        async move { to_json(&s.my_dashboards(&me.identity).await) }.boxed()
    }

    fn card<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, Card> {
        async move {
            let w = s.my_dashboards(&me.identity).await;
            Card {
                html: cards::dashboards::body(&w).to_html(),
                unsettled: Card::unsettled(&w),
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
            let charts = match asked(input) {
                Ok((uid, range)) => match s.open_dashboard(&me.identity, &uid).await {
                    Ok(_) => s.dashboard_charts(&uid, range, CHART_WIDTH).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            // The lists come after the view is recorded, so the drawer's dashboard is in them.
            let w = s.my_dashboards(&me.identity).await;
            Card {
                html: cards::dashboards::with_drawer(&w, charts).to_html(),
                unsettled: false,
            }
        }
        .boxed()
    }
}
