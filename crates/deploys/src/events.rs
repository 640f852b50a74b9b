//! Deploy events as CI posts them to `POST /api/deployments/events`: a CDEvents
//! `service.deployed` (or `service.upgraded` / `service.rolledback`) event, spec v0.4
//! (<https://github.com/cdevents/spec/blob/main/continuous-deployment.md>):
//!
//! ```json
//! {"context": {"version": "0.4.1", "id": "deploy-7781", "source": "ci/acme",
//!              "type": "dev.cdevents.service.deployed.0.2.0",
//!              "timestamp": "2026-12-01T10:00:00Z"},
//!  "subject": {"id": "service/home-feed", "source": "ci/acme", "type": "service",
//!              "content": {"environment": {"id": "staging"},
//!                          "artifactId": "pkg:oci/home-feed@sha256%3Aab12?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Facme%2Fhome-feed%40<sha>"}},
//!  "customData": {"commit": "<sha>", "repository": "acme/home-feed"}}
//! ```
//!
//! The component is `subject.id` without its `service/` prefix; the environment is
//! `subject.content.environment.id`; the commit comes from the artifact's package URL
//! `vcs_url` qualifier (`git+https://HOST/OWNER/REPO@SHA`, the purl spec's qualifier) or from
//! `customData.commit`. Every error names the field that was wrong.

use chrono::{DateTime, Utc};
use serde_json::Value;

use trellis_shared::github::{is_repo, is_sha};

use crate::config::is_name;

/// A deploy event, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployEvent {
    /// `context.id`: posting the same event again changes nothing.
    pub event_id: String,
    /// The environment.
    pub environment: String,
    /// The component deployed.
    pub component: String,
    /// `owner/name`, when the event says.
    pub repository: Option<String>,
    /// The deployed commit (lower-case hex).
    pub sha: String,
    /// When it was deployed.
    pub at: DateTime<Utc>,
    /// `context.source`.
    pub source: String,
}

/// What was wrong with an event: the field, then why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct EventError {
    /// The field (`context.type`).
    pub field: &'static str,
    /// Why.
    pub message: String,
}

fn bad(field: &'static str, message: impl Into<String>) -> EventError {
    EventError {
        field,
        message: message.into(),
    }
}

fn text<'a>(v: &'a Value, field: &'static str, max: usize) -> Result<&'a str, EventError> {
    match v.as_str() {
        Some(s) if !s.trim().is_empty() && s.len() <= max => Ok(s.trim()),
        Some(s) if s.len() > max => Err(bad(field, format!("at most {max} characters"))),
        _ => Err(bad(field, "is required (a string)")),
    }
}

const TYPES: [&str; 3] = [
    "dev.cdevents.service.deployed.",
    "dev.cdevents.service.upgraded.",
    "dev.cdevents.service.rolledback.",
];

/// Checks a posted event.
pub fn parse(body: &Value) -> Result<DeployEvent, EventError> {
    if !body.is_object() {
        return Err(bad("body", "must be a CDEvents event (a JSON object)"));
    }
    let ctx = &body["context"];
    let kind = text(&ctx["type"], "context.type", 200)?;
    if !TYPES.iter().any(|t| kind.starts_with(t)) {
        return Err(bad(
            "context.type",
            format!("must be a CDEvents service.deployed, service.upgraded or service.rolledback event, not '{kind}'"),
        ));
    }
    let event_id = text(&ctx["id"], "context.id", 200)?.to_string();
    let source = text(&ctx["source"], "context.source", 500)?.to_string();
    let stamp = text(&ctx["timestamp"], "context.timestamp", 64)?;
    let at = DateTime::parse_from_rfc3339(stamp)
        .map_err(|_| {
            bad(
                "context.timestamp",
                format!("'{stamp}' is not an RFC 3339 time"),
            )
        })?
        .with_timezone(&Utc);
    let subject = &body["subject"];
    let id = text(&subject["id"], "subject.id", 300)?;
    // `service/<name>` (CDEvents' examples) or the bare name: nothing else.
    let component = match id.split_once('/') {
        Some((kind, name)) if is_name(kind) && is_name(name) => name,
        None if is_name(id) => id,
        _ => {
            return Err(bad(
                "subject.id",
                format!("'{id}' is not `service/<component>` or a component name (letters, digits, '-', '_', '.')"),
            ))
        }
    }
    .to_string();
    let content = &subject["content"];
    let environment = text(
        &content["environment"]["id"],
        "subject.content.environment.id",
        100,
    )?;
    if !is_name(environment) {
        return Err(bad(
            "subject.content.environment.id",
            format!("'{environment}' is not an environment name"),
        ));
    }
    let from_purl = content["artifactId"].as_str().and_then(vcs_url);
    let custom = &body["customData"];
    let (repository, sha) = match from_purl {
        Some(found) => found,
        None => {
            let sha = text(&custom["commit"], "customData.commit", 40).map_err(|_| {
                bad(
                    "customData.commit",
                    "the commit is required: a vcs_url qualifier on subject.content.artifactId or customData.commit",
                )
            })?;
            let repo = custom["repository"].as_str().map(str::to_string);
            (repo, sha.to_string())
        }
    };
    if !is_sha(&sha) {
        return Err(bad(
            "customData.commit",
            format!("'{sha}' is not a commit SHA"),
        ));
    }
    if let Some(r) = repository.as_deref().filter(|r| !is_repo(r)) {
        return Err(bad(
            "customData.repository",
            format!("'{r}' is not owner/name"),
        ));
    }
    Ok(DeployEvent {
        event_id,
        environment: environment.to_string(),
        component,
        repository,
        sha: sha.to_ascii_lowercase(),
        at,
        source,
    })
}

