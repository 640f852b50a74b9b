//! `catalog.providers.ldapOrg.<id>`, in the shape of Backstage's LDAP provider config
//! (<https://backstage.io/docs/integrations/ldap/org>), so an existing block ports over as is:
//! `target`, `bind.dn`/`bind.secret`, `tls`, `users`/`groups` (one block or a list) with `dn`,
//! `options.scope`/`filter`/`attributes`/`paged`, `map`, `set`, `vendor` and `schedule`.
//! Trellis adds `tls.startTls`, `timeoutSecs` and `maxDeleteShare`.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::{Span, SpanRelativeTo, Unit};
use serde::{Deserialize, Serialize};
use serde_with::{serde_as, OneOrMany};

/// One LDAP org provider.
#[serde_as]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LdapOrgConfig {
    /// `ldap://host:port` or `ldaps://host:port`.
    pub target: String,
    /// Credentials; anonymous when absent.
    #[serde(default)]
    pub bind: Option<BindConfig>,
    /// TLS options.
    #[serde(default)]
    pub tls: TlsConfig,
    /// Where users are read from.
    #[serde(default)]
    #[serde_as(as = "OneOrMany<_>")]
    pub users: Vec<SearchConfig>,
    /// Where groups are read from.
    #[serde(default)]
    #[serde_as(as = "OneOrMany<_>")]
    pub groups: Vec<SearchConfig>,
    /// Directory-specific attribute names.
    #[serde(default)]
    pub vendor: VendorConfig,
    /// How often to sync.
    #[serde(default)]
    pub schedule: ScheduleConfig,
    /// Seconds any one directory operation may take before the sync is aborted.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Largest share (0 to 1) of the stored users, or of the stored groups, one sync may delete;
    /// a sync that would delete more is aborted and nothing changes.
    #[serde(default = "default_max_delete")]
    pub max_delete_share: f64,
}

/// `bind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindConfig {
    /// DN to bind as.
    pub dn: String,
    /// Its password.
    pub secret: String,
}

/// `tls`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TlsConfig {
    /// Verify the server's certificate (Backstage's key; default true).
    #[serde(default = "yes")]
    pub reject_unauthorized: bool,
    /// Upgrade an `ldap://` connection with StartTLS.
    #[serde(default)]
    pub start_tls: bool,
}

impl Default for TlsConfig {
    fn default() -> Self {
        TlsConfig {
            reject_unauthorized: true,
            start_tls: false,
        }
    }
}

/// One `users` or `groups` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Search base.
    pub dn: String,
    /// Search options.
    #[serde(default)]
    pub options: SearchOptions,
    /// Attribute mapping; unset fields take the defaults of users or groups.
    #[serde(default)]
    pub map: MapConfig,
    /// Values set on every entity read here, by dotted path (`metadata.namespace: org`).
    #[serde(default)]
    pub set: BTreeMap<String, serde_json::Value>,
}

/// `options`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchOptions {
    /// `base`, `one` or `sub`.
    #[serde(default = "default_scope")]
    pub scope: String,
    /// LDAP filter; users default to inetOrgPerson, groups to the three group classes.
    #[serde(default)]
    pub filter: Option<String>,
    /// Attributes to fetch (`*` all user attributes, `+` operational ones); by default those the
    /// `map` and `vendor` settings name, so nothing unused crosses the wire.
    #[serde(default)]
    pub attributes: Option<Vec<String>>,
    /// Paged results (RFC 2696): `true`, `false` or `{pageSize: n}`. Default: pages of 500.
    #[serde(default)]
    pub paged: Paged,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            scope: default_scope(),
            filter: None,
            attributes: None,
            paged: Paged::default(),
        }
    }
}

/// `options.paged`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Paged {
    /// On (pages of 500) or off.
    Flag(bool),
    /// On with a page size.
    Sized {
        /// Entries per page.
        #[serde(rename = "pageSize")]
        page_size: i32,
    },
}

impl Default for Paged {
    fn default() -> Self {
        Paged::Flag(true)
    }
}

impl Paged {
    /// The page size, or `None` for an unpaged search.
    pub fn page_size(&self) -> Option<i32> {
        match self {
            Paged::Flag(true) => Some(500),
            Paged::Flag(false) => None,
            Paged::Sized { page_size } => Some(*page_size),
        }
    }
}

