//! The OpenAPI documents against the router that serves them. Here: every documented
//! operation is routed and answers with a documented status and a body fitting the documented
//! schema, and no method hides undocumented on a documented path. `document` checks the
//! documents' content (complete, described, Backstage's layout for the catalog), `source` that
//! `router.rs` can only add API routes documented, `schema` reads the documents.

mod document;
mod schema;
mod source;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::Request;
use serde_json::Value;
use trellis::config::Config;
use trellis_catalog::LocationSpec;
use trellis_test_kit::{on_both, TestBackend};

use crate::catalog::demo_catalog as examples;
use crate::common::{TestApp, TestResponse};
use schema::{check, operations, resolve};

on_both!(
    documented_operations_answer_as_documented,
    undocumented_methods_answer_405
);

/// What `no_such_route` (the API's fallback) says, unlike a handler's 404.
const NO_ROUTE: &str = "no API route at ";

/// Requests sent besides the default one (`{}` for bodies), so that more answers are 2xx and
/// their bodies get checked: operationId, query string, body (`{dir}` is the example catalog).
#[rustfmt::skip]
const EXAMPLES: &[(&str, &str, &str)] = &[
    ("getEntityFacets", "?facet=kind&facet=spec.type", ""),
    ("queryEntityFacetsByPredicate", "", r#"{"facets": ["kind"], "query": {"kind": "component"}}"#),
    ("getEntitiesByRefs", "?fields=kind,metadata.name", r#"{"entityRefs": ["component:default/ads-serving", "component:default/nope"]}"#),
    ("refreshEntity", "", r#"{"entityRef": "component:default/ads-auction"}"#),
    ("validateEntity", "", r#"{"entity": {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "ok"}, "spec": {"type": "service", "lifecycle": "production", "owner": "team-ads"}}}"#),
    ("analyzeLocation", "", r#"{"location": {"type": "file", "target": "{dir}/all.yaml"}}"#),
    ("createLocation", "?dryRun=true", r#"{"type": "file", "target": "{dir}/all.yaml"}"#),
    ("getLocationsByQuery", "", r#"{"limit": 1, "query": {"type": "file"}}"#),
    ("addLink", "", r#"{"title": "Runbooks", "url": "https://wiki.acme.example/"}"#),
    ("setLayout", "", r#"[{"id": "attention", "shown": false}]"#),
    ("authorize", "", r#"{"items": [{"id": "1", "permission": {"name": "catalog.entity.delete"}, "resourceRef": "component:default/ads-serving"}, {"id": "2", "permission": {"name": "catalog-entity.read"}}]}"#),
];

pub(crate) async fn document(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status, 200, "{path}: {}", res.text());
    assert_eq!(res.header("content-type"), Some("application/json"));
    res.json()
}

async fn send(app: &TestApp, method: &str, path: &str, body: &str) -> TestResponse {
    let mut request = Request::builder().method(method).uri(path);
    let body = if matches!(method, "POST" | "PUT" | "PATCH") {
        request = request.header("content-type", "application/json");
        Body::from(if body.is_empty() { "{}" } else { body }.to_string())
    } else {
        Body::empty()
    };
    app.send(request.body(body).expect("request")).await
}

/// A value for each path parameter, by path: real ones where the fixture has them.
fn fill(path: &str, values: &BTreeMap<&str, String>) -> String {
    let id = match path {
        p if p.starts_with("/catalog/locations/") => &values["location"],
        p if p.starts_with("/catalog/providers/") => &values["provider"],
        p if p.starts_with("/jobs/runs/") => &values["run"],
        _ => &values["id"],
    };
    let mut out = path.replace("{id}", id);
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// An LDAP org provider whose directory does not answer (its syncs fail at once).
fn unreachable_provider() -> trellis_ldap::LdapOrgConfig {
    let yaml = "target: ldap://127.0.0.1:9\nusers: {dn: \"ou=people,dc=x\"}\ngroups: {dn: \"ou=groups,dc=x\"}\ntimeoutSecs: 1\n";
    serde_yaml_ng::from_str(yaml).expect("provider config")
}

/// (a) Every operation in `/api/openapi.json` is routed (not the fallback's 404, not a 405),
/// and answers with a status it documents and a body that fits the documented schema.
async fn documented_operations_answer_as_documented(backend: TestBackend) {
    let dir = examples();
    let app = TestApp::with_config(backend, |c: &mut Config| {
        c.catalog.locations = vec![LocationSpec::file(format!("{dir}/all.yaml"))];
        let providers = &mut c.catalog.providers.ldap_org;
        providers.insert("corp".into(), unreachable_provider());
    })
    .await;
    app.refresh().await;
    // A finished (failed) provider run, so that `GET /providers` lists one.
    let sync = app.post("/api/catalog/providers/ldap-org/corp/sync").await;
    let run = sync.json()["runId"].as_i64().expect("runId");
    app.wait_run(run).await;
    let doc = document(&app, "/api/openapi.json").await;
    let entity = app
        .get("/api/catalog/entities/by-name/component/default/ads-serving")
        .await
        .json();
    let locations = app.get("/api/catalog/locations").await.json();
    let values = BTreeMap::from([
        ("kind", "component".to_string()),
        ("namespace", "default".to_string()),
        ("name", "ads-serving".to_string()),
        (
            "uid",
            entity["metadata"]["uid"].as_str().expect("uid").into(),
        ),
        (
            "location",
            locations[0]["data"]["id"].as_str().expect("id").into(),
        ),
        ("provider", "corp".to_string()),
        ("run", run.to_string()),
        ("id", "x".to_string()),
    ]);
    let mut succeeded = Vec::new();
    for operation in operations(&doc) {
        let id = operation.op["operationId"].as_str().unwrap_or_default();
        let examples = EXAMPLES.iter().filter(|(op, ..)| *op == id);
        for (query, body) in [("", "")]
            .into_iter()
            .chain(examples.map(|(_, q, b)| (*q, *b)))
        {
            let url = format!("/api{}{query}", fill(operation.path, &values));
            let what = format!("{} {} ({url}, {body:?})", operation.method, operation.path);
            let body = body.replace("{dir}", &dir);
            let res = send(&app, &operation.method, &url, &body).await;
            let status = res.status.as_u16();
            assert_ne!(
                status,
                405,
                "{what} is documented but not routed: {}",
                res.text()
            );
            if status == 404 {
                let message = res.json()["error"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                assert!(!message.starts_with(NO_ROUTE), "{what}: {message}");
            }
            let mut documented = operation.op["responses"][status.to_string()].clone();
            if let Some(r) = documented.get("$ref").and_then(Value::as_str) {
                documented = resolve(&doc, r).expect("response ref").clone();
            }
            assert!(
                !documented.is_null(),
                "{what}: undocumented {status}: {}",
                res.text()
            );
            match documented.pointer("/content/application~1json/schema") {
                Some(schema) => check(&doc, schema, &res.json(), "body")
                    .unwrap_or_else(|e| panic!("{what} {status}: {e}\n{}", res.text())),
                None => assert!(res.body.is_empty(), "{what} {status}: undocumented body"),
            }
            if res.status.is_success() {
                succeeded.push(format!("{id} {status}"));
            }
        }
    }
    for expected in [
        "refreshEntity 200",
        "refreshEntity 202",
        "createLocation 201",
        "getProviders 200",
    ] {
        assert!(
            succeeded.iter().any(|s| s == expected),
            "{expected} not seen: {succeeded:?}"
        );
    }
    assert!(
        succeeded.len() >= 25,
        "too few bodies checked: {succeeded:?}"
    );
}

/// (b) On every documented path, every method the document does not list answers 405.
async fn undocumented_methods_answer_405(backend: TestBackend) {
    let app = TestApp::new(backend).await;
    let doc = document(&app, "/api/openapi.json").await;
    let values = BTreeMap::from([
        ("kind", "component".to_string()),
        ("namespace", "default".to_string()),
        ("name", "x".to_string()),
        ("uid", "x".to_string()),
        ("location", "x".to_string()),
        ("provider", "x".to_string()),
        ("run", "1".to_string()),
        ("id", "x".to_string()),
    ]);
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let url = format!("/api{}", fill(path, &values));
        for method in ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD"] {
            let documented = item.get(method.to_lowercase()).is_some()
                // axum answers HEAD wherever GET is routed.
                || (method == "HEAD" && item.get("get").is_some());
            if documented {
                continue;
            }
            let res = send(&app, method, &url, "").await;
            assert_eq!(
                res.status, 405,
                "{method} {path} is routed but not documented"
            );
        }
    }
}
