//! Home: the signed-in engineer's landing page. One ranked "needs attention" list across the
//! widgets, then each widget's card (pull requests, Jira issues); the navigation bar leads to the
//! other sections.
//! Every card is its own streamed resource read under its own `Suspense`: the page's first
//! paint never waits for an upstream, and a slow or failing one shows in its own card. The
//! cards' bodies are rendered on the server ([`cards`]); the browser places them, and loads a
//! card again by itself while its upstream is slow or its data is being refreshed.

#[cfg(feature = "ssr")]
pub mod cards;

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::home::CardKind;
use crate::api::Loaded;
use crate::components::layout::PageHeader;

/// How many times a card loads again by itself.
#[cfg_attr(feature = "ssr", allow(dead_code))]
const RETRIES: u32 = 10;

/// A card being loaded (streamed into the page), and what loads it again in the browser.
#[derive(Clone, Copy)]
struct Streamed {
    kind: CardKind,
    body: Loaded<()>,
}

impl Streamed {
    fn new(kind: CardKind) -> Self {
        Streamed {
            kind,
            body: Loaded::streamed(|| (), move |_| crate::api::home::card(kind)),
        }
    }
}

/// The home view (lazy route): its cards start loading in `data()`, before its chunk is in.
pub struct HomeView {
    attention: Streamed,
    pulls: Streamed,
    jira: Streamed,
}

#[lazy_route]
impl LazyRoute for HomeView {
    fn data() -> Self {
        HomeView {
            attention: Streamed::new(CardKind::Attention),
            pulls: Streamed::new(CardKind::PullRequests),
            jira: Streamed::new(CardKind::Jira),
        }
    }

    fn view(this: Self) -> AnyView {
        let here = super::section("/");
        view! {
            <PageHeader title=here.label summary=here.summary/>
            <WidgetCard class="card widget attention" heading="attention-title" title="Needs attention" what="what waits on you" card=this.attention/>
            <div class="widgets">
                <WidgetCard class="card widget pulls" heading="pulls-title" title="Pull requests" what="pull requests" card=this.pulls/>
                <WidgetCard class="card widget jira" heading="jira-title" title="Jira issues" what="issues" card=this.jira/>
            </div>
        }
        .into_any()
    }
}

/// A card: its title, then its server-rendered body once it streams in; in the browser, while
/// the body says its upstream is slow or its data is being refreshed, it is loaded again every
/// few seconds and replaced in place.
#[component]
fn WidgetCard(
    class: &'static str,
    heading: &'static str,
    title: &'static str,
    what: &'static str,
    card: Streamed,
) -> impl IntoView {
    let newer = RwSignal::new(None::<String>);
    view! {
        <section class=class aria-labelledby=heading>
            <h2 id=heading>{title}</h2>
            <Suspense fallback=move || view! { <p class="loading" aria-busy="true">"Loading " {what} "…"</p> }>
                {move || Suspend::new(async move {
                    match card.body.text().await {
                        Ok(text) => {
                            again_soon(&text, card.kind, newer, 0);
                            let html = move || {
                                let text = newer.get().unwrap_or_else(|| text.clone());
                                text.split_once('\n').map(|(_, html)| html.to_string()).unwrap_or_default()
                            };
                            view! { <div class="widget-body" inner_html=html></div> }.into_any()
                        }
                        Err(e) => view! { <p class="widget-note warn" role="status">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// In the browser: when `text` says the card is unsettled, loads it again in two seconds into
/// `newer`, and so on while it stays unsettled (at most [`RETRIES`] times).
fn again_soon(text: &str, kind: CardKind, newer: RwSignal<Option<String>>, tries: u32) {
    #[cfg(not(feature = "ssr"))]
    if text.starts_with("unsettled\n") && tries < RETRIES {
        set_timeout(
            move || {
                leptos::task::spawn_local(async move {
                    if let Ok(text) = crate::api::home::load_card(kind)
                        .await
                        .map(|w| w.into_text())
                    {
                        again_soon(&text, kind, newer, tries + 1);
                        newer.set(Some(text));
                    }
                })
            },
            std::time::Duration::from_secs(2),
        );
    }
    #[cfg(feature = "ssr")]
    let _ = (text, kind, newer, tries);
}
