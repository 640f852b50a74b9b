//! The PagerDuty widget: am I on call now, my next shifts, and the open incidents of the
//! services my teams own (`pagerduty.com/service-id` on the entities they own; with several
//! accounts, on the one `pagerduty.com/account` names). Who I am in PagerDuty: the annotation
//! `pagerduty.com/user-id` on my User entity, else my e-mail.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use leptos::prelude::*;
use trellis_integrations::pagerduty::{
    is_id, Ask, PagerDutyAccounts, PagerDutyApi, PagerDutyClient,
};
use trellis_integrations::{Integrations, Upstream, UpstreamError, UpstreamOptions};
use trellis_services::widget::{Person, WidgetMeta};
use trellis_services::{Config, Services};
use trellis_shared::views::home::PagerDuty;

use crate::source::{Asked, Cached, Fetched, Source};

/// The annotation naming a User's PagerDuty user id.
pub const USER_ID: &str = "pagerduty.com/user-id";

/// Backstage's annotation naming a component's PagerDuty service.
pub const SERVICE_ID: &str = "pagerduty.com/service-id";

/// The annotation naming the account of a component's PagerDuty service (several accounts).
pub const ACCOUNT: &str = "pagerduty.com/account";

/// The widget's source.
pub struct PagerDutySource {
    api: Box<dyn PagerDutyApi>,
}

/// The widget for `config`, when PagerDuty is configured (`apiToken`, `oauth` or `accounts`).
pub fn widget(
    config: &Config,
    integrations: &Integrations,
) -> anyhow::Result<Option<Arc<Cached<PagerDutySource>>>> {
    if !config.pager_duty.enabled() {
        return Ok(None);
    }
    let options = UpstreamOptions {
        timeout: Duration::from_secs(10),
        ..UpstreamOptions::default()
    };
    let upstream = Upstream::new("PagerDuty", options, integrations.metrics())?;
    let upstream = Arc::new(upstream);
    let api: Box<dyn PagerDutyApi> = if config.pager_duty.accounts.is_empty() {
        Box::new(PagerDutyClient::new(&config.pager_duty, upstream))
    } else {
        Box::new(PagerDutyAccounts::new(&config.pager_duty, upstream))
    };
    Ok(Some(Arc::new(Cached::new(
        PagerDutySource { api },
        integrations,
    ))))
}

impl PagerDutySource {
    /// Over another client (tests).
    pub fn with_api(api: Box<dyn PagerDutyApi>) -> Self {
        Self { api }
    }
}

impl Source for PagerDutySource {
    type Ask = Ask;
    type Data = PagerDuty;

    fn meta(&self) -> WidgetMeta {
        WidgetMeta::new("pagerduty", "On call and incidents")
    }

    fn ask<'a>(&'a self, s: &'a Services, me: &'a Person) -> Asked<'a, Ask> {
        async move {
            let user_id = me.annotation(USER_ID).filter(|id| is_id(id));
            let email = me.email().filter(|e| e.contains('@') && e.len() <= 254);
            let owned = s
                .owned_annotation_with(&me.identity, SERVICE_ID, ACCOUNT)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "reading the viewer's services for PagerDuty");
                    UpstreamError::Local("cannot read your teams' services from the catalog".into())
                })?;
            let owned: Vec<(String, Option<String>)> =
                owned.into_iter().filter(|(id, _)| is_id(id)).collect();
            let accounts = owned
                .iter()
                .filter_map(|(id, account)| Some((id.clone(), account.clone()?)))
                .collect();
            let mut service_ids: Vec<String> = owned.into_iter().map(|(id, _)| id).collect();
            service_ids.dedup();
            if user_id.is_none() && email.is_none() && service_ids.is_empty() {
                return Err(UpstreamError::UnknownPerson(format!(
                    "your User entity has neither a PagerDuty user ({USER_ID}) nor an e-mail, and your teams own no service with {SERVICE_ID}"
                )));
            }
            Ok(Ask {
                user_id,
                email,
                service_ids,
                accounts,
            })
        }
        .boxed()
    }

    fn fetch(self: Arc<Self>, ask: Ask) -> Fetched<PagerDuty> {
        async move { self.api.mine(ask).await }.boxed()
    }

    fn body(&self, data: PagerDuty) -> AnyView {
        crate::cards::pagerduty::body(data)
    }

    fn upstream(&self) -> &Upstream {
        self.api.upstream()
    }
}
