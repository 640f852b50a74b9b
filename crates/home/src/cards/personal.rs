//! The personal card: my starred entities, the pages I visited recently, my toolkit (the
//! admins' links and mine, with a form to add one), and the layout editor (show, hide and
//! reorder the home page's cards). Every change is a plain form posted to `/me/edit`, so it
//! works from the keyboard and without the WASM client; the server answers with a redirect
//! back to the home page, rendered with the change.

use leptos::prelude::*;
use trellis_shared::views::personal::{LayoutEntry, Personal, Starred, ToolLink, Visit};

/// Where the card's forms post.
pub const EDIT: &str = "/me/edit";

/// What a refused change's reason code (`?personal=<reason>`) means; `None` for no (or an
/// unknown) code: only these fixed texts are shown, never text from the URL.
pub fn refusal(reason: &str) -> Option<&'static str> {
    Some(match reason.trim() {
        "url" => "That link was not added: use an http or https address (without a password in it) or a path on Trellis.",
        "title" => "That link was not added: give it a title of at most 80 characters.",
        "links-full" => "Your toolkit is full (30 links): remove one first.",
        "stars-full" => "You have starred 200 entities, the most Trellis keeps: unstar one first.",
        "no-link" => "That link is no longer in your toolkit.",
        "no-entity" => "That entity is not in the catalog, or you cannot see it.",
        "viewing-as" => "Nothing was changed: while you view someone else's home page, their corner is theirs to change. Stop viewing first.",
        "op" | "form" => "That change was not understood; nothing was changed.",
        "failed" => "That change could not be saved right now; nothing was changed. Try again in a moment.",
        _ => return None,
    })
}

/// The card body, with the reason a change was refused when there is one.
pub fn body(refused: Option<&'static str>, p: Personal) -> AnyView {
    view! {
        {refused.map(|r| view! { <p class="widget-note warn" role="alert">{r}</p> })}
        {stars(p.stars)}
        {visits(p.visits)}
        {toolkit(p.toolkit)}
        {editor(p.layout)}
    }
    .into_any()
}

fn stars(stars: Vec<Starred>) -> impl IntoView {
    let list = if stars.is_empty() {
        view! { <p class="muted">"Star a component, API or team from its page to keep it here."</p> }
            .into_any()
    } else {
        let rows = stars.into_iter().map(|s| {
            let gone = (!s.present).then_some(" · no longer in the catalog");
            let label = format!("Unstar {}", s.title);
            view! {
                <li class="pr">
                    <a class="pr-title" href=s.path>{s.title}</a>
                    <form class="badges" method="post" action=EDIT>
                        <input type="hidden" name="op" value="unstar"/>
                        <input type="hidden" name="entityRef" value=s.entity_ref/>
                        <button class="button small secondary" type="submit" aria-label=label>"Unstar"</button>
                    </form>
                    <span class="pr-meta">{s.kind}{gone}</span>
                </li>
            }
        });
        view! { <ul class="prs">{rows.collect_view()}</ul> }.into_any()
    };
    view! { <h3 class="widget-sub">"Starred"</h3> {list} }
}

fn visits(visits: Vec<Visit>) -> impl IntoView {
    (!visits.is_empty()).then(|| {
        let rows = visits.into_iter().map(|v| {
            let when = v.visited_at.get(..16).unwrap_or_default().replace('T', " ");
            view! {
                <li class="pr">
                    <a class="pr-title" href=v.path>{v.title}</a>
                    <span class="pr-meta">{format!("visited {when} UTC")}</span>
                </li>
            }
        });
        view! {
            <h3 class="widget-sub">"Visited recently"</h3>
            <ul class="prs">{rows.collect_view()}</ul>
        }
    })
}

fn toolkit(links: Vec<ToolLink>) -> impl IntoView {
    let rows = links.into_iter().map(|l| {
        let remove = l.id.map(|id| {
            let label = format!("Remove {} from your toolkit", l.title);
            view! {
                <form class="badges" method="post" action=EDIT>
                    <input type="hidden" name="op" value="remove-link"/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <button class="button small secondary" type="submit" aria-label=label>"Remove"</button>
                </form>
            }
        });
        let external = !l.url.starts_with('/');
        view! {
            <li class="pr">
                <a class="pr-title" href=l.url rel=external.then_some("noopener noreferrer external")>{l.title}</a>
                {remove}
            </li>
        }
    });
    view! {
        <h3 class="widget-sub">"Toolkit"</h3>
        <ul class="prs">{rows.collect_view()}</ul>
        <details>
            <summary>"Add a link"</summary>
            <form class="find-commit-row" method="post" action=EDIT>
                <input type="hidden" name="op" value="add-link"/>
                <label class="field">"Title"<input name="title" required maxlength="80" autocomplete="off"/></label>
                <label class="field grow">"URL or path"<input name="url" required maxlength="2000" placeholder="https://…" autocomplete="off"/></label>
                <button class="button" type="submit">"Add"</button>
            </form>
        </details>
    }
}

fn editor(layout: Vec<LayoutEntry>) -> impl IntoView {
    let last = layout.len().saturating_sub(1);
    let rows = layout.into_iter().enumerate().map(|(i, e)| {
        let (toggle, toggle_text) = match e.shown {
            true => (format!("hide:{}", e.id), "Hide"),
            false => (format!("show:{}", e.id), "Show"),
        };
        let state = if e.shown { "shown" } else { "hidden" };
        let up = format!("Move {} up", e.title);
        let down = format!("Move {} down", e.title);
        let toggle_label = format!("{toggle_text} {}", e.title);
        let (first, final_) = (i == 0, i == last);
        view! {
            <li class="pr">
                <span class="pr-title">{e.title.clone()}</span>
                <span class="badges">
                    <button class="button small secondary" type="submit" name="op" value=format!("up:{}", e.id)
                        aria-label=up disabled=first>"↑"</button>
                    <button class="button small secondary" type="submit" name="op" value=format!("down:{}", e.id)
                        aria-label=down disabled=final_>"↓"</button>
                    <button class="button small secondary" type="submit" name="op" value=toggle
                        aria-label=toggle_label>{toggle_text}</button>
                </span>
                <span class="pr-meta">{state}</span>
            </li>
        }
    });
    view! {
        <details id="customize-home">
            <summary>"Customize this page"</summary>
            <form method="post" action=EDIT>
                <ul class="prs">{rows.collect_view()}</ul>
                <button class="button small secondary" type="submit" name="op" value="reset">"Reset to the default layout"</button>
            </form>
        </details>
    }
}
