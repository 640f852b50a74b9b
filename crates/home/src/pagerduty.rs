//! The PagerDuty widget: am I on call now, my next shifts, and the open incidents of the
//! services my teams own (`pagerduty.com/service-id` on the entities they own). Who I am in
//! PagerDuty: the annotation `pagerduty.com/user-id` on my User entity, else my e-mail.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use leptos::prelude::*;
use trellis_integrations::pagerduty::{is_id, Ask, PagerDutyApi, PagerDutyClient};
use trellis_integrations::{Integrations, Upstream, UpstreamError, UpstreamOptions};
use trellis_services::widget::{Person, WidgetMeta};
use trellis_services::{Config, Services};
use trellis_shared::views::home::PagerDuty;

use crate::source::{Asked, Cached, Fetched, Source};

/// The annotation naming a User's PagerDuty user id.
pub const USER_ID: &str = "pagerduty.com/user-id";

/// Backstage's annotation naming a component's PagerDuty service.
pub const SERVICE_ID: &str = "pagerduty.com/service-id";

/// The widget's source.
pub struct PagerDutySource {
    api: Box<dyn PagerDutyApi>,
}

/// The widget for `config`, when `pagerDuty.apiToken` is set.
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
    let api = Box::new(PagerDutyClient::new(&config.pager_duty, Arc::new(upstream)));
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
            let service_ids: Vec<String> = s
                .owned_annotation(&me.identity, SERVICE_ID)
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "reading the viewer's services for PagerDuty");
                    UpstreamError::Local("cannot read your teams' services from the catalog".into())
                })?
                .into_iter()
                .filter(|id| is_id(id))
                .collect();
            if user_id.is_none() && email.is_none() && service_ids.is_empty() {
                return Err(UpstreamError::UnknownPerson(format!(
                    "your User entity has neither a PagerDuty user ({USER_ID}) nor an e-mail, and your teams own no service with {SERVICE_ID}"
                )));
            }
            Ok(Ask {
                user_id,
                email,
                service_ids,
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
