//! The LDAP org provider: reads users and groups from a directory (OpenLDAP, Active Directory,
//! FreeIPA, ...) and stores them as `User` and `Group` entities through the catalog's ingestion
//! path, configured like Backstage's `catalog.providers.ldapOrg.<id>`.
//!
//! A sync reads everything first (paged, so a server size limit never truncates the org
//! silently), resolves memberships and nesting, and applies the entities in one transaction as
//! they are mapped; before that transaction commits it checks the result is safe (not empty, not
//! deleting more than the configured share), and otherwise rolls it back. Unchanged entities are
//! not written, so a no-op sync writes nothing.

pub mod config;
mod directory;
mod map;
mod mapped;
mod sync;

pub use config::{LdapOrgConfig, MapConfig, SearchConfig};
pub use directory::{Directory, LdapEntry, LdapError};
pub use map::{map_entries, Mapped};
pub use sync::{sync, SyncError, SyncOptions, SyncReport};
