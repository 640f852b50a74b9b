//! The page's one set of DOM listeners, on the document, installed once at hydration: what must
//! answer a key press or a click at once (the theme switch, the command palette's keys). One
//! closure dispatching on the event's type keeps the framework's per-handler code out of the
//! main module; the markup these act on is static (`theme.rs`, `palette.rs`).

/// Listens on the document (in the browser; nothing while the server renders).
pub fn install() {
    #[cfg(not(feature = "ssr"))]
    browser::install();
}

#[cfg(not(feature = "ssr"))]
mod browser {
    use std::sync::atomic::{AtomicBool, Ordering};

    use leptos::prelude::*;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;
    use web_sys::{Event, FocusEvent, KeyboardEvent, Node};

    use crate::components::palette::{browser as palette, FORM, HITS, INPUT};
    use crate::components::theme;

    /// The events listened to.
    const EVENTS: [&str; 6] = [
        "keydown",
        "input",
        "submit",
        "focusout",
        "mousedown",
        "click",
    ];

    pub fn install() {
        // Once per page, however often the shell is built.
        static INSTALLED: AtomicBool = AtomicBool::new(false);
        if INSTALLED.swap(true, Ordering::Relaxed) {
            return;
        }
        theme::sync();
        let handler = Closure::<dyn Fn(Event)>::new(on_event);
        let doc = document();
        for kind in EVENTS {
            // Adding a listener fails only for a non-callable; ours is a closure.
            let _ = doc.add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
        }
        // The listeners live as long as the page.
        handler.forget();
    }

    fn on_event(ev: Event) {
        let target: Option<Node> = ev.target().and_then(|t| t.dyn_into().ok());
        let at = |id: &str| palette::inside(id, target.as_ref());
        match ev.type_().as_str() {
            "keydown" => {
                let Some(key) = ev.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                if (key.ctrl_key() || key.meta_key()) && key.key().eq_ignore_ascii_case("k") {
                    key.prevent_default();
                    palette::summon();
                } else if at(FORM) {
                    palette::key(key);
                }
            }
            "input" if at(INPUT) => palette::typed(),
            "submit" if at(FORM) => palette::submit(&ev),
            "focusout" if at(FORM) => {
                let to: Option<Node> = ev
                    .dyn_ref::<FocusEvent>()
                    .and_then(|f| f.related_target())
                    .and_then(|t| t.dyn_into().ok());
                palette::left(to.as_ref());
            }
            // A press on a hit keeps the focus where it is: browsers that do not focus links
            // on click would otherwise close the hits before the click lands.
            "mousedown" if at(HITS) => ev.prevent_default(),
            "click" if at(theme::TOGGLE) => theme::toggle(),
            "click" if at(HITS) => palette::close(),
            _ => {}
        }
    }
}
