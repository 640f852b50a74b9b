//! Checks beyond what the types enforce. Each error names its key.

use super::{Config, ConfigError};

impl Config {
    /// Validates values that deserialized but cannot work.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let url = &self.database.url;
        let known = ["sqlite:", "postgres://", "postgresql://"];
        if !known.iter().any(|scheme| url.starts_with(scheme)) {
            return Err(ConfigError::key(
                "database.url",
                format!(
                    "`{}` is not supported; use sqlite:<file> or postgres://user:password@host/database",
                    trellis_store::redact_url(url)
                ),
            ));
        }
        if url.starts_with("sqlite:") && url.contains(":memory:") {
            return Err(ConfigError::key(
                "database.url",
                "in-memory SQLite is not supported; give a file",
            ));
        }
        if !(1..=1000).contains(&self.database.max_connections) {
            return Err(ConfigError::key(
                "database.maxConnections",
                "must be between 1 and 1000",
            ));
        }
        if !(1..=300).contains(&self.database.acquire_timeout_secs) {
            return Err(ConfigError::key(
                "database.acquireTimeoutSecs",
                "must be between 1 and 300",
            ));
        }
        let base = &self.app.base_url;
        let valid_base = base
            .parse::<http::Uri>()
            .ok()
            .filter(|u| matches!(u.scheme_str(), Some("http" | "https")) && u.host().is_some());
        if valid_base.is_none() {
            return Err(ConfigError::key(
                "app.baseUrl",
                format!("`{base}` is not an absolute http(s) URL"),
            ));
        }
        if self.server.body_limit_bytes < 1024 {
            return Err(ConfigError::key(
                "server.bodyLimitBytes",
                "must be at least 1024",
            ));
        }
        for (i, location) in self.catalog.locations.iter().enumerate() {
            if location.location_type != "file" {
                return Err(ConfigError::key(
                    format!("catalog.locations[{i}].type"),
                    format!("`{}` is not supported; use `file`", location.location_type),
                ));
            }
            if location.target.trim().is_empty() {
                return Err(ConfigError::key(
                    format!("catalog.locations[{i}].target"),
                    "must not be empty",
                ));
            }
        }
        self.catalog.validate_bounds()?;
        self.file_roots()?;
        if !(10..=86_400).contains(&self.catalog.refresh_interval_secs) {
            return Err(ConfigError::key(
                "catalog.refreshIntervalSecs",
                "must be between 10 and 86400",
            ));
        }
        for (id, provider) in &self.catalog.providers.ldap_org {
            let prefix = format!("catalog.providers.ldapOrg.{id}");
            if let Some(problem) = provider.problems(&prefix).into_iter().next() {
                let (key, message) = problem.split_once(": ").unwrap_or((&prefix, &problem));
                return Err(ConfigError::key(key.to_string(), message.to_string()));
            }
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.level) {
            return Err(ConfigError::key(
                "log.level",
                format!("`{}` is not a valid filter: {e}", self.log.level),
            ));
        }
        let mut problems = self.auth.problems();
        for admin in &self.permission.admins {
            if trellis_shared::catalog::EntityRef::parse(admin, None, Some("default")).is_err() {
                problems.push(format!(
                    "permission.admins: `{admin}` is not an entity reference (kind:namespace/name)"
                ));
            }
        }
        problems.extend(trellis_auth::Policy::problems(
            &self.permission.rules,
            "permission.rules",
        ));
        let file_rules = self.policy_rules()?;
        let from_file = &file_rules[self.permission.rules.len()..];
        problems.extend(trellis_auth::Policy::problems(
            from_file,
            "permission.policyFile",
        ));
        problems.extend(self.integrations.problems());
        problems.extend(self.pager_duty.problems());
        problems.extend(self.backend.problems());
        problems.extend(self.deployments.problems());
        problems.extend(self.grafana.problems());
        problems.extend(self.prometheus.problems());
        if !(1..=86_400).contains(&self.home.fresh_for_secs) {
            problems.push("home.freshForSecs: must be between 1 and 86400".into());
        }
        if self.home.page_cache_secs > 60 {
            problems.push("home.pageCacheSecs: must be between 0 and 60".into());
        } else if self.home.page_cache_secs > self.home.fresh_for_secs {
            problems.push(format!(
                "home.pageCacheSecs: must be at most home.freshForSecs ({}): a kept page shows nothing older than a render would",
                self.home.fresh_for_secs
            ));
        }
        if !(10..=30_000).contains(&self.home.wait_for_ms) {
            problems.push("home.waitForMs: must be between 10 and 30000".into());
        }
        if self.home.toolkit.len() > crate::personal::MAX_TOOLKIT {
            problems.push(format!(
                "home.toolkit: at most {} links",
                crate::personal::MAX_TOOLKIT
            ));
        }
        for (i, link) in self.home.toolkit.iter().enumerate() {
            if let Err(e) = crate::personal::check_link(&link.title, &link.url) {
                problems.push(format!("home.toolkit[{i}].{e}"));
            }
        }
        if !(0.0..=1.0).contains(&self.demo.upstream.error_rate) {
            problems.push("demo.upstream.errorRate: must be between 0 and 1".into());
        }
        if self.demo.upstream.latency_ms > 60_000 {
            problems.push("demo.upstream.latencyMs: must be at most 60000".into());
        }
        if let Some(problem) = problems.into_iter().next() {
            let (key, message) = problem.split_once(": ").unwrap_or(("auth", &problem));
            return Err(ConfigError::key(key.to_string(), message.to_string()));
        }
        Ok(())
    }

    /// The config as YAML for `trellis config check`, with passwords hidden.
    pub fn to_redacted_yaml(&self) -> String {
        let mut shown = self.clone();
        shown.database.url = trellis_store::redact_url(&shown.database.url);
        if let Some(secret) = shown.auth.proxy.secret.as_mut() {
            secret.value = "********".into();
        }
        for provider in shown.catalog.providers.ldap_org.values_mut() {
            if let Some(bind) = provider.bind.as_mut() {
                bind.secret = "********".into();
            }
        }
        for github in &mut shown.integrations.github {
            if let Some(token) = github.token.as_mut() {
                *token = "********".into();
            }
            for app in &mut github.apps {
                app.private_key = "********".into();
                for secret in [&mut app.client_secret, &mut app.webhook_secret] {
                    if let Some(s) = secret.as_mut() {
                        *s = "********".into();
                    }
                }
            }
        }
        for jira in &mut shown.integrations.jira {
            jira.token = "********".into();
        }
        shown.pager_duty = shown.pager_duty.redacted();
        if let Some(token) = shown.grafana.token.as_mut() {
            *token = "********".into();
        }
        shown.backend = shown.backend.redacted();
        for section in shown.plugins.values_mut() {
            hide_secrets(section);
        }
        serde_yaml_ng::to_string(&shown).unwrap_or_else(|e| format!("# cannot show config: {e}\n"))
    }
}

/// Hides the values of keys that look like secrets (`token`, `password`, `secret`, `apiKey`)
/// anywhere in a plugin's section.
fn hide_secrets(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let k = key.to_ascii_lowercase();
                if ["token", "password", "secret", "apikey"]
                    .iter()
                    .any(|s| k.contains(s))
                {
                    *v = serde_json::Value::String("********".into());
                } else {
                    hide_secrets(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(hide_secrets),
        _ => {}
    }
}
