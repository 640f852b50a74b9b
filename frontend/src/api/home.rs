//! The home page's cards: which there are ([`layout_now`]: every widget the plugins register,
//! in page order) and each card's body ([`widget_card`]: server-rendered HTML), so each card
//! loads, and streams into the page, on its own. The person is the request's identity, never a
//! parameter.

use leptos::prelude::*;

use super::{PortalError, Wire};

/// The widgets' frames, one per line: `id`, `title`, `wide` (`0`/`1`), tab-separated (plain
/// text: the main module holds no JSON parser).
/// The server puts it on every page's `<body data-widgets>`: the person's layout (which cards
/// they show, in their order), so the home page knows its cards without a round trip.
/// The person's own layout when the sign-in middleware put it on the request (page loads).
#[cfg(feature = "ssr")]
pub fn layout_text() -> String {
    let personal = use_context::<http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<trellis_services::personal::layout::PersonLayout>()
            .map(|l| l.0.to_string())
    });
    if let Some(text) = personal {
        return text;
    }
    super::server::services()
        .map(|s| s.widget_layout().to_string())
        .unwrap_or_default()
}

/// The layout as this page has it: from the services while the server renders, from the
/// page's `<body data-widgets>` in the browser.
pub fn layout_now() -> String {
    #[cfg(feature = "ssr")]
    return layout_text();
    #[cfg(not(feature = "ssr"))]
    return document()
        .body()
        .and_then(|b| b.get_attribute("data-widgets"))
        .unwrap_or_default();
}

/// Widget `id`'s card body for whoever asks, given `input` (a card with a form: the page's
/// `?<id>=` value): `settled` or `unsettled` (load again soon), a newline, the HTML.
#[server(prefix = "/_sf", endpoint = "home/card")]
pub async fn widget_card(
    id: String,
    #[server(default)] input: String,
) -> Result<Wire, PortalError> {
    let services = super::server::services()?;
    let me = super::server::identity()?;
    // An admin viewing the home page as someone else gets that person's cards, each saying so.
    let viewing = use_context::<http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<trellis_services::personal::view_as::ViewAs>()
            .map(|v| v.0.clone())
    });
    let card = services
        .widget_card_for(&id, viewing.as_ref().unwrap_or(&me), &input)
        .await;
    // A page whose card is loading, refreshing or failed is not kept (`page_cache`).
    if card.as_ref().map_or(true, |c| c.unsettled) {
        if let Some(capture) = use_context::<http::request::Parts>().and_then(|p| {
            p.extensions
                .get::<trellis_services::page_cache::Capture>()
                .cloned()
        }) {
            capture.spoil();
        }
    }
    let card = card?;
    let state = if card.unsettled {
        "unsettled"
    } else {
        "settled"
    };
    let banner = viewing
        .map(|v| viewing_banner(&v.display_name))
        .unwrap_or_default();
    Ok(Wire::text(format!("{state}\n{banner}{}", card.html)))
}

/// The note on every card while viewing as someone else, with the way back.
#[cfg(feature = "ssr")]
fn viewing_banner(name: &str) -> String {
    let text = format!("Viewing as {name}: their card, as they see it (audited). ");
    view! {
        <form class="widget-note warn" method="post" action="/me/view-as/stop">
            {text}<button class="button small secondary" type="submit">"Stop viewing"</button>
        </form>
    }
    .to_html()
}

/// A card's frame, as the page shows it before its body is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The widget's id.
    pub id: String,
    /// The card's title.
    pub title: String,
    /// Spans the page's width.
    pub wide: bool,
}

/// The frames in [`home_layout`]'s text.
pub fn frames(text: &str) -> Vec<Frame> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            Some(Frame {
                id: parts.next()?.to_string(),
                title: parts.next()?.to_string(),
                wide: parts.next()? == "1",
            })
        })
        .collect()
}

/// Loads a card: the service directly while the server renders, the server function from a
/// chunk of its own in the browser (so rendering adds no preload for it).
/// A card with a form gets its input (the page's `?<id>=`) here, while the server renders;
/// such a card answers settled, so the browser never loads it again (and needs no URL parser).
pub async fn card(id: String) -> Result<Wire, PortalError> {
    #[cfg(feature = "ssr")]
    {
        let query = use_context::<http::request::Parts>()
            .and_then(|p| p.uri.query().map(str::to_string))
            .unwrap_or_default();
        let input = super::server::services()
            .map(|s| s.widget_input(&query, &id))
            .unwrap_or_default();
        widget_card(id, input).await.map(Wire::rendered_in_page)
    }
    #[cfg(not(feature = "ssr"))]
    return load_card(id).await;
}

/// Calls [`widget_card`] from a chunk of its own (see `wire.rs`).
#[lazy]
pub async fn load_card(id: String) -> Result<Wire, PortalError> {
    widget_card(id, String::new()).await
}
