//! Identity and access control for Trellis (server only).
//!
//! - [`config`]: `auth.*` and `permission.*`, validated at start-up.
//! - [`proxy`]: identity headers from an OAuth proxy, honoured only from trusted peers (network
//!   ranges, a shared secret, a verified JWT); anything odd about them means "no identity".
//! - [`jwt`]: JWT verification against configured keys (issuer, audience, expiry).
//! - [`resolve`]: resolvers mapping the proxy's claims to one User entity of the catalog.
//! - [`identity`]: the resolved identity (user and ownership refs through nested groups), cached.
//! - [`rule`]: rules as configured (effect, actions, resource types, who).
//! - [`policy`]: the policy engine: typed rules over resources and actions, default-deny for
//!   mutations, and read conditions that list endpoints put into their queries.
//! - [`catalog`]: the policy applied to catalog entities (owners, single reads, list scopes).
//! - [`audit`]: the append-only audit log of mutations and denials.
//! - [`external`]: machine callers with static tokens (`backend.auth.externalAccess`).

pub mod audit;
pub mod catalog;
pub mod config;
pub mod external;
pub mod identity;
pub mod jwt;
pub mod policy;
pub mod proxy;
pub mod resolve;
pub mod rule;

pub use config::{AuthConfig, AuthMode, PermissionConfig};
pub use identity::{Identities, Outcome};
pub use policy::{Action, Decision, Policy, ReadScope, Resource, ResourceType};
pub use trellis_shared::auth::Identity;

/// The audit log's tables (`audit.*`), from this crate's `migrations/`.
pub static MIGRATIONS: trellis_store::Migrations = trellis_store::Migrations {
    schema: "audit",
    sqlite: || sqlx::migrate!("migrations/sqlite"),
    postgres: || sqlx::migrate!("migrations/postgres"),
};
