//! The home page's widget SDK, server half. A widget is a [`HomeWidget`]: its card's title, its
//! data for a person (JSON, for `GET /api/home/widgets/{id}`) and its card body (HTML rendered
//! on the server, streamed into the page). A plugin lists its widgets in [`crate::Plugin`]; the
//! page, the data endpoint and `/metrics` find them there, so a widget is registered once.
//!
//! Who the person is in a tool comes from their User entity ([`Person`]), read once per person
//! for a few seconds however many cards ask.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use trellis_catalog::store;
use trellis_integrations::{Integrations, Upstream};
use trellis_shared::catalog::Entity;
use trellis_shared::views::home::{Widget, WidgetProblem};

use crate::config::{Config, LoginRule};
use crate::{Identity, ServiceError, ServiceResult, Services};

/// A card's frame: what the page shows before its body streams in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetMeta {
    /// Its id in URLs (`pull-requests`): lowercase letters, digits and `-`.
    pub id: &'static str,
    /// The card's title.
    pub title: &'static str,
    /// Whether the card spans the page's width (above the others).
    pub wide: bool,
}

impl WidgetMeta {
    /// A card of the grid (not wide).
    pub const fn new(id: &'static str, title: &'static str) -> Self {
        Self {
            id,
            title,
            wide: false,
        }
    }
}

/// A card body: its HTML, and whether the browser should load it again soon (the upstream had
/// not answered, or the data was stale while a refresh ran).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The body's HTML (rendered through `view!`, so text is escaped).
    pub html: String,
    /// Load again in a few seconds.
    pub unsettled: bool,
}

impl Card {
    /// Whether a card showing `w` should be loaded again soon.
    pub fn unsettled<T>(w: &Widget<T>) -> bool {
        w.problem == Some(WidgetProblem::Slow) || w.stale && w.problem.is_none()
    }
}

/// One widget of the home page.
pub trait HomeWidget: Send + Sync {
    /// Its frame.
    fn meta(&self) -> WidgetMeta;
    /// Its data for `me`, as the data endpoint answers it (a `Widget` of the card's data).
    fn data<'a>(
        &'a self,
        services: &'a Services,
        me: &'a Person,
    ) -> BoxFuture<'a, serde_json::Value>;
    /// Its card body for `me`.
    fn card<'a>(&'a self, services: &'a Services, me: &'a Person) -> BoxFuture<'a, Card>;
    /// Whether its card takes input from the page's URL (`?<widget id>=`): a card with a form.
    fn takes_input(&self) -> bool {
        false
    }
    /// Its card body for `me` given `input`: the page's `?<widget id>=` value, which a card
    /// with a form (find any commit) sends; rendered while the server renders the page, and
    /// always settled (the browser reloads cards without input). By default the input is
    /// ignored.
    fn card_for<'a>(
        &'a self,
        services: &'a Services,
        me: &'a Person,
        input: &'a str,
    ) -> BoxFuture<'a, Card> {
        let _ = input;
        self.card(services, me)
    }
    /// The upstreams it calls, for `/metrics` (breaker state, rate-limit budget).
    fn upstreams(&self) -> Vec<&Upstream> {
        Vec::new()
    }
}

/// A plugin's widgets for a config; their clients count in the integration metrics.
pub type WidgetsFn = fn(&Config, &Integrations) -> anyhow::Result<Vec<Arc<dyn HomeWidget>>>;

/// No widgets.
pub fn no_widgets(_: &Config, _: &Integrations) -> anyhow::Result<Vec<Arc<dyn HomeWidget>>> {
    Ok(Vec::new())
}

/// A widget's data as the data endpoint's JSON.
pub fn to_json<T: serde::Serialize>(w: &Widget<T>) -> serde_json::Value {
    serde_json::to_value(w).unwrap_or_else(
        |e| serde_json::json!({"stale": false, "problem": "unavailable", "message": e.to_string()}),
    )
}

/// Who asks, with their User entity (when the catalog has one).
#[derive(Debug, Clone)]
pub struct Person {
    /// Their identity.
    pub identity: Identity,
    /// Their User entity.
    pub user: Option<Arc<Entity>>,
}

impl Person {
    /// Their login in a tool: the User entity's `annotation`, else what `rule` derives.
    pub fn login(&self, annotation: &str, rule: LoginRule) -> Option<String> {
        self.user
            .as_deref()
            .and_then(|u| crate::home::login(u, annotation, rule))
    }

