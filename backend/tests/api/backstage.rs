//! What Backstage's catalog client (`@backstage/catalog-client`) sends, at the HTTP level, over
//! the demo catalog on SQLite and PostgreSQL: cursors it routes correctly, filter predicates
//! (checked against the same predicates evaluated in memory over every entity), facets and
//! by-refs by predicate, `totalItems`, ancestry, locations by predicate, `PUT /locations`,
//! `POST /analyze-location`, and the older `GET /entities` with `order` and `after`. The real
//! npm client runs against the release server in `e2e/tests/backstage-client.test.mjs`.

use base64::Engine as _;
use serde_json::{json, Value};
use trellis_shared::catalog::predicate::Predicate;
use trellis_test_kit::{on_both, TestBackend};

use crate::common::TestApp;

on_both!(
    predicates_match_what_backstage_means,
    cursors_route_to_the_right_endpoint,
    ancestry_locations_and_analysis
);

async fn demo(backend: TestBackend) -> (TestApp, tempfile::TempDir) {
    let copy = tempfile::tempdir().expect("dir");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/catalog");
    copy_dir(&source, copy.path());
    let catalog = copy.path().join("all.yaml").display().to_string();
    let app = TestApp::with_config(backend, |c| {
        c.demo.enabled = true;
        c.demo.catalog = catalog;
    })
    .await;
    app.refresh().await;
    (app, copy)
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fn names(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            format!(
                "{}:{}",
                e["kind"].as_str().unwrap_or("?").to_lowercase(),
                e["metadata"]["name"].as_str().unwrap_or("?")
            )
        })
        .collect();
    names.sort();
    names
}

async fn predicates_match_what_backstage_means(backend: TestBackend) {
    let (app, _copy) = demo(backend).await;
    let everything = app.get("/api/catalog/entities").await.json();
    let all = everything.as_array().expect("array").clone();
    assert!(all.len() > 300);
    let predicates = [
        json!({ "kind": "Component", "spec.type": "service" }),
        json!({ "$all": [{ "kind": "component" }, { "spec.lifecycle": { "$in": ["experimental", "deprecated"] } }] }),
        json!({ "$any": [{ "kind": "system" }, { "kind": "domain" }] }),
        json!({ "$all": [{ "kind": "component" }, { "$not": { "spec.type": "service" } }] }),
        json!({ "kind": "component", "metadata.labels.acme.example/tier": { "$exists": false } }),
        json!({ "kind": "api", "metadata.tags": { "$contains": "grpc" } }),
        json!({ "metadata.name": { "$hasPrefix": "search" } }),
        json!({ "$all": [{ "relations.ownedBy": "group:default/team-search" }, { "$not": { "kind": "api" } }] }),
        json!({ "metadata.tags": { "$contains": { "$any": ["java", "go"] } } }),
        json!({ "$not": { "spec.type": { "$exists": true } } }),
    ];
    for raw in predicates {
        let parsed = Predicate::parse(&raw).expect("valid predicate");
        let mut expected: Vec<String> = all
            .iter()
            .filter(|e| parsed.matches(e))
            .map(|e| {
                format!(
                    "{}:{}",
                    e["kind"].as_str().unwrap_or("?").to_lowercase(),
                    e["metadata"]["name"].as_str().unwrap_or("?")
                )
            })
            .collect();
        expected.sort();
        assert!(
            !expected.is_empty(),
            "a predicate that matches something: {raw}"
        );
        let page = app
            .post_json(
                "/api/catalog/entities/by-query",
                &json!({ "query": raw, "limit": 1000 }),
            )
            .await;
        assert_eq!(page.status, 200, "{raw}: {}", page.text());
        let body = page.json();
        assert_eq!(names(&body), expected, "{raw}");
        assert_eq!(body["totalItems"], expected.len(), "{raw}");
    }
    // Facets and by-refs take predicates too.
    let facets = app
        .post_json(
            "/api/catalog/entity-facets",
            &json!({ "facets": ["spec.type"], "query": { "kind": "component" } }),
        )
        .await
        .json();
    let services = facets["facets"]["spec.type"]
        .as_array()
        .expect("facet")
        .iter()
        .find(|f| f["value"] == "service")
        .cloned();
    let counted = all
        .iter()
        .filter(|e| e["kind"] == "Component" && e["spec"]["type"] == "service")
        .count();
    assert_eq!(services.map(|f| f["count"].clone()), Some(json!(counted)));
    let refs = app
        .post_json(
            "/api/catalog/entities/by-refs",
            &json!({ "entityRefs": ["component:default/search-service", "system:default/search"], "query": { "kind": "component" } }),
        )
        .await
        .json();
    assert_eq!(refs["items"][0]["metadata"]["name"], "search-service");
    assert_eq!(refs["items"][1], Value::Null, "excluded by the predicate");
    // Bad predicates are 400s naming where.
    let bad = app
        .post_json(
            "/api/catalog/entities/by-query",
            &json!({ "query": { "kind": { "$regex": "x" } } }),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.text().contains("query.kind: unknown operator `$regex`"),
        "{}",
        bad.text()
    );
    // `totalItems: exclude` skips the count.
    let uncounted = app
        .get("/api/catalog/entities/by-query?filter=kind=component&limit=2&totalItems=exclude")
        .await
        .json();
    assert_eq!(uncounted["totalItems"], 0);
    assert_eq!(uncounted["items"].as_array().map(Vec::len), Some(2));
}

