//! `catalog.*`: where the catalog reads entities from, in the shape of Backstage's app-config,
//! and the bounds every read keeps to.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use trellis_catalog::{FileRoots, LocationSpec, ReadOptions};
use trellis_ldap::LdapOrgConfig;

use super::{Config, ConfigError};

/// The catalog section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CatalogConfig {
    /// Registered locations (`- type: file` / `target: ./catalog-info.yaml`), as in Backstage.
    pub locations: Vec<LocationSpec>,
    /// Seconds between refreshes of every location.
    pub refresh_interval_secs: u64,
    /// Largest file read (a descriptor or a placeholder's target), in bytes.
    pub max_file_bytes: u64,
    /// Bytes one registered location may read in all (its files, nested locations and
    /// placeholders).
    pub max_location_bytes: u64,
    /// Files and folders a folder or glob location may list.
    pub max_location_entries: usize,
    /// Folder levels a folder or glob location may descend.
    pub max_location_depth: usize,
    /// Folders file locations may be registered from through the API. Default: the folders
    /// of the configured locations and of the demo catalog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_roots: Option<Vec<PathBuf>>,
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
        let read = ReadOptions::default();
        Self {
            locations: Vec::new(),
            refresh_interval_secs: 300,
            max_file_bytes: read.max_file_bytes,
            max_location_bytes: read.max_location_bytes,
            max_location_entries: read.max_location_entries,
            max_location_depth: read.max_location_depth,
            file_roots: None,
            providers: ProvidersConfig::default(),
        }
    }
}

impl CatalogConfig {
    /// The bounds of a read, stopped early when `stop` is cancelled.
    pub fn read_options(&self, stop: CancellationToken) -> ReadOptions {
        ReadOptions {
            max_file_bytes: self.max_file_bytes,
            max_location_bytes: self.max_location_bytes,
            max_location_entries: self.max_location_entries,
            max_location_depth: self.max_location_depth,
            stop,
            ..ReadOptions::default()
        }
    }

    /// Checks of the bounds, each naming its key.
    pub(super) fn validate_bounds(&self) -> Result<(), ConfigError> {
        let checks: [(&str, u64, u64, u64); 4] = [
            ("catalog.maxFileBytes", self.max_file_bytes, 1024, 64 << 20),
            (
                "catalog.maxLocationBytes",
                self.max_location_bytes,
                1024,
                16 << 30,
            ),
            (
                "catalog.maxLocationEntries",
                self.max_location_entries as u64,
                1,
                10_000_000,
            ),
            (
                "catalog.maxLocationDepth",
                self.max_location_depth as u64,
                1,
                256,
            ),
        ];
        for (key, value, min, max) in checks {
            if !(min..=max).contains(&value) {
                return Err(ConfigError::key(
                    key,
                    format!("must be between {min} and {max}"),
                ));
            }
        }
        if self.max_location_bytes < self.max_file_bytes {
            return Err(ConfigError::key(
                "catalog.maxLocationBytes",
                "must be at least catalog.maxFileBytes",
            ));
        }
        Ok(())
    }
}

impl Config {
    /// The folders API-registered file locations must be inside: `catalog.fileRoots`, or by
    /// default the folders of the configured locations (the demo catalog's included). Default
    /// roots that do not exist yet are skipped and returned as warnings.
    pub fn file_roots(&self) -> Result<(FileRoots, Vec<String>), ConfigError> {
        match &self.catalog.file_roots {
            Some(paths) => FileRoots::configured(paths)
                .map(|roots| (roots, Vec::new()))
                .map_err(|problem| {
                    let (key, message) = problem
                        .split_once(": ")
                        .unwrap_or(("catalog.fileRoots", &problem));
                    ConfigError::key(key.to_string(), message.to_string())
                }),
            None => Ok(FileRoots::of_locations(&self.catalog_locations())),
        }
    }
}
