//! Building and caching identities: the resolved User, the groups it belongs to (directly, and
//! through nested groups up to the top), and whether `permission.admins` covers it.
//!
//! Resolutions (and refusals) are cached (moka, bounded, expiring after `auth.identityTtlSecs`),
//! so repeated requests of one person cost a hash lookup, not catalog queries.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::time::Duration;

use http::HeaderMap;
use trellis_catalog::store;
use trellis_shared::auth::Identity;
use trellis_shared::catalog::relations::types;
use trellis_shared::catalog::{Entity, EntityRef};
use trellis_store::Db;

use crate::config::{AuthConfig, AuthMode, PermissionConfig};
use crate::proxy::{Claims, ProxyTrust, Rejection};
use crate::resolve::{resolve_user, who, ResolveError};

/// Most cached resolutions; beyond it the least used are evicted.
const CACHE_MAX: u64 = 20_000;

/// The outcome of looking at a request.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A signed-in user.
    Signed(Identity),
    /// Nobody: no (believable) identity headers.
    Anonymous(Rejection),
    /// The proxy named someone Trellis refuses.
    Refused(ResolveError),
}

/// An identity and whether it came from a User entity of the catalog.
type Found = Result<(Identity, bool), ResolveError>;

/// Resolves identities for one configuration.
#[derive(Debug)]
pub struct Identities {
    db: Db,
    config: AuthConfig,
    admins: Vec<String>,
    trust: Option<ProxyTrust>,
    cache: moka::future::Cache<String, Result<Identity, ResolveError>>,
}

impl Identities {
    /// The resolver for `config` over the catalog in `db`; errors name the config problem.
    pub fn new(
        db: Db,
        config: &AuthConfig,
        permission: &PermissionConfig,
    ) -> Result<Identities, String> {
        let trust = match config.mode {
            AuthMode::Proxy => Some(ProxyTrust::new(&config.proxy)?),
            AuthMode::Guest => None,
        };
        let mut admins: Vec<String> = permission
            .admins
            .iter()
            .map(|a| {
                EntityRef::parse(a, None, Some("default"))
                    .map(|r| r.canonical())
                    .map_err(|e| format!("permission.admins: {e}"))
            })
            .collect::<Result<_, _>>()?;
        admins.sort();
        Ok(Identities {
            db,
            config: config.clone(),
            admins,
            trust,
            cache: moka::future::Cache::builder()
                .max_capacity(CACHE_MAX)
                .time_to_live(Duration::from_secs(config.identity_ttl_secs))
                .build(),
        })
    }

    /// The auth config in force.
    pub fn config(&self) -> &AuthConfig {
        &self.config
    }

