//! The team part of a Group's page: members, parent and child teams, and everything the team
//! and its sub-teams own.

use leptos::prelude::*;

use super::links::EntityLink;
use super::EntityTable;
use crate::api::entity::TeamView;

/// Members, sub-teams and ownership of a group.
#[component]
pub fn TeamPanel(team: TeamView) -> impl IntoView {
    let TeamView {
        members,
        children,
        parent,
        owned,
        owned_by_subteams,
    } = team;
    let owned_count = owned.len();
    let sub_count = owned_by_subteams.len();
    view! {
        <div class="grid two">
            <section class="card">
                <h2>{format!("Members ({})", members.len())}</h2>
                {if members.is_empty() { view! { <p class="muted">"No direct members."</p> }.into_any() } else {
                    view! { <ul class="people">{members.into_iter().map(|m| view! { <li><EntityLink entity_ref=m/></li> }).collect_view()}</ul> }.into_any()
                }}
            </section>
            <section class="card">
                <h2>"Teams"</h2>
                <dl class="facts">
                    <dt>"Parent"</dt><dd>{match parent { Some(p) => view! { <EntityLink entity_ref=p/> }.into_any(), None => view! { "—" }.into_any() }}</dd>
                    <dt>"Child teams"</dt>
                    <dd>{if children.is_empty() { view! { "—" }.into_any() } else { children.into_iter().map(|c| view! { <EntityLink entity_ref=c/> " " }).collect_view().into_any() }}</dd>
                </dl>
            </section>
        </div>
        <section class="card">
            <h2>{format!("Owned by this team ({owned_count})")}</h2>
            {if owned.is_empty() { view! { <p class="muted">"This team owns nothing directly."</p> }.into_any() } else { view! { <EntityTable rows=owned/> }.into_any() }}
        </section>
        {(sub_count > 0).then(|| view! {
            <section class="card">
                <h2>{format!("Owned by its sub-teams ({sub_count})")}</h2>
                <EntityTable rows=owned_by_subteams/>
            </section>
        })}
    }
}
