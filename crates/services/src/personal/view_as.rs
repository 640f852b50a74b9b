//! Viewing the home page as someone else: an admin (or a member named by a `permission.rules`
//! rule on `home` reads) looks at what another person's home page shows them, to help them
//! or to check a widget. A person's home is a resource they own (`home`, owned by their user
//! ref), so the owner and admins may read it and nobody else unless a rule says so.
//!
//! Starting is authorized and audited (`home.read` on the person, allowed or denied); stopping
//! is audited too. An admin's home is viewed by admins only (it would show what they may see).
//! While it lasts (a cookie that expires after an hour; it grants nothing by itself) only the home page's widgets and
//! the layout the pages carry are the other person's; everything else (the catalog, every
//! change) stays the viewer's own, and the personal corner refuses changes meanwhile, so
//! nothing is ever done in the other person's name.

use trellis_auth::audit::Outcome;
use trellis_auth::{Action, Decision, Resource, ResourceType};
use trellis_shared::catalog::EntityRef;

use crate::{Act, Actor, Identity, ServiceError, ServiceResult, Services};

/// The cookie naming the person being viewed as.
pub const COOKIE: &str = "trellis_view_as";
/// How long viewing as someone lasts without being stopped, in seconds.
pub const MAX_AGE_SECS: i64 = 3600;

/// On a request while its caller views the home page as someone else: that person.
#[derive(Debug, Clone)]
pub struct ViewAs(pub Identity);

/// The act of reading `user`'s home page.
fn act(user: &[String; 1]) -> Act<'_> {
    Act {
        action: Action::Read,
        kind: ResourceType::Home,
        owners: user,
        target: &user[0],
    }
}

impl Services {
    /// Starts viewing as `user` (a User ref): authorized and audited; their canonical ref.
    pub async fn view_as(&self, actor: &Actor, user: &str) -> ServiceResult<String> {
        let user = user.trim();
        if user.len() > 400 {
            return Err(ServiceError::Input(
                "user: longer than 400 characters".into(),
            ));
        }
        let target = EntityRef::parse(user, Some("user"), Some("default"))
            .map_err(|e| ServiceError::Input(format!("user: {e}")))?
            .canonical();
        if !target.starts_with("user:") {
            return Err(ServiceError::Input(format!(
                "user: '{target}' is not a User entity"
            )));
        }
        if target == actor.identity.user_ref {
            return Err(ServiceError::Input(
                "user: that is you; your own home page needs no viewing as".into(),
            ));
        }
        let owners = [target.clone()];
        self.guarded(actor, act(&owners), async {
            let them = self.identities.of_user(&target).await.map_err(|_| {
                ServiceError::NotFound(format!("no user '{target}' in the catalog"))
            })?;
            if them.admin && !actor.identity.admin {
                return Err(ServiceError::Forbidden(format!(
                    "{target} is an admin: only admins view the portal as an admin"
                )));
            }
            Ok(target.clone())
        })
        .await
    }

    /// Stops viewing as `user` (the cookie's value): audited when the caller could view as
    /// them, so a hand-made cookie writes nothing to the log.
    pub async fn stop_view_as(&self, actor: &Actor, user: &str) {
        if !self.may_view_as(&actor.identity, user) {
            return;
        }
        let owners = [user.to_string()];
        self.audit(
            actor,
            &act(&owners),
            Outcome::Allowed,
            Some("stopped viewing as"),
        )
        .await;
    }

    /// Who `me`'s request views the home page as, given the cookie's `user`: none when it is
    /// themselves, when they may not (or no longer) read that home, or when the person is gone.
    pub async fn viewed(&self, me: &Identity, user: &str) -> Option<Identity> {
        if !self.may_view_as(me, user) {
            return None;
        }
        // Never more than the viewer may see: an admin's home only to admins.
        self.identities
            .of_user(user)
            .await
            .ok()
            .filter(|them| me.admin || !them.admin)
    }

    /// Whether `me` may view the home page as `user` (a canonical User ref, not themselves).
    pub fn may_view_as(&self, me: &Identity, user: &str) -> bool {
        let owners = [user.to_string()];
        let resource = Resource {
            kind: ResourceType::Home,
            owners: &owners,
        };
        user != me.user_ref && self.policy.check(me, Action::Read, &resource) == Decision::Allow
    }
}