/// `map`: which attribute fills which entity field.
#[serde_as]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MapConfig {
    /// Attribute naming the entry within its parent (users `uid`, groups `cn`).
    pub rdn: Option<String>,
    /// Attribute giving `metadata.name` (users `uid`, groups `cn`).
    pub name: Option<String>,
    /// `metadata.description` (`description`).
    pub description: Option<String>,
    /// `spec.profile.displayName` (users `displayName`, else `cn`; groups `cn`).
    pub display_name: Option<String>,
    /// `spec.profile.email` (`mail`).
    pub email: Option<String>,
    /// `spec.profile.picture` (`jpegPhoto` is binary and skipped; a URL attribute works).
    pub picture: Option<String>,
    /// Attribute listing the groups an entry belongs to (`memberOf`).
    pub member_of: Option<String>,
    /// Groups: attributes listing members (`member`, `uniqueMember`, `memberUid`).
    #[serde(default)]
    #[serde_as(as = "Option<OneOrMany<_>>")]
    pub members: Option<Vec<String>>,
    /// Groups: `spec.type` (`groupType`; `team` when absent).
    #[serde(rename = "type")]
    pub group_type: Option<String>,
    /// Users: job title, kept as an annotation (`title`).
    pub title: Option<String>,
    /// Users: manager DN, kept as an annotation with the manager's ref (`manager`).
    pub manager: Option<String>,
    /// Annotations filled from attributes, annotation key to attribute name: who a person is
    /// in each tool (`github.com/user-login: githubLogin`, `pagerduty.com/user-id: pdId`),
    /// which the home page's widgets read. An entry without the attribute gets none.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// `vendor`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VendorConfig {
    /// Attribute holding an entry's DN (OpenLDAP `entryDN`); the search result's DN otherwise.
    pub dn_attribute_name: Option<String>,
    /// Attribute holding an entry's stable id (OpenLDAP `entryUUID`, AD `objectGUID`).
    pub uuid_attribute_name: Option<String>,
}

/// `schedule`: `frequency` as an ISO 8601 duration (`PT1H`) or `{hours: 1}` (default 60 min).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    /// Time between syncs.
    #[serde(default)]
    pub frequency: Option<serde_json::Value>,
    /// Backstage's per-run timeout; Trellis bounds each operation with `timeoutSecs` instead.
    #[serde(default)]
    pub timeout: Option<serde_json::Value>,
    /// Backstage's initial delay; accepted and ignored.
    #[serde(default, rename = "initialDelay")]
    pub initial_delay: Option<serde_json::Value>,
}

impl MapConfig {
    /// Attributes this mapping reads (with the defaults of users or groups filled in).
    pub fn attributes(&self, groups: bool) -> Vec<String> {
        let set =
            |value: &Option<String>, default: &str| value.clone().unwrap_or_else(|| default.into());
        let (rdn, name) = if groups { ("cn", "cn") } else { ("uid", "uid") };
        let mut out = vec![
            set(&self.rdn, rdn),
            set(&self.name, name),
            set(&self.description, "description"),
            set(&self.email, "mail"),
            set(&self.member_of, "memberOf"),
            "objectClass".into(),
        ];
        match &self.display_name {
            Some(attr) => out.push(attr.clone()),
            None => out.extend(["displayName".to_string(), "cn".to_string()]),
        }
        out.extend(self.picture.clone());
        out.extend(self.annotations.values().cloned());
        if groups {
            out.push(set(&self.group_type, "groupType"));
            out.extend(self.members.clone().unwrap_or_else(|| {
                vec!["member".into(), "uniqueMember".into(), "memberUid".into()]
            }));
        } else {
            out.push(set(&self.title, "title"));
            out.push(set(&self.manager, "manager"));
        }
        out.sort();
        out.dedup();
        out
    }
}

impl LdapOrgConfig {
    /// Problems with this config, each naming its field under `prefix`.
    pub fn problems(&self, prefix: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !(self.target.starts_with("ldap://") || self.target.starts_with("ldaps://")) {
            out.push(format!(
                "{prefix}.target: `{}` is not an ldap:// or ldaps:// URL",
                self.target
            ));
        }
        if self.bind.as_ref().is_some_and(|b| b.dn.trim().is_empty()) {
            out.push(format!("{prefix}.bind.dn: must not be empty"));
        }
        for (field, blocks) in [("users", &self.users), ("groups", &self.groups)] {
            if blocks.is_empty() {
                out.push(format!(
                    "{prefix}.{field}: at least one block with a `dn` is needed"
                ));
            }
            for (i, block) in blocks.iter().enumerate() {
                let at = format!("{prefix}.{field}[{i}]");
                if !matches!(block.options.scope.as_str(), "base" | "one" | "sub") {
                    out.push(format!(
                        "{at}.options.scope: `{}` is not base, one or sub",
                        block.options.scope
                    ));
                }
                if block.options.paged.page_size().is_some_and(|n| n < 1) {
                    out.push(format!("{at}.options.paged.pageSize: must be at least 1"));
                }
                out.extend(crate::mapped::problems(&block.map.annotations, &at));
            }
        }
        if !(0.0..=1.0).contains(&self.max_delete_share) {
            out.push(format!(
                "{prefix}.maxDeleteShare: {} is not between 0 and 1",
                self.max_delete_share
            ));
        }
        if let Err(e) = self.frequency() {
            out.push(format!("{prefix}.schedule.frequency: {e}"));
        }
        out
    }

