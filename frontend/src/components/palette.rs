//! The command palette every page carries: a search field in the top bar that Ctrl-K (Cmd-K on
//! a Mac) focuses from anywhere, and under it the hits for what is typed (pages, entities,
//! tools, dashboards), rendered by the server and fetched by the lazily loaded
//! [`crate::api::palette::show_hits`]. Only what must answer a key press at once lives here
//! (the main module): focusing, moving through the hits with the arrow keys, opening the
//! first hit with Enter, closing with Escape or when focus leaves. Without WASM the field is a
//! plain form searching the catalog.

use leptos::prelude::*;

/// The search field's id.
pub const INPUT: &str = "palette-q";
/// The hits' container id.
pub const HITS: &str = "palette-hits";

/// The form's id.
pub const FORM: &str = "palette";

/// The search field and its hits; [`super::listen`] answers its keys.
#[component]
pub fn Palette() -> impl IntoView {
    view! {
        <form id=FORM class="field palette" method="get" action="/catalog" role="search">
            <label class="visually-hidden" for=INPUT>"Search Trellis"</label>
            <input id=INPUT name="q" type="search" autocomplete="off" maxlength="100"
                placeholder="Search  Ctrl K" aria-keyshortcuts="Control+K Meta+K"
                aria-controls=HITS/>
            <div id=HITS class="palette-hits" hidden></div>
        </form>
    }
}

/// What the palette does in the browser, called by [`super::listen`].
#[cfg(not(feature = "ssr"))]
pub mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, Node};

    use super::{FORM, HITS, INPUT};

    fn by_id(id: &str) -> Option<Element> {
        document().get_element_by_id(id)
    }

    fn field() -> Option<HtmlInputElement> {
        by_id(INPUT).and_then(|e| e.dyn_into().ok())
    }

    /// Whether `node` is inside the element `id`.
    pub fn inside(id: &str, node: Option<&Node>) -> bool {
        node.is_some() && by_id(id).is_some_and(|e| e.contains(node))
    }

    /// The field and the hits' links, in order.
    fn stops() -> Vec<HtmlElement> {
        let mut out: Vec<HtmlElement> = field().map(|f| f.unchecked_into()).into_iter().collect();
        if let Some(links) = by_id(HITS).and_then(|h| h.query_selector_all("a").ok()) {
            out.extend((0..links.length()).filter_map(|i| links.item(i)?.dyn_into().ok()));
        }
        out
    }

    /// Ctrl-K: the field, with what it would answer.
    pub fn summon() {
        if let Some(f) = field() {
            let _ = f.focus();
            typed();
        }
    }

    /// Something was typed: ask for the hits (in their own chunk).
    pub fn typed() {
        if let Some(h) = by_id(HITS) {
            let _ = h.remove_attribute("data-closed");
        }
        if let Some(f) = field() {
            leptos::task::spawn_local(crate::api::palette::show_hits(f.value()));
        }
    }

    /// Hides the hits; an answer still on its way does not open them again.
    pub fn close() {
        if let Some(h) = by_id(HITS) {
            let _ = h.set_attribute("hidden", "");
            let _ = h.set_attribute("data-closed", "");
        }
    }

    fn open() -> bool {
        by_id(HITS).is_some_and(|h| !h.has_attribute("hidden"))
    }

    /// A key inside the palette: the arrows move through the hits, Escape closes.
    pub fn key(ev: &KeyboardEvent) {
        let step: i32 = match ev.key().as_str() {
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            "Escape" => {
                // Not the search field's own Escape (clearing it would ask for hits again).
                ev.prevent_default();
                close();
                if let Some(f) = field() {
                    let _ = f.focus();
                }
                return;
            }
            _ => return,
        };
        if !open() {
            return;
        }
        ev.prevent_default();
        let stops = stops();
        let active = document().active_element();
        let at = stops
            .iter()
            .position(|s| {
                active
                    .as_ref()
                    .is_some_and(|a| a == s.unchecked_ref::<Element>())
            })
            .unwrap_or(0) as i32;
        let next = (at + step).clamp(0, stops.len() as i32 - 1);
        if let Some(s) = stops.get(next as usize) {
            let _ = s.focus();
        }
    }

    /// Whether the hits shown are those of what the field holds now.
    fn current() -> bool {
        let shown = by_id(HITS).and_then(|h| h.get_attribute("data-q"));
        open() && shown.is_some() && shown == field().map(|f| f.value())
    }

    /// Enter in the field opens the first hit of what it holds; before those hits are in (or
    /// with none), the form searches the catalog.
    pub fn submit(ev: &web_sys::Event) {
        if let Some(first) = current().then(|| stops().into_iter().nth(1)).flatten() {
            ev.prevent_default();
            first.click();
        }
    }

    /// Focus went to `to`: outside the palette, the hits close.
    pub fn left(to: Option<&Node>) {
        if !inside(FORM, to) {
            close();
        }
    }
}
