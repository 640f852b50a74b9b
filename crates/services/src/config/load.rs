//! Reading the config: file, `${VAR}` substitution, environment overrides, deserialization with
//! the failing key named, then validation.

use std::path::Path;

use serde_yaml_ng::{Mapping, Value};

use super::Config;

/// A config that cannot be used, naming the key or file at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The file is not valid YAML.
    #[error("config file {path} is not valid YAML: {reason}")]
    Syntax {
        /// The file.
        path: String,
        /// Parser message with line and column.
        reason: String,
    },
    /// A key has a wrong value.
    #[error("config key `{key}`: {reason}")]
    Key {
        /// Dotted path of the key, e.g. `database.url`.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl ConfigError {
    /// A wrong value at `key` (plugins name their own keys with it too).
    pub fn key(key: impl Into<String>, reason: impl Into<String>) -> Self {
        ConfigError::Key {
            key: key.into(),
            reason: reason.into(),
        }
    }
}

/// A validated config and the keys it ignored.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The config.
    pub config: Config,
    /// Keys present in the file or environment that Trellis does not know (likely typos).
    pub unknown_keys: Vec<String>,
    /// Old spellings found and read under their new keys: `(old, new)`, dotted paths.
    pub renamed_keys: Vec<(String, String)>,
}

/// Keys that were spelled in snake case before the config took Backstage's camelCase
/// everywhere, by dotted path: still read, with a warning naming the new key.
const RENAMED: &[&str] = &[
    "server.site_root",
    "server.shutdown_grace_secs",
    "server.body_limit_bytes",
    "database.max_connections",
    "database.acquire_timeout_secs",
    "database.migrate_on_start",
    "catalog.refresh_interval_secs",
    "catalog.max_file_bytes",
    "auth.sign_in_url",
    "auth.sign_out_url",
    "auth.allowed_domains",
    "auth.allow_users_not_in_catalog",
    "auth.identity_ttl_secs",
    "auth.guest_user",
    "auth.proxy.trusted_proxies",
    "auth.proxy.jwt.jwks_file",
    "auth.proxy.jwt.leeway_secs",
    "auth.proxy.headers.preferred_username",
    "permission.everyone_reads",
    "permission.policy_file",
];

