//! Admin: the background jobs (catalog refresh, LDAP org syncs) and how their recent runs
//! went, so an operator sees at a glance whether the org is current and why a sync stopped.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::admin::{admin_jobs, JobStatus};
use crate::components::layout::{Card, PageHeader};

/// The admin view (lazy route).
pub struct AdminView;

#[lazy_route]
impl LazyRoute for AdminView {
    fn data() -> Self {
        AdminView
    }

    fn view(_this: Self) -> AnyView {
        let here = super::section("/admin");
        let jobs = Resource::new_blocking(|| (), |_| admin_jobs());
        view! {
            <PageHeader title=here.label summary=here.summary/>
            <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading jobs…"</p> }>
                {move || Suspend::new(async move {
                    match jobs.await {
                        Ok(jobs) => jobs.into_iter().map(|job| view! { <JobCard job/> }).collect_view().into_any(),
                        Err(e) => view! { <Card title="Jobs could not be loaded"><p role="alert">{e.to_string()}</p></Card> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn JobCard(job: JobStatus) -> impl IntoView {
    let JobStatus {
        name,
        label,
        target,
        runs,
    } = job;
    let key = name.clone();
    view! {
        <section class="card job" data-job=key>
            <h2>{label}</h2>
            <p class="muted"><code>{name}</code>" · "{target}</p>
            {if runs.is_empty() {
                view! { <p class="muted">"No runs yet."</p> }.into_any()
            } else {
                view! {
                    <table class="entities">
                        <thead><tr><th>"Started (UTC)"</th><th>"Duration"</th><th>"Outcome"</th><th>"Detail"</th></tr></thead>
                        <tbody>
                            {runs.into_iter().map(|r| {
                                let outcome = r.outcome.unwrap_or_else(|| "running".into());
                                let duration = r.duration_ms.map(|ms| format!("{:.1} s", ms as f64 / 1000.0)).unwrap_or_default();
                                view! {
                                    <tr>
                                        <td>{r.started_at}</td>
                                        <td>{duration}</td>
                                        <td><span class=format!("outcome {outcome}")>{outcome.clone()}</span></td>
                                        <td class="detail">{r.detail.unwrap_or_default()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