    /// Time between syncs.
    pub fn frequency(&self) -> Result<Duration, String> {
        match &self.schedule.frequency {
            None => Ok(Duration::from_secs(3600)),
            Some(value) => parse_duration(value),
        }
    }
}

/// A Backstage `HumanDuration`: an ISO 8601 duration (`PT1H30M`, `P1D`, parsed by jiff) or
/// an object of units (`{hours: 1, minutes: 30}`). Days are 24 hours; months and years,
/// whose length varies, are refused.
fn parse_duration(value: &serde_json::Value) -> Result<Duration, String> {
    let span = match value {
        serde_json::Value::String(text) => text
            .parse::<Span>()
            .map_err(|_| format!("`{text}` is not an ISO 8601 duration such as PT1H"))?,
        serde_json::Value::Object(map) => {
            let mut span = Span::new();
            for (unit, n) in map {
                let n = n
                    .as_i64()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| format!("{unit}: not a whole number"))?;
                let set = match unit.as_str() {
                    "weeks" => span.try_weeks(n),
                    "days" => span.try_days(n),
                    "hours" => span.try_hours(n),
                    "minutes" => span.try_minutes(n),
                    "seconds" => span.try_seconds(n),
                    "milliseconds" => span.try_milliseconds(n),
                    other => return Err(format!("unknown unit `{other}`")),
                };
                span = set.map_err(|e| format!("{unit}: {e}"))?;
            }
            span
        }
        _ => return Err("expected an ISO 8601 duration or {hours, minutes, ...}".into()),
    };
    let secs = span
        .total((Unit::Second, SpanRelativeTo::days_are_24_hours()))
        .map_err(|_| "months and years are not fixed lengths: use days or weeks".to_string())?;
    if !secs.is_finite() || secs < 1.0 {
        return Err("must be at least one second".into());
    }
    Ok(Duration::from_secs_f64(secs))
}

fn default_scope() -> String {
    "sub".into()
}
fn default_timeout() -> u64 {
    30
}
fn default_max_delete() -> f64 {
    0.2
}
fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_backstage_shaped_config() {
        let yaml = "target: ldaps://ds.example.net\nbind:\n  dn: uid=reader,dc=example,dc=net\n  secret: s3cret\nusers:\n  dn: ou=people,dc=example,dc=net\n  options:\n    filter: (uid=*)\n    paged: {pageSize: 200}\n  map:\n    displayName: cn\n  set:\n    metadata.namespace: org\ngroups:\n  - dn: ou=groups,dc=example,dc=net\n    map:\n      members: [member, memberUid]\nschedule:\n  frequency: PT30M\n";
        let config: LdapOrgConfig = serde_yaml_ng::from_str(yaml).expect("config");
        assert_eq!(config.users.len(), 1);
        assert_eq!(config.users[0].options.paged.page_size(), Some(200));
        assert_eq!(config.groups[0].options.paged.page_size(), Some(500));
        assert_eq!(
            config.groups[0].map.members.as_deref(),
            Some(&["member".to_string(), "memberUid".to_string()][..])
        );
        assert_eq!(config.frequency(), Ok(Duration::from_secs(1800)));
        assert!(
            config.problems("p").is_empty(),
            "{:?}",
            config.problems("p")
        );
        assert_eq!(config.max_delete_share, 0.2);
    }

    #[test]
    fn names_what_is_wrong() {
        let yaml = "target: http://x\nusers: []\ngroups:\n  dn: ou=g\n  options: {scope: deep}\nmaxDeleteShare: 2\nschedule: {frequency: soon}\n";
        let config: LdapOrgConfig = serde_yaml_ng::from_str(yaml).expect("config");
        let problems = config.problems("catalog.providers.ldapOrg.corp").join("\n");
        for needle in [
            "corp.target",
            "corp.users",
            "groups[0].options.scope",
            "maxDeleteShare",
            "frequency",
        ] {
            assert!(problems.contains(needle), "{needle} in {problems}");
        }
        let of = |v: serde_json::Value| parse_duration(&v).map(|d| d.as_secs());
        assert_eq!(of(serde_json::json!("P1DT2H3M4S")), Ok(93_784));
        assert_eq!(of(serde_json::json!("P1W")), Ok(604_800));
        assert_eq!(
            of(serde_json::json!({"hours": 1, "minutes": 30})),
            Ok(5_400)
        );
        assert!(
            of(serde_json::json!("P1M")).is_err(),
            "a month has no fixed length"
        );
        assert!(of(serde_json::json!("PT0S")).is_err());
        assert!(of(serde_json::json!({"fortnights": 1})).is_err());
        assert!(of(serde_json::json!({"hours": -1})).is_err());
    }
}
