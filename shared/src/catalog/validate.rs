//! Validation of entity descriptors with Backstage's rules: the envelope and metadata formats of
//! `@backstage/catalog-model` (Kubernetes-style names, DNS-label namespaces and tags, prefixed
//! label/annotation keys) and the required `spec` fields of the built-in kinds. Kinds Trellis does
//! not know are accepted with envelope checks only. Every problem names its field.

use serde_json::{Map, Value};

use super::entity::Entity;

/// A tag as Backstage's default validators accept it: `^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`, at
/// most 63 characters (so `c++` and `c#` are tags).
pub fn is_tag(s: &str) -> bool {
    let part = |p: &str| {
        !p.is_empty()
            && p.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, ':' | '+' | '#')
            })
    };
    !s.is_empty() && s.len() <= 63 && s.split('-').all(part)
}

/// One thing wrong with a descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted path of the field, e.g. `metadata.name` or `spec.owner`.
    pub field: String,
    /// What is wrong, quoting the value where that helps.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// RFC 1123 label: 1-63 of `[a-z0-9]` separated by single `-`.
pub fn is_dns_label(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// RFC 1123 subdomain: at most 253 characters of dot-separated labels.
pub fn is_dns_subdomain(s: &str) -> bool {
    (1..=253).contains(&s.len()) && s.split('.').all(is_dns_label)
}

/// Kubernetes object name: 1-63 of `[A-Za-z0-9-_.]`, starting and ending alphanumeric.
pub fn is_object_name(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// `kind`: a letter then letters and digits, at most 63.
pub fn is_kind(s: &str) -> bool {
    (1..=63).contains(&s.len())
        && s.bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.bytes().all(|c| c.is_ascii_alphanumeric())
}

/// `[dns-subdomain/]suffix`, with at most one `/`.
fn prefixed(s: &str, suffix_ok: impl Fn(&str) -> bool) -> bool {
    let mut parts = s.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(only), None, None) => suffix_ok(only),
        (Some(prefix), Some(suffix), None) => is_dns_subdomain(prefix) && suffix_ok(suffix),
        _ => false,
    }
}

/// `apiVersion`: `[group/]version`.
pub fn is_api_version(s: &str) -> bool {
    prefixed(s, |v| {
        (1..=63).contains(&v.len()) && v.bytes().all(|c| c.is_ascii_alphanumeric())
    })
}

/// Label and annotation keys: `[prefix/]name`.
pub fn is_label_key(s: &str) -> bool {
    prefixed(s, is_object_name)
}

/// Label values: empty or an object name.
pub fn is_label_value(s: &str) -> bool {
    s.is_empty() || is_object_name(s)
}

#[derive(Clone, Copy)]
enum Shape {
    Str,
    StrList,
    Object,
}

struct KindRules {
    kind: &'static str,
    required: &'static [(&'static str, Shape)],
    optional: &'static [(&'static str, Shape)],
}

use Shape::{Object, Str, StrList};

const BUILT_IN: &[KindRules] = &[
    KindRules {
        kind: "Component",
        required: &[("type", Str), ("lifecycle", Str), ("owner", Str)],
        optional: &[
            ("system", Str),
            ("subcomponentOf", Str),
            ("providesApis", StrList),
            ("consumesApis", StrList),
            ("dependsOn", StrList),
            ("dependencyOf", StrList),
        ],
    },
    KindRules {
        kind: "API",
        required: &[
            ("type", Str),
            ("lifecycle", Str),
            ("owner", Str),
            ("definition", Str),
        ],
        optional: &[("system", Str)],
    },
    KindRules {
        kind: "Resource",
        required: &[("type", Str), ("owner", Str)],
        optional: &[
            ("system", Str),
            ("dependsOn", StrList),
            ("dependencyOf", StrList),
        ],
    },
    KindRules {
        kind: "System",
        required: &[("owner", Str)],
        optional: &[("domain", Str), ("type", Str)],
    },
    KindRules {
        kind: "Domain",
        required: &[("owner", Str)],
        optional: &[("subdomainOf", Str), ("type", Str)],
    },
    KindRules {
        kind: "Group",
        required: &[("type", Str), ("children", StrList)],
        optional: &[("parent", Str), ("members", StrList), ("profile", Object)],
    },
    KindRules {
        kind: "User",
        required: &[("memberOf", StrList)],
        optional: &[("profile", Object)],
    },
    KindRules {
        kind: "Location",
        required: &[],
        optional: &[("type", Str), ("target", Str), ("targets", StrList)],
    },
];

