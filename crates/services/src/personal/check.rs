//! What people send for their own corner, checked: entity refs (parsed, canonical), links
//! (`http`/`https` with a host, or a path on the portal; never `javascript:` or `data:`, never
//! `//host`), titles (trimmed, bounded, no control characters), visit paths (local only).

use trellis_shared::catalog::EntityRef;

use crate::{ServiceError, ServiceResult};

/// Longest link Trellis keeps.
pub const MAX_URL: usize = 2000;
/// Longest link title.
pub const MAX_TITLE: usize = 80;
/// Longest visited path recorded.
pub const MAX_PATH: usize = 300;

/// `text` as a canonical entity ref (`kind:namespace/name`, lower case).
pub fn entity_ref(text: &str) -> ServiceResult<String> {
    let text = text.trim();
    if text.len() > 400 {
        return Err(ServiceError::Input(
            "entityRef: longer than 400 characters".into(),
        ));
    }
    EntityRef::parse(text, None, None)
        .map(|r| r.canonical())
        .map_err(|e| ServiceError::Input(format!("entityRef: {e}")))
}

/// The kind and name of a canonical ref.
pub fn kind_and_name(entity_ref: &str) -> (&str, &str) {
    let (kind, rest) = entity_ref.split_once(':').unwrap_or(("", entity_ref));
    let name = rest.split_once('/').map_or(rest, |(_, n)| n);
    (kind, name)
}

/// An entity's page (Backstage's shape, `/catalog/{namespace}/{kind}/{name}`), its parts
/// percent-encoded.
pub fn entity_path(entity_ref: &str) -> String {
    let (kind, rest) = entity_ref.split_once(':').unwrap_or(("", entity_ref));
    let (namespace, name) = rest.split_once('/').unwrap_or(("default", rest));
    format!(
        "/catalog/{}/{}/{}",
        segment(namespace),
        segment(kind),
        segment(name)
    )
}

/// `s` as a path segment: unreserved characters kept, every other byte percent-encoded.
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A link's title: trimmed, 1 to [`MAX_TITLE`] characters, no control characters.
pub fn link_title(title: &str) -> ServiceResult<String> {
    let title = title.trim();
    if title.is_empty() {
        return Err(ServiceError::Input("title: empty".into()));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(ServiceError::Input(format!(
            "title: longer than {MAX_TITLE} characters"
        )));
    }
    if title.chars().any(char::is_control) {
        return Err(ServiceError::Input("title: has control characters".into()));
    }
    Ok(title.to_string())
}

/// A link's target: an `http`/`https` URL with a host, or a local path; at most [`MAX_URL`].
pub fn link_url(url: &str) -> ServiceResult<String> {
    let url = url.trim();
    if url.len() > MAX_URL {
        return Err(ServiceError::Input(format!(
            "url: longer than {MAX_URL} characters"
        )));
    }
    if url.starts_with('/') {
        return local_path(url).ok_or_else(|| {
            ServiceError::Input("url: a path must start with one '/' and hold no spaces".into())
        });
    }
    let parsed = url::Url::parse(url).map_err(|e| ServiceError::Input(format!("url: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(ServiceError::Input(format!(
            "url: only http and https links (or a path on Trellis) are kept, not {}:",
            parsed.scheme()
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(ServiceError::Input(
            "url: must not carry credentials".into(),
        ));
    }
    Ok(parsed.to_string())
}

/// `path` when it is a path on this portal: one leading `/` (not `//`, not `/\`), at most
/// [`MAX_PATH`] characters, no whitespace or control characters.
pub fn local_path(path: &str) -> Option<String> {
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && path.len() <= MAX_PATH
        && !path
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    local.then(|| path.to_string())
}

/// A visited page's title, bounded, control characters dropped.
pub fn visit_title(title: &str) -> String {
    title
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_web_or_local_only() {
        assert_eq!(
            link_url(" https://grafana.example/d/x ").ok().as_deref(),
            Some("https://grafana.example/d/x")
        );
        assert_eq!(
            link_url("/catalog?kind=api").ok().as_deref(),
            Some("/catalog?kind=api")
        );
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "//evil.example/",
            "/\\evil.example",
            "ftp://x.example/",
            "https://u:p@x.example/",
            "mailto:a@b",
        ] {
            let err = link_url(bad).expect_err(bad).to_string();
            assert!(err.starts_with("url:"), "{bad}: {err}");
        }
        assert!(link_url(&format!("https://x.example/{}", "a".repeat(MAX_URL))).is_err());
    }

    #[test]
    fn titles_and_refs_are_checked() {
        assert!(link_title("  ").is_err());
        assert!(link_title(&"x".repeat(MAX_TITLE + 1)).is_err());
        assert!(link_title("a\u{7}b").is_err());
        assert_eq!(
            entity_ref("Component:Default/Home-Feed").ok().as_deref(),
            Some("component:default/home-feed")
        );
        assert!(entity_ref("home-feed")
            .expect_err("no kind")
            .to_string()
            .starts_with("entityRef:"));
        assert_eq!(
            entity_path("component:default/a b?"),
            "/catalog/default/component/a%20b%3F"
        );
    }

    #[test]
    fn only_local_paths_are_visits() {
        assert!(local_path("/catalog/default/component/x").is_some());
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "/a b",
            "x",
        ] {
            assert!(local_path(bad).is_none(), "{bad}");
        }
    }
}
