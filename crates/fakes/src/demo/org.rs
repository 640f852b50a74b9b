//! What the demo catalog says about people and code, read from its YAML: users, e-mails and
//! teams, components' GitHub repositories, PagerDuty services and owners, Jira project keys.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

/// What the demo catalog says about people and code.
#[derive(Debug, Clone, Default)]
pub struct DemoOrg {
    /// Team name -> member user names.
    pub teams: BTreeMap<String, Vec<String>>,
    /// `owner/repo` -> owning team name.
    pub repos: BTreeMap<String, String>,
    /// `owner/repo` -> the names of the components built from it.
    pub components: BTreeMap<String, Vec<String>>,
    /// User name -> e-mail.
    pub emails: BTreeMap<String, String>,
    /// PagerDuty service id (`pagerduty.com/service-id`) -> (component name, owning team).
    pub services: BTreeMap<String, (String, String)>,
    /// Jira project keys (`jira/project-key` annotations).
    pub projects: std::collections::BTreeSet<String>,
    /// Grafana tag of a one-tag `grafana/dashboard-selector` (`tags @> 'x'`) -> (component
    /// name, its title).
    pub dashboards: BTreeMap<String, (String, String)>,
}

/// Reads the users, groups and components of every `.yaml` file under `dir`.
pub fn read_org(dir: &Path) -> anyhow::Result<DemoOrg> {
    let mut org = DemoOrg::default();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let text = std::fs::read_to_string(&path)?;
                for doc in serde_yaml_ng::Deserializer::from_str(&text) {
                    let Ok(v) = <Value as serde::Deserialize>::deserialize(doc) else {
                        continue;
                    };
                    add(&mut org, &v);
                }
            }
        }
    }
    Ok(org)
}

fn short(r: &str) -> String {
    r.rsplit(['/', ':']).next().unwrap_or(r).to_string()
}

fn add(org: &mut DemoOrg, v: &Value) {
    let name = v["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if let Some(key) = v["metadata"]["annotations"]["jira/project-key"].as_str() {
        org.projects.insert(key.to_string());
    }
    match v["kind"].as_str() {
        Some("User") => {
            if let Some(email) = v["spec"]["profile"]["email"].as_str() {
                org.emails.insert(name.clone(), email.to_string());
            }
            for team in v["spec"]["memberOf"].as_array().into_iter().flatten() {
                if let Some(t) = team.as_str() {
                    org.teams.entry(short(t)).or_default().push(name.clone());
                }
            }
        }
        Some("Component") => {
            let slug = v["metadata"]["annotations"]["github.com/project-slug"].as_str();
            if let (Some(slug), Some(owner)) = (slug, v["spec"]["owner"].as_str()) {
                org.repos.insert(slug.to_string(), short(owner));
                org.components
                    .entry(slug.to_string())
                    .or_default()
                    .push(name.clone());
            }
            let selector = v["metadata"]["annotations"]["grafana/dashboard-selector"].as_str();
            let tag = selector
                .and_then(|s| s.trim().strip_prefix("tags @> '")?.strip_suffix('\''))
                .filter(|t| !t.contains('\''));
            if let Some(tag) = tag {
                let title = v["metadata"]["title"].as_str().unwrap_or(&name).to_string();
                org.dashboards
                    .insert(tag.to_string(), (name.clone(), title));
            }
            let service = v["metadata"]["annotations"]["pagerduty.com/service-id"].as_str();
            if let (Some(id), Some(owner)) = (service, v["spec"]["owner"].as_str()) {
                org.services
                    .insert(id.to_string(), (name.clone(), short(owner)));
            }
        }
        _ => {}
    }
}
