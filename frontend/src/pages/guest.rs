//! Guest mode's picker (`/auth/guest`): nobody signs in, so a visitor chooses whose view to
//! see. Each choice is a plain form post (works before hydration); the server checks it names
//! a User entity and remembers it in a cookie. In proxy mode the page answers 404.

use leptos::prelude::*;
use leptos::Params;
use leptos_router::hooks::use_query;
use leptos_router::params::Params;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::guest::{load_guest_picker, GuestPicker, GuestUser};
use crate::api::Loaded;
use crate::components::layout::PageHeader;

/// The picker's URL query, typed.
#[derive(Params, Clone, Debug, PartialEq, Default)]
struct GuestQuery {
    q: Option<String>,
}

/// The guest picker (lazy route).
pub struct GuestView {
    search: Memo<String>,
    picker: Loaded<GuestPicker>,
}

#[lazy_route]
impl LazyRoute for GuestView {
    fn data() -> Self {
        let query = use_query::<GuestQuery>();
        let search = Memo::new(move |_| query.get().ok().and_then(|q| q.q).unwrap_or_default());
        let picker = Loaded::new(move || search.get(), load_guest_picker);
        GuestView { search, picker }
    }

    fn view(this: Self) -> AnyView {
        let GuestView { search, picker } = this;
        view! {
            <PageHeader title="Act as" summary="Guest mode: nobody signs in here. Pick whose view of the portal to see; this browser remembers it."/>
            <form class="filters" method="get" action="/auth/guest" role="search">
                <label class="field grow">"Find someone"<input name="q" type="search" placeholder="name, e-mail or team" value=search.get_untracked()/></label>
                <button class="button" type="submit">"Search"</button>
            </form>
            <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading people…"</p> }>
                {move || Suspend::new(async move {
                    match picker.get().await {
                        Ok(picker) => view! { <People picker/> }.into_any(),
                        Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn People(picker: GuestPicker) -> impl IntoView {
    if picker.users.is_empty() {
        return view! { <p class="muted">"Nobody matches."</p> }.into_any();
    }
    let current = picker.current;
    let more = picker.more;
    view! {
        <form class="picker" method="post" action="/auth/guest">
            <table class="entities">
                <thead><tr><th>"Person"</th><th>"E-mail"</th><th>"Teams"</th><th><span class="visually-hidden">"Pick"</span></th></tr></thead>
                <tbody>
                    {picker.users.into_iter().map(|u| view! { <Person user=u current=current.clone()/> }).collect_view()}
                </tbody>
            </table>
        </form>
        {more.then(|| view! { <p class="muted">"More people match: search to narrow the list."</p> })}
    }
    .into_any()
}

#[component]
fn Person(user: GuestUser, current: String) -> impl IntoView {
    let GuestUser {
        entity_ref,
        display_name,
        email,
        teams,
    } = user;
    let me = entity_ref == current;
    let teams = teams
        .iter()
        .map(|t| t.rsplit('/').next().unwrap_or(t).to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let label = format!("Act as {display_name}");
    let key = entity_ref.clone();
    let shown = entity_ref.clone();
    view! {
        <tr data-user=key>
            <td><strong>{display_name}</strong>" "<span class="muted">{shown}</span></td>
            <td>{email.unwrap_or_default()}</td>
            <td>{teams}</td>
            <td>{if me {
                view! { <span class="outcome allowed">"You now"</span> }.into_any()
            } else {
                view! { <button class="button secondary small" type="submit" name="user" value=entity_ref aria-label=label>"Act as"</button> }.into_any()
            }}</td>
        </tr>
    }
}
