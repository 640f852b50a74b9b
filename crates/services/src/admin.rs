//! Admin reads, for the admin page and the REST API alike (each an action the policy checks and
//! the audit log records when refused): the background jobs with their recent runs, one run
//! (`GET /api/jobs/runs/{id}`), and the audit log. Also the page header's viewer.

use trellis_auth::audit::{self, EventQuery, Outcome};
use trellis_auth::{Action, ResourceType};
use trellis_shared::views::admin::{
    AuditFilter, AuditPage, JobStatus, RunView, ViewerInfo, AUDIT_PAGE,
};
use trellis_store::jobs::JobRun;

use crate::access::{Act, Actor};
use crate::error::{ServiceError, ServiceResult};
use crate::Services;

fn run_view(r: JobRun) -> RunView {
    RunView {
        id: r.id,
        started_at: r.started_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        duration_ms: r.finished_at.map(|f| (f - r.started_at).num_milliseconds()),
        outcome: r.outcome,
        detail: r.detail,
        progress: r.progress,
        requested_by: r.requested_by,
    }
}

impl Services {
    /// Every scheduled job with its ten newest runs.
    pub async fn admin_jobs(&self, actor: &Actor) -> ServiceResult<Vec<JobStatus>> {
        self.authorize(
            actor,
            Act::unowned(Action::Read, ResourceType::Admin, "the admin page"),
        )
        .await?;
        let mut out = Vec::new();
        for job in &self.jobs {
            let runs = self.db.recent_job_runs(&job.name, 10).await?;
            out.push(JobStatus {
                name: job.name.clone(),
                label: job.label.clone(),
                target: job.target.clone(),
                runs: runs.into_iter().map(run_view).collect(),
            });
        }
        Ok(out)
    }

    /// One run of a background job: what it is doing, or how it ended.
    pub async fn job_run(&self, actor: &Actor, id: i64) -> ServiceResult<JobRun> {
        let target = format!("run {id}");
        self.authorize(
            actor,
            Act::unowned(Action::Read, ResourceType::Admin, &target),
        )
        .await?;
        self.db
            .job_run(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no job run {id}")))
    }

    /// Audit events, newest first, as queried.
    pub async fn audit_events(
        &self,
        actor: &Actor,
        query: &EventQuery,
    ) -> ServiceResult<Vec<audit::Event>> {
        self.authorize(
            actor,
            Act::unowned(Action::Read, ResourceType::Audit, "the audit log"),
        )
        .await?;
        Ok(audit::list(&self.db, query).await?)
    }

    /// A page of the audit log for the admin page: `actor` may be a plain name (`ann` is
    /// `user:default/ann`) or an email, as refused sign-ins are logged under the name the
    /// proxy sent.
    pub async fn audit_page(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> ServiceResult<AuditPage> {
        let outcome: Option<Outcome> = match &filter.outcome {
            None => None,
            Some(o) => Some(
                serde_json::from_value(serde_json::Value::String(o.to_lowercase())).map_err(
                    |_| {
                        ServiceError::Input(format!(
                            "outcome: `{o}` is not one of allowed, denied, failed"
                        ))
                    },
                )?,
            ),
        };
        let who = filter.actor.as_deref().map(|a| {
            if a.contains('@') {
                return a.to_string();
            }
            trellis_shared::catalog::EntityRef::parse(a, Some("user"), Some("default"))
                .map(|r| r.canonical())
                .unwrap_or_else(|_| a.to_lowercase())
        });
        let query = EventQuery {
            actor: who,
            outcome,
            before: filter.before,
            limit: Some(AUDIT_PAGE + 1),
        };
        let mut rows = self.audit_events(actor, &query).await?;
        let older = (rows.len() > AUDIT_PAGE as usize).then(|| {
            rows.truncate(AUDIT_PAGE as usize);
            rows.last().map(|e| e.id)
        });
        Ok(AuditPage {
            rows,
            older: older.flatten(),
        })
    }

    /// The signed-in user as the page header shows them.
    pub fn viewer_info(&self, me: &trellis_auth::Identity) -> ViewerInfo {
        let guest = self.config.auth.mode == trellis_auth::AuthMode::Guest;
        ViewerInfo {
            user_ref: me.user_ref.clone(),
            display_name: me.display_name.clone(),
            teams: me.groups.clone(),
            guest,
            sign_out_url: if guest {
                "/auth/guest".into()
            } else {
                self.config.auth.sign_out_url.clone()
            },
        }
    }
}
