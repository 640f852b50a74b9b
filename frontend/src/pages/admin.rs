//! Admin: the background jobs (catalog refresh, LDAP org syncs) and how their recent runs
//! went, so an operator sees at a glance whether the org is current and why a sync stopped;
//! and the audit log (who did or was refused what), filtered through the URL.

use leptos::prelude::*;
use leptos::Params;
use leptos_router::hooks::use_query;
use leptos_router::params::Params;
use leptos_router::{lazy_route, LazyRoute};

use crate::api::admin::{load_admin_audit, load_admin_jobs, AuditFilter, AuditPage, JobStatus};
use crate::api::catalog::present;
use crate::api::Loaded;
use crate::components::layout::{Card, PageHeader};

/// The audit log's URL query, typed.
#[derive(Params, Clone, Debug, PartialEq, Default)]
struct AuditQuery {
    actor: Option<String>,
    outcome: Option<String>,
    before: Option<i64>,
}

/// The admin view (lazy route): jobs and the audit log start loading as soon as the route
/// matches. A viewer who may not see it gets 403 (page and server functions alike).
pub struct AdminView {
    filter: Memo<AuditFilter>,
    jobs: Loaded<Vec<JobStatus>>,
    audit: Loaded<AuditPage>,
}

#[lazy_route]
impl LazyRoute for AdminView {
    fn data() -> Self {
        let query = use_query::<AuditQuery>();
        let filter = Memo::new(move |_| {
            let q = query.get().unwrap_or_default();
            AuditFilter {
                actor: present(q.actor),
                outcome: present(q.outcome),
                before: q.before,
            }
        });
        let jobs = Loaded::new(|| (), |_| load_admin_jobs());
        let audit = Loaded::new(move || filter.get(), load_admin_audit);
        AdminView {
            filter,
            jobs,
            audit,
        }
    }

    fn view(this: Self) -> AnyView {
        let AdminView {
            filter,
            jobs,
            audit,
        } = this;
        let here = super::section("/admin");
        view! {
            <PageHeader title=here.label summary=here.summary/>
            <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading jobs…"</p> }>
                {move || Suspend::new(async move {
                    match jobs.get().await {
                        Ok(jobs) => jobs.into_iter().map(|job| view! { <JobCard job/> }).collect_view().into_any(),
                        Err(e) => view! { <Card title="Jobs could not be loaded"><p role="alert">{e.to_string()}</p></Card> }.into_any(),
                    }
                })}
            </Suspense>
            <section class="card" id="audit">
                <h2>"Audit log"</h2>
                <AuditForm filter=filter.get_untracked()/>
                <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading the audit log…"</p> }>
                    {move || Suspend::new(async move {
                        match audit.get().await {
                            Ok(page) => view! { <AuditTable page filter=filter.get_untracked()/> }.into_any(),
                            Err(e) => view! { <p role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        }
        .into_any()
    }
}

/// Actor and outcome filters (a plain GET form: works before hydration too).
#[component]
fn AuditForm(filter: AuditFilter) -> impl IntoView {
    let outcome = filter.outcome.unwrap_or_default();
    let option = move |value: &'static str, label: &'static str| {
        let selected = outcome == value;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <form class="filters" method="get" action="/admin#audit">
            <label>"Actor "<input name="actor" placeholder="user:default/ann" value=filter.actor.unwrap_or_default()/></label>
            <label>"Outcome "
                <select name="outcome">
                    {option("", "any")}{option("allowed", "allowed")}{option("denied", "denied")}{option("failed", "failed")}
                </select>
            </label>
            <button type="submit">"Show"</button>
        </form>
    }
}

#[component]
fn AuditTable(page: AuditPage, filter: AuditFilter) -> impl IntoView {
    if page.rows.is_empty() {
        return view! { <p class="muted">"No events."</p> }.into_any();
    }
    let older = page.older.map(|id| filter.href(Some(id)));
    let newest = filter.before.is_some().then(|| filter.href(None));
    view! {
        <table class="entities audit">
            <thead><tr><th>"When (UTC)"</th><th>"Actor"</th><th>"Action"</th><th>"Resource"</th><th>"Outcome"</th><th>"Request"</th></tr></thead>
            <tbody>
                {page.rows.into_iter().map(|r| view! {
                    <tr data-event=r.id>
                        <td>{r.at.replace('T', " ").chars().take(19).collect::<String>()}</td>
                        <td>{r.actor}</td>
                        <td><code>{r.action}</code></td>
                        <td>{r.resource}</td>
                        <td><span class=format!("outcome {}", r.outcome)>{r.outcome.clone()}</span>
                            {r.detail.map(|d| view! { <span class="detail">" "{d}</span> })}</td>
                        <td class="muted">{r.request_id.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <nav class="pager">
            {newest.map(|href| view! { <a href=href>"Newest"</a> })}
            {older.map(|href| view! { <a href=href rel="next">"Older"</a> })}
        </nav>
    }
    .into_any()
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
                                let detail = match (&r.detail, &r.progress) {
                                    (Some(d), _) => d.clone(),
                                    (None, Some(p)) => p.clone(),
                                    _ => String::new(),
                                };
                                let by = r.requested_by.map(|u| format!(" · by {u}")).unwrap_or_default();
                                view! {
                                    <tr data-run=r.id>
                                        <td><a href=format!("/api/jobs/runs/{}", r.id) title="This run as JSON">{r.started_at}</a><span class="muted">{by}</span></td>
                                        <td>{duration}</td>
                                        <td><span class=format!("outcome {outcome}")>{outcome.clone()}</span></td>
                                        <td class="detail">{detail}</td>
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