fn describe(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 80 {
        format!(
            "{}…",
            &text[..text.char_indices().nth(77).map_or(text.len(), |(i, _)| i)]
        )
    } else {
        text
    }
}

struct Check {
    problems: Vec<Problem>,
}

impl Check {
    fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.into(),
            message: message.into(),
        });
    }

    fn string<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        path: &str,
        required: bool,
    ) -> Option<&'v str> {
        match obj.get(key) {
            None | Some(Value::Null) if !required => None,
            None | Some(Value::Null) => {
                self.fail(path, "is required");
                None
            }
            Some(Value::String(s)) if required && s.trim().is_empty() => {
                self.fail(path, "must not be empty");
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.fail(path, format!("must be a string, found {}", describe(other)));
                None
            }
        }
    }

    fn shape(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        shape: Shape,
        required: bool,
    ) {
        match shape {
            Str => {
                self.string(obj, key, path, required);
            }
            StrList => match obj.get(key) {
                None | Some(Value::Null) if !required => {}
                None | Some(Value::Null) => self.fail(path, "is required (a list, possibly empty)"),
                Some(Value::Array(items)) => {
                    for (i, item) in items.iter().enumerate() {
                        if item.as_str().is_none_or(str::is_empty) {
                            self.fail(
                                format!("{path}[{i}]"),
                                format!("must be a non-empty string, found {}", describe(item)),
                            );
                        }
                    }
                }
                Some(other) => self.fail(
                    path,
                    format!("must be a list of strings, found {}", describe(other)),
                ),
            },
            Object => match obj.get(key) {
                None | Some(Value::Null) if !required => {}
                None | Some(Value::Null) => self.fail(path, "is required"),
                Some(Value::Object(_)) => {}
                Some(other) => self.fail(
                    path,
                    format!("must be an object, found {}", describe(other)),
                ),
            },
        }
    }
}

/// Validates a descriptor and returns it as an [`Entity`], or every problem found.
pub fn validate_entity(value: &Value) -> Result<Entity, Vec<Problem>> {
    let mut c = Check {
        problems: Vec::new(),
    };
    let Some(root) = value.as_object() else {
        return Err(vec![Problem {
            field: "(entity)".into(),
            message: format!("must be an object, found {}", describe(value)),
        }]);
    };
    let api_version = c.string(root, "apiVersion", "apiVersion", true);
    if let Some(v) = api_version.filter(|v| !is_api_version(v)) {
        c.fail(
            "apiVersion",
            format!("\"{v}\" is not a valid apiVersion (expected group/version)"),
        );
    }
    let kind = c.string(root, "kind", "kind", true);
    if let Some(k) = kind.filter(|k| !is_kind(k)) {
        c.fail(
            "kind",
            format!(
                "\"{k}\" is not a valid kind (a letter followed by letters and digits, at most 63)"
            ),
        );
    }
    match root.get("metadata") {
        Some(Value::Object(meta)) => check_metadata(&mut c, meta),
        Some(other) => c.fail(
            "metadata",
            format!("must be an object, found {}", describe(other)),
        ),
        None => c.fail("metadata", "is required"),
    }
    let spec = match root.get("spec") {
        None | Some(Value::Null) => None,
        Some(Value::Object(spec)) => Some(spec),
        Some(other) => {
            c.fail(
                "spec",
                format!("must be an object, found {}", describe(other)),
            );
            None
        }
    };
    let built_in = matches!(
        api_version,
        Some("backstage.io/v1alpha1" | "backstage.io/v1beta1")
    );
    if let (true, Some(rules)) = (
        built_in,
        kind.and_then(|k| BUILT_IN.iter().find(|r| r.kind == k)),
    ) {
        match spec {
            None if !rules.required.is_empty() => {
                c.fail("spec", format!("is required for kind {}", rules.kind))
            }
            None => {}
            Some(spec) => {
                // An API that lists `remotes` (e.g. an MCP server) needs no `definition`.
                let has_remotes = spec.get("remotes").is_some_and(Value::is_array);
                for (key, shape) in rules.required {
                    let required = !(rules.kind == "API" && *key == "definition" && has_remotes);
                    c.shape(spec, key, &format!("spec.{key}"), *shape, required);
                }
                for (key, shape) in rules.optional {
                    c.shape(spec, key, &format!("spec.{key}"), *shape, false);
                }
                if rules.kind == "Location"
                    && spec.get("target").is_none()
                    && spec.get("targets").is_none()
                {
                    c.fail(
                        "spec.targets",
                        "a Location needs spec.target or spec.targets",
                    );
                }
            }
        }
    }
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let mut clean = value.clone();
    if let Some(obj) = clean.as_object_mut() {
        obj.remove("relations"); // computed by the catalog, never taken from descriptors
    }
    serde_json::from_value(clean).map_err(|e| {
        vec![Problem {
            field: "(entity)".into(),
            message: e.to_string(),
        }]
    })
}

