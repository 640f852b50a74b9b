//! Typed configuration, loaded and validated once at start-up.
//!
//! Sources, later wins: embedded defaults, the YAML file given with `--config` (strings may use
//! `${ENV_VAR}`; `$${` is a literal `${`), then environment overrides: `TRELLIS_LISTEN` for
//! `server.listen`, and `TRELLIS__<SECTION>__<KEY>` for any key (`TRELLIS__DATABASE__URL`).
//! Unknown keys are reported as warnings; wrong values stop start-up with the key named.

mod catalog;
mod home;
mod load;
mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use catalog::CatalogConfig;
pub use home::{DemoUpstreamConfig, HomeConfig, LoginRule, ToolkitLink};
pub use load::{load, ConfigError, Loaded};

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Portal identity.
    pub app: AppConfig,
    /// HTTP server.
    pub server: ServerConfig,
    /// Database.
    pub database: DatabaseConfig,
    /// Logging.
    pub log: LogConfig,
    /// Software catalog.
    pub catalog: CatalogConfig,
    /// Demo mode: the demo catalog and org.
    pub demo: DemoConfig,
    /// Sign-in: trusted proxy headers or guest mode.
    pub auth: trellis_auth::AuthConfig,
    /// Access control: admins and policy rules.
    pub permission: trellis_auth::PermissionConfig,
    /// How Trellis reaches third-party tools (Backstage's `integrations` section).
    pub integrations: trellis_integrations::IntegrationsConfig,
    /// The home page's widgets.
    pub home: HomeConfig,
    /// PagerDuty (the keys of PagerDuty's Backstage plugin).
    #[serde(rename = "pagerDuty")]
    pub pager_duty: trellis_integrations::pagerduty::PagerDutyConfig,
    /// Machine callers (Backstage's `backend.auth.externalAccess` static tokens).
    pub backend: trellis_auth::external::BackendConfig,
    /// Find any commit's deploy targets.
    pub deployments: trellis_deploys::DeploymentsConfig,
    /// `grafana.*`: the dashboards card.
    pub grafana: trellis_integrations::grafana::GrafanaConfig,
    /// `prometheus.*`: the dashboard drawer's charts.
    pub prometheus: trellis_integrations::prometheus::PrometheusConfig,
    /// The sections of plugins outside the core, by plugin (`plugins.vendorStatus`); each
    /// plugin reads its own with [`Config::plugin_section`].
    pub plugins: std::collections::BTreeMap<String, serde_json::Value>,
}

/// `raw` as the http(s) base URL it must be (trimmed, without a trailing `/`, at most 2,000
/// characters), or an error naming `key`.
pub fn http_url(key: &str, raw: &str) -> Result<String, ConfigError> {
    let url = raw.trim().trim_end_matches('/');
    let scheme = url.starts_with("https://") || url.starts_with("http://");
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    if !scheme || host.is_empty() || url.len() > 2000 || url.chars().any(char::is_whitespace) {
        return Err(ConfigError::key(
            key,
            format!(
                "`{}` is not an http(s) URL",
                raw.chars().take(100).collect::<String>()
            ),
        ));
    }
    Ok(url.to_string())
}

/// `app.*`: how the portal presents itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AppConfig {
    /// Name shown in the browser title.
    pub title: String,
    /// Public URL users reach the portal at (Backstage's `app.baseUrl`).
    pub base_url: String,
}

/// `demo.*`: the embedded default's demo content. On when Trellis starts without `--config`
/// (which also picks `auth.mode: guest`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DemoConfig {
    /// Load the demo catalog.
    pub enabled: bool,
    /// The demo catalog's entry file (a `Location`), registered like a config location.
    pub catalog: String,
    /// How the demo's fake upstreams misbehave.
    pub upstream: DemoUpstreamConfig,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            catalog: "demo/catalog/all.yaml".into(),
            upstream: DemoUpstreamConfig::default(),
        }
    }
}

impl Config {
    /// The locations the catalog reads: `catalog.locations`, plus the demo catalog in demo mode.
    pub fn catalog_locations(&self) -> Vec<trellis_catalog::LocationSpec> {
        let mut out = self.catalog.locations.clone();
        if self.demo.enabled {
            let demo = trellis_catalog::LocationSpec::file(self.demo.catalog.clone());
            if !out.contains(&demo) {
                out.push(demo);
            }
        }
        out
    }

    /// Plugin `name`'s section (`plugins.<name>`) as `T`, its default when absent; a wrong
    /// value is an error naming its key.
    pub fn plugin_section<T: serde::de::DeserializeOwned + Default>(
        &self,
        name: &str,
    ) -> Result<T, ConfigError> {
        let Some(value) = self.plugins.get(name) else {
            return Ok(T::default());
        };
        serde_path_to_error::deserialize(value).map_err(|e| {
            let at = e.path().to_string();
            let key = if at == "." {
                format!("plugins.{name}")
            } else {
                format!("plugins.{name}.{at}")
            };
            ConfigError::key(key, e.into_inner().to_string())
        })
    }

    /// The policy rules: `permission.rules`, then those of `permission.policyFile`.
    pub fn policy_rules(&self) -> Result<Vec<trellis_auth::policy::Rule>, ConfigError> {
        let mut rules = self.permission.rules.clone();
        if let Some(file) = &self.permission.policy_file {
            let text = std::fs::read_to_string(file).map_err(|e| {
                ConfigError::key(
                    "permission.policyFile",
                    format!("`{file}` cannot be read: {e}"),
                )
            })?;
            let more: Vec<trellis_auth::policy::Rule> =
                serde_yaml_ng::from_str(&text).map_err(|e| {
                    ConfigError::key(
                        "permission.policyFile",
                        format!("`{file}` is not a list of rules: {e}"),
                    )
                })?;
            rules.extend(more);
        }
        Ok(rules)
    }
}

/// `server.*`: the HTTP listener and the static site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServerConfig {
    /// Address to listen on; `TRELLIS_LISTEN` overrides it.
    pub listen: SocketAddr,
    /// Folder cargo-leptos built the site into (holds `pkg/`).
    pub site_root: PathBuf,
    /// Seconds to let requests in flight finish after SIGTERM/Ctrl-C.
    pub shutdown_grace_secs: u64,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
}

/// `database.*`: where Trellis keeps its data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DatabaseConfig {
    /// `sqlite:<file>` (embedded default) or `postgres://user:pass@host/db` (production).
    pub url: String,
    /// Most pooled connections per replica.
    pub max_connections: u32,
    /// Seconds a query waits for a pooled connection.
    pub acquire_timeout_secs: u64,
    /// Apply pending migrations when `serve` starts (otherwise run `trellis migrate`).
    pub migrate_on_start: bool,
}

/// `log.*`: tracing output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogConfig {
    /// `tracing` filter directive, e.g. `info` or `info,trellis=debug`; `RUST_LOG` wins if set.
    pub level: String,
    /// `pretty` for terminals, `json` for log collectors.
    pub format: LogFormat,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable.
    Pretty,
    /// One JSON object per line.
    Json,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            title: "Trellis".into(),
            base_url: "http://127.0.0.1:3000".into(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: PathBuf::from("target/site"),
            shutdown_grace_secs: 10,
            body_limit_bytes: 2 * 1024 * 1024,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite:data/trellis.db".into(),
            max_connections: 10,
            acquire_timeout_secs: 5,
            migrate_on_start: true,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            level: "info".into(),
            format: LogFormat::Pretty,
        }
    }
}

#[cfg(test)]
mod tests;