    /// Who sent a request (proxy mode): headers are read only through the trust checks.
    pub async fn from_request(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Outcome {
        let Some(trust) = &self.trust else {
            return Outcome::Anonymous(Rejection::NoIdentity);
        };
        let claims = match trust.claims(headers, peer) {
            Ok(claims) => claims,
            Err(rejection) => return Outcome::Anonymous(rejection),
        };
        let key = format!(
            "p\u{0}{}\u{0}{}\u{0}{}",
            claims.user.as_deref().unwrap_or(""),
            claims.email.as_deref().unwrap_or(""),
            claims.preferred_username.as_deref().unwrap_or("")
        );
        let result = self.cached(key, || self.resolve(&claims)).await;
        match result {
            Ok(identity) => Outcome::Signed(identity),
            Err(e) => Outcome::Refused(e),
        }
    }

    /// The identity of `user_ref` picked in guest mode (or named by a test).
    pub async fn guest(&self, user_ref: &str) -> Result<Identity, ResolveError> {
        let key = format!("g\u{0}{user_ref}");
        self.cached(key, || async {
            let canonical = EntityRef::parse(user_ref, Some("user"), Some("default"))
                .map_err(|_| ResolveError::NotInCatalog(user_ref.to_string()))?
                .canonical();
            let entity = store::get_entity(&self.db, &canonical).await?;
            let (mut identity, found) = match entity {
                Some(entity) => (self.build(&entity).await?, true),
                None => (self.outsider(&canonical, None), false),
            };
            identity.guest = true;
            Ok((identity, found))
        })
        .await
    }

    /// The identity of `user_ref`, a User entity in the catalog (for viewing the portal as
    /// them); anyone else is `NotInCatalog`.
    pub async fn of_user(&self, user_ref: &str) -> Result<Identity, ResolveError> {
        let key = format!("u\u{0}{user_ref}");
        self.cached(key, || async {
            let canonical = EntityRef::parse(user_ref, Some("user"), Some("default"))
                .ok()
                .filter(|r| r.kind.eq_ignore_ascii_case("user"))
                .ok_or_else(|| ResolveError::NotInCatalog(user_ref.to_string()))?
                .canonical();
            match store::get_entity(&self.db, &canonical).await? {
                Some(entity) => Ok((self.build(&entity).await?, true)),
                None => Err(ResolveError::NotInCatalog(canonical)),
            }
        })
        .await
    }

    async fn cached<F, Fut>(&self, key: String, compute: F) -> Result<Identity, ResolveError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Found>,
    {
        if let Some(result) = self.cache.get(&key).await {
            return result;
        }
        let result = compute().await;
        // Only people found in the catalog (and definite refusals) are remembered: someone
        // missing, or a failing catalog, is looked up again on the next request, so a user
        // added by a refresh or an LDAP sync can sign in at once.
        let remember = match &result {
            Ok((_, found)) => *found,
            Err(ResolveError::Ambiguous(..) | ResolveError::DomainNotAllowed(_)) => true,
            Err(_) => false,
        };
        let result = result.map(|(identity, _)| identity);
        if remember {
            self.cache.insert(key, result.clone()).await;
        }
        result
    }

    async fn resolve(&self, claims: &Claims) -> Found {
        match resolve_user(&self.db, &self.config, claims).await? {
            Some(entity) => Ok((self.build(&entity).await?, true)),
            None if self.config.allow_users_not_in_catalog => {
                let name = claims
                    .email
                    .as_deref()
                    .and_then(|e| e.split('@').next())
                    .or(claims.preferred_username.as_deref())
                    .or(claims.user.as_deref())
                    .unwrap_or("unknown")
                    .to_lowercase();
                let user_ref = EntityRef::new("user", "default", name).canonical();
                Ok((self.outsider(&user_ref, claims.email.clone()), false))
            }
            None => Err(ResolveError::NotInCatalog(who(claims))),
        }
    }

    /// Someone without a User entity: owns only through its own ref.
    fn outsider(&self, user_ref: &str, email: Option<String>) -> Identity {
        let ownership_refs = vec![user_ref.to_string()];
        let admin = self.admins.binary_search(&user_ref.to_string()).is_ok();
        Identity {
            user_ref: user_ref.to_string(),
            display_name: user_ref.rsplit('/').next().unwrap_or(user_ref).to_string(),
            email,
            ownership_refs,
            groups: Vec::new(),
            admin,
            guest: false,
        }
    }

    /// The identity of a User entity: its groups, then their parents, up to the top.
    async fn build(&self, user: &Entity) -> Result<Identity, ResolveError> {
        let user_ref = user.entity_ref().canonical();
        let groups: BTreeSet<String> = user
            .relations
            .iter()
            .filter(|r| r.relation_type == types::MEMBER_OF)
            .map(|r| r.target_ref.to_lowercase())
            .collect();
        let mut all: BTreeSet<String> = groups.clone();
        let mut frontier: Vec<String> = groups.iter().cloned().collect();
        while !frontier.is_empty() {
            let relations = store::relations_of(&self.db, &frontier).await?;
            frontier = relations
                .values()
                .flatten()
                .filter(|r| r.relation_type == types::CHILD_OF)
                .map(|r| r.target_ref.to_lowercase())
                .filter(|parent| all.insert(parent.clone()))
                .collect();
        }
        all.insert(user_ref.clone());
        let ownership_refs: Vec<String> = all.into_iter().collect();
        let profile = user
            .spec
            .as_ref()
            .and_then(|s| s.get("profile"))
            .and_then(|p| p.as_object());
        let text = |key: &str| {
            profile
                .and_then(|p| p.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let admin = ownership_refs
            .iter()
            .any(|r| self.admins.binary_search(r).is_ok());
        Ok(Identity {
            display_name: text("displayName")
                .or_else(|| user.metadata.title.clone())
                .unwrap_or_else(|| user.metadata.name.clone()),
            email: text("email"),
            user_ref,
            ownership_refs,
            groups: groups.into_iter().collect(),
            admin,
            guest: false,
        })
    }
}
