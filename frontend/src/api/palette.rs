//! The command palette's data: the hits for what a person typed, rendered on the server as
//! HTML (so the WASM client holds neither their type nor their markup), and the lazily loaded
//! code that asks for them and puts them under the search field
//! ([`crate::components::palette`] is the part every page carries).

use leptos::prelude::*;

use super::PortalError;

/// The hits for `q` as HTML: a list of links, best first, then a link to the catalog search.
#[server(prefix = "/_sf", endpoint = "palette")]
pub async fn palette(q: String) -> Result<String, PortalError> {
    let services = super::server::services()?;
    let me = super::server::identity()?;
    // A query the service refuses (too long) says why in the list itself.
    Ok(match services.palette(&me, &q).await {
        Ok(hits) => render::hits(q.trim(), hits),
        Err(e) => render::refused(&e.public_message()),
    })
}

/// Shows the hits for `q` under the search field, unless the field changed meanwhile (a later
/// keystroke's answer wins); an empty field closes the list.
#[lazy]
pub async fn show_hits(q: String) {
    #[cfg(not(feature = "ssr"))]
    {
        use leptos::wasm_bindgen::JsCast;
        let current = || {
            document()
                .get_element_by_id(crate::components::palette::INPUT)
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|i| i.value())
        };
        let html = palette(q.clone()).await.unwrap_or_else(|_| {
            r#"<p class="widget-note warn" role="status">Search is unavailable right now; try again in a moment.</p>"#.into()
        });
        if current().as_deref() != Some(q.as_str()) {
            return;
        }
        let list = document().get_element_by_id(crate::components::palette::HITS);
        // Closed (Escape, focus gone) since it was asked for: it stays closed.
        if let Some(list) = list.filter(|l| !l.has_attribute("data-closed")) {
            list.set_inner_html(&html);
            // Which query the list shows (the e2e tests wait on it).
            let _ = list.set_attribute("data-q", &q);
            let _ = list.remove_attribute("hidden");
        }
    }
    #[cfg(feature = "ssr")]
    let _ = q;
}

#[cfg(feature = "ssr")]
mod render {
    //! The hits' markup; text reaches it only through `view!` (escaped).

    use leptos::prelude::*;
    use trellis_shared::views::palette::PaletteHit;

    /// The list for `q`.
    pub fn hits(q: &str, hits: Vec<PaletteHit>) -> String {
        let count = hits.len();
        let none = (count == 0).then(|| {
            let text = if q.is_empty() {
                "Type to find pages, entities, tools and dashboards.".to_string()
            } else {
                format!("No page, entity, tool or dashboard matches '{q}'.")
            };
            view! { <p class="palette-none">{text}</p> }
        });
        let status = match count {
            0 => String::new(),
            1 => "1 result".into(),
            n => format!("{n} results"),
        };
        let catalog = (!q.is_empty()).then(|| {
            let query = form_urlencoded::Serializer::new(String::new())
                .append_pair("q", q)
                .finish();
            let href = format!("/catalog?{query}");
            view! { <a href=href>"Search the catalog for '"{q.to_string()}"'"</a> }
        });
        view! {
            <link rel="stylesheet" href="/palette.css"/>
            <p class="visually-hidden" role="status">{status}</p>
            {none}
            <ul class="palette-list">{hits.into_iter().map(hit).collect_view()}</ul>
            <p class="palette-foot">{catalog}<span>"↑ ↓ move · Enter opens · Esc closes"</span></p>
        }
        .to_html()
    }

    /// The service's refusal of the query.
    pub fn refused(message: &str) -> String {
        let message = message.to_string();
        view! { <p class="widget-note warn" role="status">{message}</p> }.to_html()
    }

    fn hit(h: PaletteHit) -> impl IntoView {
        let rel = h.external.then_some("external");
        view! {
            <li>
                <a class="palette-hit" href=h.url rel=rel>
                    <span class="badge">{h.kind.label()}</span>
                    <span class="palette-title">{h.title}</span>
                    <span class="palette-detail">{h.detail}</span>
                </a>
            </li>
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use trellis_shared::views::palette::HitKind;

        #[test]
        fn hits_are_escaped_links_and_none_says_what_was_typed() {
            let html = hits(
                "a<b",
                vec![PaletteHit {
                    kind: HitKind::Tool,
                    title: "<script>x</script>".into(),
                    detail: "wiki".into(),
                    url: "https://wiki.example/a?b=1&c=2".into(),
                    external: true,
                }],
            );
            assert!(!html.contains("<script>x"), "{html}");
            assert!(html.contains("rel=\"external\""), "{html}");
            assert!(html.contains("/catalog?q=a%3Cb"), "{html}");
            let none = hits("zzz", vec![]);
            assert!(
                none.contains("No page, entity, tool or dashboard matches") && none.contains("zzz"),
                "{none}"
            );
            assert!(refused("q: at most 100 characters").contains("q: at most 100"));
        }
    }
}
