//! Several PagerDuty accounts (`pagerDuty.accounts[]`, the multi-account keys of PagerDuty's
//! Backstage plugin): each service is asked about on the account its `pagerduty.com/account`
//! annotation names, else on the default account; I am found on each account by my e-mail
//! (my `pagerduty.com/user-id` names me on the default one); the answers are merged into one
//! card: every shift, every incident (newest first, at most [`MAX_INCIDENTS`]).

use std::sync::Arc;

use futures_util::future::{join_all, BoxFuture};
use trellis_shared::views::home::PagerDuty;

use super::{sort_shifts, Ask, PagerDutyApi, PagerDutyClient, PagerDutyConfig, MAX_INCIDENTS};
use crate::{Upstream, UpstreamError};

/// The accounts' clients, the default one's place among them.
#[derive(Debug)]
pub struct PagerDutyAccounts {
    clients: Vec<(String, PagerDutyClient)>,
    default: usize,
    upstream: Arc<Upstream>,
}

impl PagerDutyAccounts {
    /// A client per account of `config`, all calling through `upstream`.
    pub fn new(config: &PagerDutyConfig, upstream: Arc<Upstream>) -> Self {
        let (accounts, default) = config.each_account();
        let clients = accounts
            .into_iter()
            .map(|(id, single)| (id, PagerDutyClient::new(&single, upstream.clone())))
            .collect();
        Self {
            clients,
            default,
            upstream,
        }
    }

    /// What account `i` is asked: its services, and me (by id only on the default account).
    fn ask_of(&self, i: usize, ask: &Ask) -> Ask {
        let id = &self.clients[i].0;
        let service_ids = ask
            .service_ids
            .iter()
            .filter(|s| match ask.accounts.get(*s) {
                Some(account) => account == id,
                None => i == self.default,
            })
            .cloned()
            .collect();
        Ask {
            user_id: ask.user_id.clone().filter(|_| i == self.default),
            email: ask.email.clone(),
            service_ids,
            accounts: Default::default(),
        }
    }

    async fn fetch(&self, mut ask: Ask) -> Result<PagerDuty, UpstreamError> {
        // A service on an account not configured is asked on the default one: better asked
        // than lost.
        ask.accounts
            .retain(|_, account| self.clients.iter().any(|(id, _)| id == account));
        let answers =
            join_all((0..self.clients.len()).map(|i| self.clients[i].1.mine(self.ask_of(i, &ask))))
                .await;
        let mut parts = Vec::with_capacity(answers.len());
        for answer in answers {
            parts.push(answer?);
        }
        Ok(merge(parts, self.default))
    }
}

/// The accounts' answers as one; the person is the default account's (else the first found).
fn merge(parts: Vec<PagerDuty>, default: usize) -> PagerDuty {
    let user = parts
        .get(default)
        .and_then(|p| p.user.clone())
        .or_else(|| parts.iter().find_map(|p| p.user.clone()));
    let window_days = parts.first().map_or(14, |p| p.window_days);
    let services = parts.iter().map(|p| p.services).sum();
    let mut more_incidents = parts.iter().any(|p| p.more_incidents);
    let mut on_call = Vec::new();
    let mut incidents = Vec::new();
    for p in parts {
        on_call.extend(p.on_call);
        incidents.extend(p.incidents);
    }
    sort_shifts(&mut on_call);
    incidents.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    if incidents.len() > MAX_INCIDENTS {
        incidents.truncate(MAX_INCIDENTS);
        more_incidents = true;
    }
    PagerDuty {
        services,
        user,
        on_call,
        window_days,
        incidents,
        more_incidents,
    }
}

impl PagerDutyApi for PagerDutyAccounts {
    fn mine(&self, ask: Ask) -> BoxFuture<'_, Result<PagerDuty, UpstreamError>> {
        Box::pin(self.fetch(ask))
    }

    fn upstream(&self) -> &Upstream {
        &self.upstream
    }
}