/// The repository and commit of a package URL's `vcs_url` qualifier
/// (`git+https://github.com/acme/home-feed@SHA`).
fn vcs_url(purl: &str) -> Option<(Option<String>, String)> {
    let qualifiers = purl.split_once('?')?.1.split('#').next()?;
    let raw = qualifiers
        .split('&')
        .find_map(|q| q.strip_prefix("vcs_url="))?;
    let url = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    let (location, sha) = url.rsplit_once('@')?;
    let path = location.split_once("://")?.1.split_once('/')?.1;
    let repo = path.trim_end_matches(".git").trim_matches('/').to_string();
    Some((
        Some(repo).filter(|r| r.split('/').count() == 2),
        sha.to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(content: Value, custom: Value) -> Value {
        json!({
            "context": {"version": "0.4.1", "id": "deploy-1", "source": "ci/acme",
                        "type": "dev.cdevents.service.deployed.0.2.0",
                        "timestamp": "2026-12-01T10:00:00Z"},
            "subject": {"id": "service/home-feed", "source": "ci/acme", "type": "service",
                        "content": content},
            "customData": custom,
        })
    }

    #[test]
    fn the_commit_comes_from_the_purl_or_custom_data() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let purl = format!("pkg:oci/home-feed@sha256%3Aab12?repository_url=ghcr.io&vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Facme%2Fhome-feed%40{sha}");
        let e = parse(&event(
            json!({"environment": {"id": "staging"}, "artifactId": purl}),
            json!(null),
        ))
        .expect("valid");
        assert_eq!(e.component, "home-feed");
        assert_eq!(e.environment, "staging");
        assert_eq!(e.repository.as_deref(), Some("acme/home-feed"));
        assert_eq!(e.sha, sha);
        let e = parse(&event(
            json!({"environment": {"id": "staging"}}),
            json!({"commit": "ABCDEF1", "repository": "acme/home-feed"}),
        ))
        .expect("valid");
        assert_eq!(e.sha, "abcdef1");
    }

    #[test]
    fn every_error_names_its_field() {
        let env = json!({"environment": {"id": "staging"}});
        let cases = [
            (json!([1]), "body"),
            (
                json!({"context": {"type": "dev.cdevents.pipelinerun.started.0.2.0"}}),
                "context.type",
            ),
            (event(env.clone(), json!(null)), "customData.commit"),
            (
                event(env.clone(), json!({"commit": "not-a-sha"})),
                "customData.commit",
            ),
            (
                event(
                    env.clone(),
                    json!({"commit": "abcdef1", "repository": "../../etc"}),
                ),
                "customData.repository",
            ),
            (
                event(
                    json!({"environment": {"id": "prod; drop"}}),
                    json!({"commit": "abcdef1"}),
                ),
                "subject.content.environment.id",
            ),
            (
                event(json!({}), json!({"commit": "abcdef1"})),
                "subject.content.environment.id",
            ),
        ];
        for (body, field) in cases {
            let e = parse(&body).expect_err("invalid");
            assert_eq!(e.field, field, "{e}");
        }
        let mut late = event(env, json!({"commit": "abcdef1"}));
        late["context"]["timestamp"] = json!("yesterday");
        assert_eq!(
            parse(&late).expect_err("bad time").field,
            "context.timestamp"
        );
        late["context"]["id"] = json!("x".repeat(201));
        assert_eq!(parse(&late).expect_err("long id").field, "context.id");
    }
}