fn check_metadata(c: &mut Check, meta: &Map<String, Value>) {
    if let Some(name) = c.string(meta, "name", "metadata.name", true) {
        if !is_object_name(name) {
            c.fail("metadata.name", format!("\"{name}\" is not valid; expected 1-63 characters of [a-zA-Z0-9] separated by [-_.]"));
        }
    }
    if let Some(ns) = c.string(meta, "namespace", "metadata.namespace", false) {
        if !is_dns_label(ns) {
            c.fail(
                "metadata.namespace",
                format!(
                    "\"{ns}\" is not valid; expected 1-63 characters of [a-z0-9] separated by '-'"
                ),
            );
        }
    }
    for key in ["title", "description", "uid", "etag"] {
        c.string(meta, key, &format!("metadata.{key}"), false);
    }
    for (field, value_rule) in [("labels", true), ("annotations", false)] {
        match meta.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (k, v) in map {
                    let path = format!("metadata.{field}.{k}");
                    if !is_label_key(k) {
                        c.fail(
                            &path,
                            format!("\"{k}\" is not a valid key; expected [prefix/]name"),
                        );
                    }
                    match v.as_str() {
                        Some(s) if value_rule && !is_label_value(s) => {
                            c.fail(&path, format!("\"{s}\" is not a valid label value"));
                        }
                        Some(_) => {}
                        None => c.fail(&path, format!("must be a string, found {}", describe(v))),
                    }
                }
            }
            Some(other) => c.fail(
                format!("metadata.{field}"),
                format!("must be an object, found {}", describe(other)),
            ),
        }
    }
    match meta.get("tags") {
        None | Some(Value::Null) => {}
        Some(Value::Array(tags)) => {
            for (i, tag) in tags.iter().enumerate() {
                if !tag.as_str().is_some_and(is_tag) {
                    c.fail(format!("metadata.tags[{i}]"), format!("{} is not a valid tag; expected 1-63 characters of [a-z0-9:+#] separated by '-'", describe(tag)));
                }
            }
        }
        Some(other) => c.fail(
            "metadata.tags",
            format!("must be a list, found {}", describe(other)),
        ),
    }
    match meta.get("links") {
        None | Some(Value::Null) => {}
        Some(Value::Array(links)) => {
            for (i, link) in links.iter().enumerate() {
                let path = format!("metadata.links[{i}]");
                match link.as_object() {
                    Some(obj) => {
                        c.string(obj, "url", &format!("{path}.url"), true);
                        for key in ["title", "icon", "type"] {
                            c.string(obj, key, &format!("{path}.{key}"), false);
                        }
                    }
                    None => c.fail(path, format!("must be an object, found {}", describe(link))),
                }
            }
        }
        Some(other) => c.fail(
            "metadata.links",
            format!("must be a list, found {}", describe(other)),
        ),
    }
}