    /// An annotation of their User entity, trimmed, when set.
    pub fn annotation(&self, key: &str) -> Option<String> {
        let value = self.user.as_deref()?.metadata.annotations.get(key)?.trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    /// Their e-mail: the User entity's `spec.profile.email`, else the identity's.
    pub fn email(&self) -> Option<String> {
        self.user
            .as_deref()
            .and_then(|u| u.spec.as_ref()?.get("profile")?.get("email")?.as_str())
            .map(str::to_string)
            .or_else(|| self.identity.email.clone())
    }
}

/// How long a person's User entity is reused by the cards of one page load.
pub const PERSON_TTL: Duration = Duration::from_secs(10);

/// People read recently, by user ref.
pub(crate) type People = moka::future::Cache<String, Option<Arc<Entity>>>;

/// A new cache of people.
pub(crate) fn people() -> People {
    moka::future::Cache::builder()
        .max_capacity(10_000)
        .time_to_live(PERSON_TTL)
        .build()
}

impl Services {
    /// `me` with their User entity (one catalog read per person per [`PERSON_TTL`]).
    pub async fn person(&self, me: &Identity) -> ServiceResult<Person> {
        let db = self.db.clone();
        let user_ref = me.user_ref.clone();
        let user = self
            .people
            .try_get_with(me.user_ref.clone(), async move {
                store::get_entity(&db, &user_ref)
                    .await
                    .map(|u| u.map(Arc::new))
            })
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "reading the viewer's User entity");
                ServiceError::Internal(anyhow::anyhow!("reading the viewer's User entity: {e}"))
            })?;
        Ok(Person {
            identity: me.clone(),
            user,
        })
    }

    /// The registered widgets, in page order.
    pub fn widgets(&self) -> &[Arc<dyn HomeWidget>] {
        &self.widgets
    }

    /// The widgets' frames as the page carries them, one per line: `id`, `title`, `wide`
    /// (`0`/`1`), tab-separated; made once at start.
    pub fn widget_layout(&self) -> &str {
        &self.widget_layout
    }

    /// The input a page whose URL query is `query` gives widget `id`: its `?<id>=` value when
    /// the widget takes input, control characters made spaces, at most [`MAX_INPUT`]
    /// characters.
    pub fn widget_input(&self, query: &str, id: &str) -> String {
        if query.is_empty()
            || !self
                .widgets
                .iter()
                .any(|w| w.takes_input() && w.meta().id == id)
        {
            return String::new();
        }
        form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == id)
            .map(|(_, v)| {
                v.chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .take(MAX_INPUT)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn widget(&self, id: &str) -> ServiceResult<&Arc<dyn HomeWidget>> {
        self.widgets
            .iter()
            .find(|w| w.meta().id == id)
            .ok_or_else(|| ServiceError::NotFound(format!("no widget '{}'", shown(id))))
    }

    /// Widget `id`'s data for `me`.
    pub async fn widget_data(&self, id: &str, me: &Identity) -> ServiceResult<serde_json::Value> {
        let widget = self.widget(id)?;
        let person = self.person(me).await?;
        Ok(widget.data(self, &person).await)
    }

    /// Widget `id`'s card body for `me`.
    pub async fn widget_card(&self, id: &str, me: &Identity) -> ServiceResult<Card> {
        self.widget_card_for(id, me, "").await
    }

    /// Widget `id`'s card body for `me` given the page's `input` for it (empty: none).
    pub async fn widget_card_for(
        &self,
        id: &str,
        me: &Identity,
        input: &str,
    ) -> ServiceResult<Card> {
        let widget = self.widget(id)?;
        let person = self.person(me).await?;
        // The server function's input comes from anywhere: bounded like the page's.
        let input = bounded(input);
        let input = input.as_str();
        if input.trim().is_empty() {
            Ok(widget.card(self, &person).await)
        } else {
            // Settled: the browser reloads cards without their input.
            let card = widget.card_for(self, &person, input).await;
            Ok(Card {
                unsettled: false,
                ..card
            })
        }
    }
}

/// Longest input a card is given, in characters: room for a form-encoded filter of two long
/// names (a card bounds its own fields further).
pub const MAX_INPUT: usize = 2000;

/// `input` cut at [`MAX_INPUT`] characters.
fn bounded(input: &str) -> String {
    input.chars().take(MAX_INPUT).collect()
}

/// An id as it may be shown back: bounded, without control characters.
pub(crate) fn shown(id: &str) -> String {
    id.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// Builds every plugin's widgets, in page order; ids must be unique and URL-safe.
pub(crate) fn build(
    plugins: &[crate::Plugin],
    config: &Config,
    integrations: &Integrations,
) -> anyhow::Result<Vec<Arc<dyn HomeWidget>>> {
    let mut out: Vec<Arc<dyn HomeWidget>> = Vec::new();
    for plugin in plugins {
        let widgets = (plugin.widgets)(config, integrations)
            .map_err(|e| anyhow::anyhow!("plugin {}: {e:#}", plugin.name))?;
        for w in widgets {
            let id = w.meta().id;
            let valid = !id.is_empty()
                && id.len() <= 40
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            anyhow::ensure!(
                valid,
                "plugin {}: widget id '{id}' is not lowercase letters, digits and '-'",
                plugin.name
            );
            anyhow::ensure!(
                out.iter().all(|o| o.meta().id != id),
                "plugin {}: widget id '{id}' is taken",
                plugin.name
            );
            out.push(w);
        }
    }
    // Page order: wide cards first, each group in registry order.
    out.sort_by_key(|w| !w.meta().wide);
    Ok(out)
}

/// The frames of `widgets`, as [`Services::widget_layout`] gives them.
pub(crate) fn layout(widgets: &[Arc<dyn HomeWidget>]) -> String {
    let lines: Vec<String> = widgets.iter().map(|w| frame_line(&w.meta())).collect();
    lines.join("\n")
}

/// One frame's line of the layout text.
pub(crate) fn frame_line(m: &WidgetMeta) -> String {
    format!("{}\t{}\t{}", m.id, m.title, u8::from(m.wide))
}
