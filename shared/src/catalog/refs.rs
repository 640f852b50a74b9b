//! Entity references: `[kind:][namespace/]name`, as Backstage's `parseEntityRef` and
//! `stringifyEntityRef` define them. Comparison is case-insensitive: the canonical string form
//! is all lower case.

use std::fmt;

/// The namespace of entities that name none.
pub const DEFAULT_NAMESPACE: &str = "default";

/// A reference to an entity, parts kept as written.
#[derive(Debug, Clone, Eq)]
pub struct EntityRef {
    /// Kind, e.g. `Component`.
    pub kind: String,
    /// Namespace, e.g. `default`.
    pub namespace: String,
    /// Name, e.g. `petstore`.
    pub name: String,
}

/// Why a reference could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefError(pub String);

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RefError {}

impl EntityRef {
    /// A reference from its parts.
    pub fn new(
        kind: impl Into<String>,
        namespace: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        EntityRef {
            kind: kind.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// Parses `[kind:][namespace/]name`, filling a missing kind or namespace from the defaults.
    /// A reference with no kind and no default kind is an error, as are empty parts.
    pub fn parse(
        text: &str,
        default_kind: Option<&str>,
        default_namespace: Option<&str>,
    ) -> Result<Self, RefError> {
        let (kind, rest) = match text.split_once(':') {
            Some((kind, rest)) => (Some(kind), rest),
            None => (None, text),
        };
        let (namespace, name) = match rest.split_once('/') {
            Some((ns, name)) => (Some(ns), name),
            None => (None, rest),
        };
        if name.contains(':') || name.contains('/') {
            return Err(RefError(format!(
                "entity reference \"{text}\" has more than one ':' or '/'"
            )));
        }
        let kind = kind.or(default_kind).unwrap_or_default();
        if kind.is_empty() {
            return Err(RefError(format!(
                "entity reference \"{text}\" has no kind (expected kind:namespace/name)"
            )));
        }
        let namespace = namespace.or(default_namespace).unwrap_or(DEFAULT_NAMESPACE);
        if namespace.is_empty() {
            return Err(RefError(format!(
                "entity reference \"{text}\" has an empty namespace"
            )));
        }
        if name.is_empty() {
            return Err(RefError(format!(
                "entity reference \"{text}\" has an empty name"
            )));
        }
        Ok(EntityRef::new(kind, namespace, name))
    }

    /// The canonical form `kind:namespace/name`, lower case (Backstage's `stringifyEntityRef`).
    pub fn canonical(&self) -> String {
        format!(
            "{}:{}/{}",
            self.kind.to_lowercase(),
            self.namespace.to_lowercase(),
            self.name.to_lowercase()
        )
    }
}

impl PartialEq for EntityRef {
    fn eq(&self, other: &Self) -> bool {
        self.kind.eq_ignore_ascii_case(&other.kind)
            && self.namespace.eq_ignore_ascii_case(&other.namespace)
            && self.name.to_lowercase() == other.name.to_lowercase()
    }
}

impl std::hash::Hash for EntityRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.canonical().hash(state);
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_defaults_like_backstage() {
        let r = EntityRef::parse("team-a", Some("Group"), Some("default")).expect("parses");
        assert_eq!(r.canonical(), "group:default/team-a");
        let r = EntityRef::parse("user:ops/Jane.Doe", Some("Group"), None).expect("parses");
        assert_eq!(
            (r.kind.as_str(), r.namespace.as_str(), r.name.as_str()),
            ("user", "ops", "Jane.Doe")
        );
        assert_eq!(r.canonical(), "user:ops/jane.doe");
        let r = EntityRef::parse("infra/db", Some("Resource"), Some("x")).expect("parses");
        assert_eq!(r.canonical(), "resource:infra/db");
        let r = EntityRef::parse("Component:petstore", None, Some("prod")).expect("parses");
        assert_eq!(r.canonical(), "component:prod/petstore");
    }

    #[test]
    fn refuses_incomplete_refs_with_a_reason() {
        assert!(EntityRef::parse("petstore", None, None)
            .expect_err("no kind")
            .0
            .contains("no kind"));
        assert!(EntityRef::parse("component:", None, None)
            .expect_err("no name")
            .0
            .contains("empty name"));
        assert!(EntityRef::parse("component:/x", None, None)
            .expect_err("ns")
            .0
            .contains("empty namespace"));
        assert!(EntityRef::parse("a:b/c/d", None, None).is_err());
        assert!(EntityRef::parse(":x", None, None).is_err());
    }

    #[test]
    fn compares_case_insensitively() {
        let a = EntityRef::new("Component", "Default", "PetStore");
        let b = EntityRef::new("component", "default", "petstore");
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "component:default/petstore");
    }
}