fn decoded(cursor: &str) -> Value {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .expect("base64");
    serde_json::from_slice(&bytes).expect("json")
}

async fn cursors_route_to_the_right_endpoint(backend: TestBackend) {
    let (app, _copy) = demo(backend).await;
    // The client sends a cursor whose JSON has `query` to POST, any other to GET.
    let first = app
        .get("/api/catalog/entities/by-query?filter=kind=component&limit=10")
        .await
        .json();
    let mut cursor = first["pageInfo"]["nextCursor"]
        .as_str()
        .expect("next")
        .to_string();
    assert!(
        decoded(&cursor).get("query").is_none(),
        "a GET cursor has no `query` key"
    );
    let mut seen = names(&first);
    while let Some(next) = {
        let page = app
            .get(&format!(
                "/api/catalog/entities/by-query?cursor={cursor}&limit=10"
            ))
            .await;
        assert_eq!(page.status, 200, "{}", page.text());
        let body = page.json();
        seen.extend(names(&body));
        body["pageInfo"]["nextCursor"].as_str().map(str::to_string)
    } {
        cursor = next;
    }
    assert_eq!(
        seen.len() as u64,
        first["totalItems"].as_u64().expect("total"),
        "every page, each entity once"
    );

    let query = json!({ "kind": "component" });
    let first = app.post_json("/api/catalog/entities/by-query", &json!({ "query": query, "limit": 10, "orderBy": [{ "field": "metadata.name", "order": "desc" }] })).await.json();
    let cursor = first["pageInfo"]["nextCursor"]
        .as_str()
        .expect("next")
        .to_string();
    assert!(
        decoded(&cursor).get("query").is_some(),
        "a predicate cursor has `query`"
    );
    let second = app
        .post_json(
            "/api/catalog/entities/by-query",
            &json!({ "cursor": cursor, "limit": 10 }),
        )
        .await;
    assert_eq!(second.status, 200, "{}", second.text());
    let (a, b) = (
        first["items"][9]["metadata"]["name"].as_str().unwrap_or(""),
        second.json()["items"][0]["metadata"]["name"]
            .as_str()
            .unwrap_or("")
            .to_string(),
    );
    assert!(
        a > b.as_str(),
        "the second page continues in descending order: {a} then {b}"
    );

    // The older list: order directives and `after` (a cursor).
    let ordered = app
        .get("/api/catalog/entities?filter=kind=domain&order=desc:metadata.name&limit=2")
        .await
        .json();
    let n: Vec<&str> = ordered
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["metadata"]["name"].as_str())
        .collect();
    assert_eq!(n.len(), 2);
    assert!(n[0] > n[1], "{n:?}");
}

