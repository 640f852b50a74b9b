//! Home: the signed-in engineer's landing page: every widget the plugins register, wide ones
//! ("needs attention") first, then the grid of the others (pull requests, Jira issues, ...);
//! the navigation bar leads to the other sections.
//! Every card is its own streamed resource read under its own `Suspense`: the page's first
//! paint never waits for an upstream, and a slow or failing one shows in its own card. The
//! cards' bodies are rendered on the server (`trellis-home`'s card kit); the browser places
//! them, and loads a card again by itself while its upstream is slow or its data is being
//! refreshed.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::home::Frame;
use crate::api::Loaded;
use crate::components::layout::PageHeader;

/// How many times a card loads again by itself.
#[cfg_attr(feature = "ssr", allow(dead_code))]
const RETRIES: u32 = 10;

/// The home view (lazy route): which cards it has (from the page's head, no round trip); each
/// card starts loading as the view is built.
pub struct HomeView {
    layout: String,
}

#[lazy_route]
impl LazyRoute for HomeView {
    fn data() -> Self {
        HomeView {
            layout: crate::api::home::layout_now(),
        }
    }

    fn view(this: Self) -> AnyView {
        let here = super::section("/");
        let frames = crate::api::home::frames(&this.layout);
        view! {
            <PageHeader title=here.label summary=here.summary/>
            <div class="widgets">
                {frames.into_iter().map(|frame| view! { <WidgetCard frame/> }).collect_view()}
            </div>
        }
        .into_any()
    }
}

/// A card: its title, then its server-rendered body once it streams in; in the browser, while
/// the body says its upstream is slow or its data is being refreshed, it is loaded again every
/// few seconds and replaced in place.
#[component]
fn WidgetCard(frame: Frame) -> impl IntoView {
    let Frame { id, title, wide } = frame;
    let id = StoredValue::new(id);
    // The key is constant: a card's source never changes while the page lives.
    let body: Loaded<()> = Loaded::streamed(|| (), move |_| crate::api::home::card(id.get_value()));
    let class = if wide {
        "card widget wide"
    } else {
        "card widget"
    };
    let tries = StoredValue::new(0u32);
    let label = title.clone();
    view! {
        <section class=class aria-label=label>
            <h2>{title}</h2>
            <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match body.text().await {
                        Ok(text) => {
                            again_soon(&text, body, tries);
                            let html = text.split_once('\n').map(|(_, html)| html.to_string()).unwrap_or_default();
                            view! { <div class="widget-body" inner_html=html></div> }.into_any()
                        }
                        Err(e) => view! { <p class="widget-note warn" role="status">{e.message}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// In the browser: when `text` says the card is unsettled, loads it again in two seconds (at
/// most [`RETRIES`] times); the new body replaces the old one when it is in.
fn again_soon(text: &str, body: Loaded<()>, tries: StoredValue<u32>) {
    #[cfg(not(feature = "ssr"))]
    if text.starts_with("unsettled\n") && tries.get_value() < RETRIES {
        tries.update_value(|t| *t += 1);
        set_timeout(move || body.refetch(), std::time::Duration::from_secs(2));
    }
    #[cfg(feature = "ssr")]
    let _ = (text, body, tries);
}
