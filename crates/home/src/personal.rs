//! The "personal" plugin: its tables (`trellis-personal`: stars, visits, toolkit links,
//! layouts) and its widget — my starred entities, recently visited pages, my toolkit and the
//! layout editor. The routes the server mounts for it are `/api/me/...` (JSON) and
//! `POST /me/edit` (the card's forms).

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use leptos::prelude::RenderHtml;
use trellis_integrations::Integrations;
use trellis_services::widget::{to_json, Card, HomeWidget, Person, WidgetMeta};
use trellis_services::{Config, Plugin, Services};
use trellis_shared::views::home::{Widget, WidgetProblem};

use crate::cards;

/// The plugin: the personal tables and the personal card.
pub fn plugin() -> Plugin {
    Plugin {
        migrations: &trellis_personal::MIGRATION_SETS,
        widgets,
        ..Plugin::named("personal", "home.toolkit")
    }
}

fn widgets(_: &Config, _: &Integrations) -> anyhow::Result<Vec<Arc<dyn HomeWidget>>> {
    Ok(vec![Arc::new(PersonalCard)])
}

/// The widget's id.
pub const ID: &str = "personal";

/// The personal card.
struct PersonalCard;

async fn mine(s: &Services, me: &Person) -> Widget<trellis_shared::views::personal::Personal> {
    match s.personal(&me.identity).await {
        Ok(p) => Widget::ok(p, 0, false),
        Err(e) => {
            tracing::warn!(error = %e, "reading a person's stars, visits and toolkit");
            Widget::failed(
                WidgetProblem::Unavailable,
                "cannot read your starred entities and toolkit",
            )
        }
    }
}

impl HomeWidget for PersonalCard {
    fn meta(&self) -> WidgetMeta {
        WidgetMeta::new(ID, "Starred, recent and toolkit")
    }

    fn data<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, serde_json::Value> {
        async move { to_json(&mine(s, me).await) }.boxed()
    }

    fn takes_input(&self) -> bool {
        true
    }

    fn card<'a>(&'a self, s: &'a Services, me: &'a Person) -> BoxFuture<'a, Card> {
        self.card_for(s, me, "")
    }

    /// `input` is the reason a change was refused (`?personal=<reason>`, from `POST /me/edit`).
    fn card_for<'a>(
        &'a self,
        s: &'a Services,
        me: &'a Person,
        input: &'a str,
    ) -> BoxFuture<'a, Card> {
        async move {
            let w = mine(s, me).await;
            let refused = cards::personal::refusal(input);
            let html = match w.data.clone() {
                Some(p) => cards::personal::body(refused, p).to_html(),
                None => crate::kit::status(&w).to_html(),
            };
            Card {
                html,
                unsettled: false,
            }
        }
        .boxed()
    }
}
