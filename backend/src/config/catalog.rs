//! `catalog.*`: where the catalog reads entities from, in the shape of Backstage's app-config.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use trellis_catalog::LocationSpec;
use trellis_ldap::LdapOrgConfig;

/// The catalog section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CatalogConfig {
    /// Registered locations (`- type: file` / `target: ./catalog-info.yaml`), as in Backstage.
    pub locations: Vec<LocationSpec>,
    /// Seconds between refreshes of every location.
    pub refresh_interval_secs: u64,
    /// Largest descriptor file read, in bytes.
    pub max_file_bytes: u64,
    /// Entity providers (Backstage's `catalog.providers`).
    pub providers: ProvidersConfig,
}

/// `catalog.providers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProvidersConfig {
    /// `catalog.providers.ldapOrg.<id>`: LDAP org providers by id, as in Backstage.
    #[serde(rename = "ldapOrg")]
    pub ldap_org: BTreeMap<String, LdapOrgConfig>,
}

impl Default for CatalogConfig {
    fn default() -> Self {
        Self {
            locations: Vec::new(),
            refresh_interval_secs: 300,
            max_file_bytes: 1024 * 1024,
            providers: ProvidersConfig::default(),
        }
    }
}