async fn ancestry_locations_and_analysis(backend: TestBackend) {
    let (app, copy) = demo(backend).await;
    let ancestry = app
        .get("/api/catalog/entities/by-name/component/default/search-service/ancestry")
        .await;
    assert_eq!(ancestry.status, 200, "{}", ancestry.text());
    let body = ancestry.json();
    assert_eq!(body["rootEntityRef"], "component:default/search-service");
    assert_eq!(
        body["items"][0]["entity"]["metadata"]["name"],
        "search-service"
    );
    assert_eq!(
        body["items"][0]["parentEntityRefs"],
        json!(["location:default/demo-catalog"])
    );
    assert_eq!(body["items"][1]["entity"]["kind"], "Location");
    assert_eq!(body["items"][1]["parentEntityRefs"], json!([]));
    assert_eq!(
        app.get("/api/catalog/entities/by-name/component/default/nope/ancestry")
            .await
            .status,
        404
    );

    // Locations by predicate, paged.
    let root = std::fs::canonicalize(copy.path()).expect("canonical");
    let extra = root.join("extra.yaml");
    std::fs::write(&extra, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: extra\nspec:\n  type: service\n  lifecycle: production\n  owner: team-search\n").expect("write");
    let created = app
        .post_json(
            "/api/catalog/locations",
            &json!({ "type": "file", "target": extra.display().to_string() }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["location"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    app.wait_run(created.json()["runId"].as_i64().expect("run"))
        .await;
    let prefix = json!({ "type": "file", "target": { "$hasPrefix": root.display().to_string() } });
    let page = app
        .post_json(
            "/api/catalog/locations/by-query",
            &json!({ "limit": 1, "query": prefix }),
        )
        .await
        .json();
    assert_eq!(page["totalItems"], 2, "{page}");
    let next = page["pageInfo"]["nextCursor"]
        .as_str()
        .expect("next")
        .to_string();
    let second = app
        .post_json(
            "/api/catalog/locations/by-query",
            &json!({ "cursor": next }),
        )
        .await
        .json();
    assert_eq!(second["items"].as_array().map(Vec::len), Some(1));
    assert_ne!(page["items"][0]["id"], second["items"][0]["id"]);

    // PUT /locations/{id}: point it at another file; its entities follow in the background.
    let other = root.join("other.yaml");
    std::fs::write(&other, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: other\nspec:\n  type: service\n  lifecycle: production\n  owner: team-search\n").expect("write");
    let put = app
        .put_json(
            &format!("/api/catalog/locations/{id}"),
            &json!({ "type": "file", "target": other.display().to_string() }),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(put.json()["target"], other.display().to_string());
    app.eventually("/api/catalog/entities/by-name/component/default/other", 200)
        .await;
    app.eventually("/api/catalog/entities/by-name/component/default/extra", 404)
        .await;
    let outside = app
        .put_json(
            &format!("/api/catalog/locations/{id}"),
            &json!({ "type": "file", "target": "/etc/passwd" }),
        )
        .await;
    assert_eq!(outside.status, 400);
    let config_id = app.get("/api/catalog/locations").await.json()[0]["data"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let config = app
        .put_json(
            &format!("/api/catalog/locations/{config_id}"),
            &json!({ "type": "file", "target": other.display().to_string() }),
        )
        .await;
    assert_eq!(
        config.status,
        409,
        "config locations change in the config: {}",
        config.text()
    );

    // Analysis of a file location; URL locations are refused naming why.
    let analysis = app.post_json("/api/catalog/analyze-location", &json!({ "location": { "type": "file", "target": root.join("systems/search.yaml").display().to_string() } })).await;
    assert_eq!(analysis.status, 200, "{}", analysis.text());
    let body = analysis.json();
    let files = body["existingEntityFiles"].as_array().expect("files");
    assert!(files
        .iter()
        .any(|f| f["entity"]["metadata"]["name"] == "search-service"));
    assert!(files
        .iter()
        .all(|f| f["isRegistered"] == false && f["location"]["type"] == "file"));
    assert_eq!(body["generateEntities"], json!([]));
    let url = app
        .post_json(
            "/api/catalog/analyze-location",
            &json!({ "location": { "type": "url", "target": "https://github.com/a/b" } }),
        )
        .await;
    assert_eq!(url.status, 400);
    assert!(
        url.text().contains("file` locations only"),
        "{}",
        url.text()
    );
}
