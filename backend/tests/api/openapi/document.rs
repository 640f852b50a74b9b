//! The documents' content: every endpoint the API tests, the browser tests and Backstage's
//! client use is documented; every operation is described; every reference resolves; and the
//! catalog's document is in Backstage's layout.

use std::collections::BTreeSet;

use trellis_test_kit::TestBackend;

use super::document;
use super::schema::{dangling_refs, matches_template, operations};
use crate::common::TestApp;

/// The operations of Backstage's catalog client (`@backstage/catalog-client` 1.16.4,
/// `CatalogClient` and its generated `DefaultApiClient`, as `e2e/tests` drives it), relative
/// to `/api/catalog`.
const BACKSTAGE_CLIENT: &[(&str, &str)] = &[
    ("GET", "/entities"),
    ("GET", "/entities/by-query"),
    ("POST", "/entities/by-query"),
    ("POST", "/entities/by-refs"),
    ("GET", "/entities/by-name/{kind}/{namespace}/{name}"),
    (
        "GET",
        "/entities/by-name/{kind}/{namespace}/{name}/ancestry",
    ),
    ("GET", "/entities/by-uid/{uid}"),
    ("DELETE", "/entities/by-uid/{uid}"),
    ("GET", "/entity-facets"),
    ("POST", "/entity-facets"),
    ("POST", "/refresh"),
    ("POST", "/validate-entity"),
    ("POST", "/analyze-location"),
    ("GET", "/locations"),
    ("POST", "/locations"),
    ("POST", "/locations/by-query"),
    ("GET", "/locations/{id}"),
    ("PUT", "/locations/{id}"),
    ("DELETE", "/locations/{id}"),
    ("GET", "/locations/by-entity/{kind}/{namespace}/{name}"),
];

/// `/api` paths the tests name that are no operation: the catalog's base URL, and paths they
/// use because no route has them.
/// `/api/v3` is GitHub Enterprise's REST base URL, given to the fake GitHub.
const NOT_OPERATIONS: &[&str] = &[
    "/api/catalog",
    "/api/nope/x",
    "/api/x",
    "/api/missing",
    "/api/v3",
    // Prometheus's own API: the dashboards e2e test asks its Prometheus whether it has samples.
    "/api/v1/query",
];

/// (c) Every endpoint the API tests, the browser tests and Backstage's client use is documented.
#[tokio::test]
async fn endpoints_in_use_are_documented() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let doc = document(&app, "/api/openapi.json").await;
    let catalog = document(&app, "/api/catalog/openapi.json").await;
    let ops: BTreeSet<(String, String)> = operations(&doc)
        .iter()
        .map(|o| (o.method.clone(), o.path.to_string()))
        .collect();
    for (method, path) in BACKSTAGE_CLIENT {
        let key = (method.to_string(), format!("/catalog{path}"));
        assert!(
            ops.contains(&key),
            "Backstage's client calls {method} {path}"
        );
        assert!(
            catalog["paths"][path][method.to_lowercase()].is_object(),
            "{method} {path} in the catalog document"
        );
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    let mut todo = vec![root.join("tests/api"), root.join("../e2e/tests")];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).expect("test dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (at, _) in text.match_indices("/api/") {
                // Paths start a string (or follow a base URL's `${...}`), file names do not.
                if !text[..at].ends_with(['"', '`', '}']) {
                    continue;
                }
                let path: String = text[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "/_-.{}$".contains(*c))
                    .collect();
                used.insert(path.trim_end_matches(['/', '.']).to_string());
            }
        }
    }
    for path in used.iter().filter(|p| p.len() > "/api/".len()) {
        let relative = &path["/api".len()..];
        let found = ops.iter().any(|(_, t)| matches_template(t, relative));
        assert!(
            found || NOT_OPERATIONS.contains(&path.as_str()),
            "tests use {path}, undocumented"
        );
    }
    assert!(used.len() > 20, "found only {used:?}");
}

/// (d) Every operation has a summary, a unique operationId, a declared tag and a 2xx (or 303) answer,
/// and every `$ref` of both documents resolves.
#[tokio::test]
async fn operations_are_described() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let doc = document(&app, "/api/openapi.json").await;
    let tags: BTreeSet<&str> = doc["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    let mut ids = BTreeSet::new();
    for o in operations(&doc) {
        let what = format!("{} {}", o.method, o.path);
        let summary = o.op["summary"].as_str().unwrap_or_default();
        assert!(!summary.trim().is_empty(), "{what}: no summary");
        let id = o.op["operationId"].as_str().unwrap_or_default();
        assert!(
            !id.is_empty() && ids.insert(id.to_string()),
            "{what}: operationId {id:?}"
        );
        let op_tags = o.op["tags"].as_array().cloned().unwrap_or_default();
        assert!(!op_tags.is_empty(), "{what}: no tag");
        for tag in op_tags {
            assert!(
                tags.contains(tag.as_str().unwrap_or("")),
                "{what}: tag {tag} undeclared"
            );
        }
        let responses = o.op["responses"].as_object().expect("responses");
        // A success is a 2xx, or a 303 for an operation that sends the browser elsewhere
        // (opening a dashboard in Grafana).
        assert!(
            responses.keys().any(|s| s.starts_with('2') || s == "303"),
            "{what}: no 2xx or 303 answer"
        );
    }
    for path in ["/api/openapi.json", "/api/catalog/openapi.json"] {
        let doc = document(&app, path).await;
        let mut dangling = BTreeSet::new();
        dangling_refs(&doc, &doc, &mut dangling);
        assert!(dangling.is_empty(), "{path}: dangling {dangling:?}");
    }
}

/// (e) The catalog document is Backstage's layout: server `/api/catalog`, paths relative to it,
/// exactly the whole document's `/catalog` paths.
#[tokio::test]
async fn catalog_document_has_backstage_layout() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let full = document(&app, "/api/openapi.json").await;
    let catalog = document(&app, "/api/catalog/openapi.json").await;
    assert_eq!(full["servers"][0]["url"], "/api");
    assert_eq!(catalog["servers"][0]["url"], "/api/catalog");
    assert_eq!(catalog["servers"].as_array().map(Vec::len), Some(1));
    let paths: Vec<&String> = catalog["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .collect();
    assert!(
        paths.iter().all(|p| !p.starts_with("/catalog")),
        "{paths:?}"
    );
    let expected: Vec<String> = full["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .filter_map(|(p, _)| p.strip_prefix("/catalog/").map(|rest| format!("/{rest}")))
        .collect();
    assert_eq!(paths, expected.iter().collect::<Vec<_>>());
    for path in &expected {
        assert_eq!(
            catalog["paths"][path],
            full["paths"][format!("/catalog{path}")]
        );
    }
    let description = catalog["info"]["description"].as_str().unwrap_or_default();
    assert!(description.contains("ErrorResponse") && description.contains("400"));
}
