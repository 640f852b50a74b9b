//! Resolvers: from what the proxy says (email, user name) to exactly one User entity of the
//! catalog, tried in the configured order (Backstage's sign-in resolvers, same names):
//!
//! - `emailMatchingUserEntityProfileEmail`: a User whose `spec.profile.email` is the email,
//!   or, failing that, the email without its `+tag` (`jane+ci@x.com` → `jane@x.com`);
//! - `emailLocalPartMatchingUserEntityName`: a User named like the email's local part;
//! - `forwardedUserMatchingUserEntityName`: a User named like the forwarded user or preferred
//!   user name.
//!
//! Two Users matching is refused ([`ResolveError::Ambiguous`]), never guessed. With
//! `allowed_domains`, an email outside them is refused before any lookup.

use std::collections::BTreeMap;

use trellis_catalog::store;
use trellis_shared::catalog::query::{Condition, Conjunction, EntityQuery, Filter};
use trellis_shared::catalog::Entity;
use trellis_store::{Db, StoreError};

use crate::config::{AuthConfig, ResolverName};
use crate::proxy::Claims;

/// Why sign-in was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// No resolver found a User.
    #[error("you are signed in as {0}, but the catalog has no User entity for you")]
    NotInCatalog(String),
    /// More than one User matches.
    #[error("{0} matches several User entities ({1}); ask an admin to fix the catalog")]
    Ambiguous(String, String),
    /// The email's domain is not in `auth.allowed_domains`.
    #[error("{0} is not in an allowed email domain")]
    DomainNotAllowed(String),
    /// The catalog could not be read.
    #[error("the catalog cannot be read: {0}")]
    Store(String),
}

impl ResolveError {
    /// Who the proxy said signed in (empty when the catalog could not be read).
    pub fn claimed(&self) -> &str {
        match self {
            ResolveError::NotInCatalog(who)
            | ResolveError::Ambiguous(who, _)
            | ResolveError::DomainNotAllowed(who) => who,
            ResolveError::Store(_) => "",
        }
    }
}

impl From<StoreError> for ResolveError {
    fn from(e: StoreError) -> Self {
        ResolveError::Store(e.to_string())
    }
}

/// The one User entity the claims name.
pub async fn resolve_user(
    db: &Db,
    config: &AuthConfig,
    claims: &Claims,
) -> Result<Option<Entity>, ResolveError> {
    let email = claims.email.as_deref().map(str::to_lowercase);
    if !config.allowed_domains.is_empty() {
        // Without an email there is no domain to check: refused like a foreign one.
        let domain = email
            .as_deref()
            .and_then(|e| e.rsplit_once('@'))
            .map(|(_, d)| d);
        let allowed = domain.is_some_and(|d| {
            config
                .allowed_domains
                .iter()
                .any(|a| a.eq_ignore_ascii_case(d))
        });
        if !allowed {
            return Err(ResolveError::DomainNotAllowed(who(claims)));
        }
    }
    for resolver in &config.resolvers {
        let found = match (resolver, &email) {
            (ResolverName::Email, Some(email)) => {
                let exact = by_email(db, email).await?;
                if exact.is_empty() {
                    match untagged(email) {
                        Some(plain) => by_email(db, &plain).await?,
                        None => exact,
                    }
                } else {
                    exact
                }
            }
            (ResolverName::EmailLocalPart, Some(email)) => {
                let local = email.split('@').next().unwrap_or("");
                let local = local.split('+').next().unwrap_or(local);
                by_name(db, local).await?
            }
            (ResolverName::Username, _) => {
                let mut found = Vec::new();
                for name in [&claims.user, &claims.preferred_username]
                    .into_iter()
                    .flatten()
                {
                    found = by_name(db, name).await?;
                    if !found.is_empty() {
                        break;
                    }
                }
                found
            }
            _ => Vec::new(),
        };
        match found.len() {
            0 => continue,
            1 => return Ok(found.into_iter().next()),
            _ => {
                let refs: Vec<String> = found.iter().map(|e| e.entity_ref().canonical()).collect();
                return Err(ResolveError::Ambiguous(who(claims), refs.join(", ")));
            }
        }
    }
    Ok(None)
}

/// How the claims name the person, for messages.
pub fn who(claims: &Claims) -> String {
    claims
        .email
        .clone()
        .or_else(|| claims.preferred_username.clone())
        .or_else(|| claims.user.clone())
        .unwrap_or_else(|| "someone".into())
}

/// `jane+tag@x.com` → `jane@x.com`.
fn untagged(email: &str) -> Option<String> {
    let (local, domain) = email.split_once('@')?;
    let (plain, _) = local.split_once('+')?;
    Some(format!("{plain}@{domain}"))
}

async fn by_email(db: &Db, email: &str) -> Result<Vec<Entity>, ResolveError> {
    let mut conj = BTreeMap::new();
    conj.insert("kind".to_string(), Condition::AnyOf(vec!["user".into()]));
    conj.insert(
        "spec.profile.email".to_string(),
        Condition::AnyOf(vec![email.to_lowercase()]),
    );
    let query = EntityQuery {
        filter: Filter(vec![Conjunction(conj)]),
        ..EntityQuery::default()
    };
    Ok(store::query_entities(db, &query, 2, None).await?.entities)
}

async fn by_name(db: &Db, name: &str) -> Result<Vec<Entity>, ResolveError> {
    if name.is_empty() || name.contains([':', '/']) {
        return Ok(Vec::new());
    }
    let entity_ref = format!("user:default/{}", name.to_lowercase());
    Ok(store::get_entity(db, &entity_ref)
        .await?
        .into_iter()
        .collect())
}