/// `snake_case` as `camelCase`.
fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Moves each old spelling of [`RENAMED`] to its camelCase key (the new one wins when both are
/// given) and says which it moved.
fn rename_old_spellings(value: &mut Value) -> Vec<(String, String)> {
    let mut renamed = Vec::new();
    for path in RENAMED {
        let parts: Vec<&str> = path.split('.').collect();
        let Some((last, parents)) = parts.split_last() else {
            continue;
        };
        let Some(Value::Mapping(map)) = parents
            .iter()
            .try_fold(&mut *value, |node, part| node.get_mut(*part))
        else {
            continue;
        };
        if let Some(old) = map.remove(*last) {
            let new = camel(last);
            if !map.contains_key(new.as_str()) {
                map.insert(Value::String(new.clone()), old);
            }
            let prefix = parents.join(".");
            renamed.push((path.to_string(), format!("{prefix}.{new}")));
        }
    }
    renamed
}

/// Loads the config from `file` (or only defaults) with overrides from `env`, a list of
/// environment variables (pass `std::env::vars()`; tests pass their own).
pub fn load(
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Loaded, ConfigError> {
    let env: Vec<(String, String)> = env.into_iter().collect();
    let mut value = match file {
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
                path: shown.clone(),
                reason: e.to_string(),
            })?;
            let parsed: Value =
                serde_yaml_ng::from_str(&text).map_err(|e| ConfigError::Syntax {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
            match parsed {
                Value::Null => Value::Mapping(Mapping::new()),
                Value::Mapping(_) => parsed,
                _ => {
                    return Err(ConfigError::Syntax {
                        path: shown,
                        reason: "the top level must be a mapping of keys".into(),
                    })
                }
            }
        }
        // The embedded default is the demo: without a config file, demo mode and guest sign-in are on (the
        // environment can still turn it off with TRELLIS__DEMO__ENABLED=false). The default guest
        // is an admin, so the demo shows the admin page and audit log; the other demo users picked
        // at /auth/guest are not.
        None => serde_yaml_ng::from_str(
            "{demo: {enabled: true}, auth: {mode: guest}, permission: {admins: ['user:default/demo.user']}}",
        )
            .unwrap_or_else(|_| Value::Mapping(Mapping::new())),
    };
    substitute(&mut value, "", &env)?;
    let renamed_keys = rename_old_spellings(&mut value);
    apply_env_overrides(&mut value, &env)?;

    let mut unknown_keys = Vec::new();
    let mut record = |path: serde_ignored::Path<'_>| unknown_keys.push(path.to_string());
    let ignored = serde_ignored::Deserializer::new(value, &mut record);
    let config: Config = serde_path_to_error::deserialize(ignored).map_err(|e| {
        let key = e.path().to_string();
        ConfigError::key(
            if key == "." {
                "(top level)".to_string()
            } else {
                key
            },
            e.into_inner().to_string(),
        )
    })?;
    config.validate()?;
    Ok(Loaded {
        config,
        unknown_keys,
        renamed_keys,
    })
}

/// Replaces `${VAR}` in every string; a variable that is not set is an error naming key and var.
fn substitute(value: &mut Value, key: &str, env: &[(String, String)]) -> Result<(), ConfigError> {
    match value {
        Value::String(s) if s.contains('$') => *s = substitute_str(s, key, env)?,
        Value::Mapping(map) => {
            for (k, v) in map.iter_mut() {
                let name = k
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{k:?}"));
                substitute(v, &join(key, &name), env)?;
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                substitute(v, &format!("{key}[{i}]"), env)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn substitute_str(s: &str, key: &str, env: &[(String, String)]) -> Result<String, ConfigError> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(after) = tail.strip_prefix("${") {
            let end = after
                .find('}')
                .ok_or_else(|| ConfigError::key(key, "unclosed `${` in value"))?;
            let var = &after[..end];
            let found = env.iter().find(|(k, _)| k == var).map(|(_, v)| v.as_str());
            match found {
                Some(v) => out.push_str(v),
                None => {
                    return Err(ConfigError::key(
                        key,
                        format!("environment variable `{var}` is not set"),
                    ))
                }
            }
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// `TRELLIS_LISTEN` and `TRELLIS__A__B` overrides: each segment, in SNAKE_CASE as environment
/// variables are, names the camelCase key (`TRELLIS__SERVER__SITE_ROOT` sets `server.siteRoot`).
/// Values are read as YAML scalars, so `true` and `42` keep their types.
fn apply_env_overrides(value: &mut Value, env: &[(String, String)]) -> Result<(), ConfigError> {
    let mut overrides: Vec<(Vec<String>, &str)> = Vec::new();
    for (name, val) in env {
        if name == "TRELLIS_LISTEN" {
            overrides.push((vec!["server".into(), "listen".into()], val));
        } else if let Some(path) = name.strip_prefix("TRELLIS__") {
            let parts: Vec<String> = path
                .split("__")
                .map(|p| camel(&p.to_ascii_lowercase()))
                .collect();
            if parts.iter().any(String::is_empty) {
                return Err(ConfigError::key(
                    name.clone(),
                    "empty key segment in environment override",
                ));
            }
            overrides.push((parts, val));
        }
    }
    for (path, raw) in overrides {
        let parsed: Value =
            serde_yaml_ng::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
        set_path(value, &path, parsed)
            .map_err(|reason| ConfigError::key(path.join("."), reason))?;
    }
    Ok(())
}

fn set_path(value: &mut Value, path: &[String], new: Value) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        *value = new;
        return Ok(());
    };
    let Value::Mapping(map) = value else {
        return Err("cannot override a key inside a value that is not a mapping".into());
    };
    let key = Value::String(first.clone());
    if rest.is_empty() {
        map.insert(key, new);
        return Ok(());
    }
    let child = map
        .entry(key)
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    set_path(child, rest, new)
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}
