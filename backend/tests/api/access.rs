//! Read scopes in every catalog query and batch permission checks, through the HTTP API on
//! SQLite and PostgreSQL. With `permission.everyone_reads` off, each viewer's lists, counts,
//! facets, single reads and pages cover only what its teams own (admins see everything), and a
//! cursor made by someone else cannot widen that.

use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, get, proxy_app};
use crate::common::TestApp;

on_both!(
    catalog_reads_are_scoped_in_the_query,
    permission_checks_come_in_batches,
    admin_page_shows_the_audit_log,
);

const ANN: &str = "ann@acme.example"; // search-ranking, owns ranker
const BOB: &str = "bob@acme.example"; // payments, owns ledger
const ROOT: &str = "root@acme.example"; // admin

async fn names(app: &TestApp, path: &str, email: &str) -> (Vec<String>, Value) {
    let res = call(app, get(path), email).await;
    assert_eq!(res.status, 200, "{path} as {email}: {}", res.text());
    let body = res.json();
    let items = body
        .get("items")
        .unwrap_or(&body)
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names = items
        .iter()
        .map(|e| e["metadata"]["name"].as_str().unwrap_or("?").to_string())
        .collect();
    (names, body)
}

async fn catalog_reads_are_scoped_in_the_query(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |c| c.permission.everyone_reads = false).await;
    let query = "/api/catalog/entities/by-query?filter=kind=component&orderField=metadata.name,asc";
    for (email, expected) in [
        (ANN, vec!["ranker"]),
        (BOB, vec!["ledger"]),
        (ROOT, vec!["ledger", "ranker"]),
    ] {
        let (seen, body) = names(&app, query, email).await;
        assert_eq!(seen, expected, "by-query as {email}");
        assert_eq!(body["totalItems"], expected.len(), "total as {email}");
        let (seen, _) = names(&app, "/api/catalog/entities?filter=kind=component", email).await;
        assert_eq!(seen, expected, "/entities as {email}");
        let facets = call(&app, get("/api/catalog/entity-facets?facet=kind"), email)
            .await
            .json();
        let components = facets["facets"]["kind"]
            .as_array()
            .and_then(|v| v.iter().find(|f| f["value"] == "Component").cloned());
        assert_eq!(
            components.map(|f| f["count"].clone()),
            Some(json!(expected.len())),
            "facets as {email}"
        );
    }
    // Without a kind filter the scope still applies: what her teams own, her own User entity
    // and her teams' Group entities (a team reads its own entity), nothing else.
    let (seen, _) = names(&app, "/api/catalog/entities/by-query", ANN).await;
    assert_eq!(seen, vec!["ranker", "search", "search-ranking", "ann"]);

    // A cursor from the admin's unscoped query does not show Ann the rest: after `ranker`
    // (names descending) only `ledger` follows, which she may not read; nor its count.
    let desc = "/api/catalog/entities/by-query?filter=kind=component&orderField=metadata.name,desc";
    let (seen, first) = names(&app, &format!("{desc}&limit=1"), ROOT).await;
    assert_eq!(seen, vec!["ranker"]);
    let cursor = first["pageInfo"]["nextCursor"]
        .as_str()
        .expect("cursor")
        .to_string();
    let (seen, body) = names(
        &app,
        &format!("/api/catalog/entities/by-query?cursor={cursor}"),
        ANN,
    )
    .await;
    assert_eq!(seen, Vec::<String>::new());
    assert_eq!(body["totalItems"], 1, "counted again within her scope");

    // Single reads: what she may not read is answered like what does not exist.
    for (path, status) in [
        (
            "/api/catalog/entities/by-name/component/default/ranker",
            200,
        ),
        (
            "/api/catalog/entities/by-name/component/default/ledger",
            404,
        ),
        ("/catalog/default/component/ranker", 200),
        ("/catalog/default/component/ledger", 404),
        (
            "/api/catalog/locations/by-entity/component/default/ranker",
            200,
        ),
        (
            "/api/catalog/locations/by-entity/component/default/ledger",
            404,
        ),
    ] {
        assert_eq!(call(&app, get(path), ANN).await.status, status, "{path}");
    }
    let by_root = call(
        &app,
        get("/api/catalog/entities/by-name/component/default/ledger"),
        ROOT,
    )
    .await;
    let uid = by_root.json()["metadata"]["uid"]
        .as_str()
        .expect("uid")
        .to_string();
    let by_uid = call(
        &app,
        get(&format!("/api/catalog/entities/by-uid/{uid}")),
        ANN,
    )
    .await;
    assert_eq!(by_uid.status, 404);
    let refs = Request::post("/api/catalog/entities/by-refs")
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"entityRefs":["component:default/ranker","component:default/ledger"]}"#,
        ))
        .expect("request");
    let items = call(&app, refs, ANN).await.json()["items"].clone();
    assert_eq!(items[0]["metadata"]["name"], "ranker");
    assert_eq!(items[1], Value::Null);

    // A parent team's page lists what its sub-teams own only to those who may read it.
    let pat = "pat@acme.example"; // search, the parent of search-ranking
    let team = call(&app, get("/catalog/default/group/search"), pat).await;
    assert_eq!(team.status, 200);
    assert!(!team.text().contains("ranker"), "{}", team.text());
    let team = call(&app, get("/catalog/default/group/search"), ROOT).await;
    assert!(team.text().contains("ranker"), "{}", team.text());

    // Ledger depends on ranker: Ann's graph and impact analysis of ranker leave it out (its
    // relations card still names it, as the entity's own relations do).
    for (email, shown) in [(ANN, false), (ROOT, true)] {
        let page = call(&app, get("/catalog/default/component/ranker"), email)
            .await
            .text();
        assert!(page.contains("<title>component: ranker</title>"), "{page}");
        assert_eq!(
            page.contains("<title>component: ledger</title>"),
            shown,
            "graph as {email}"
        );
    }
    for (email, dependents) in [(ANN, 0), (ROOT, 1)] {
        let request = Request::post("/_sf/catalog/entity")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(
                "entity_ref=component%3Adefault%2Franker&depth=1",
            ))
            .expect("request");
        let text = call(&app, request, email).await.json();
        let page: Value =
            serde_json::from_str(text.as_str().expect("page data as JSON text")).expect("json");
        let impact = page["impact"].clone();
        let impacted = impact["impacted"].as_array().map_or(0, Vec::len);
        assert_eq!(impacted, dependents, "impact as {email}: {impact}");
    }

    // Acting on what she may not read answers like acting on nothing.
    let refresh = Request::post("/api/catalog/refresh")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"entityRef":"component:default/ledger"}"#))
        .expect("request");
    assert_eq!(call(&app, refresh, ANN).await.status, 404);
    let delete = Request::delete(format!("/api/catalog/entities/by-uid/{uid}"))
        .body(Body::empty())
        .expect("request");
    assert_eq!(call(&app, delete, ANN).await.status, 204);
    let still = call(
        &app,
        get("/api/catalog/entities/by-name/component/default/ledger"),
        ROOT,
    )
    .await;
    assert_eq!(still.status, 200, "nothing was deleted");
    // Registered locations are not for everyone either under this policy.
    assert_eq!(
        call(&app, get("/api/catalog/locations"), ANN).await.status,
        403
    );
    assert_eq!(
        call(&app, get("/api/catalog/locations"), ROOT).await.status,
        200
    );

    // The catalog page lists and counts the same way.
    let page = call(&app, get("/catalog?kind=component"), ANN).await.text();
    assert!(
        page.contains("ranker") && !page.contains("ledger"),
        "{page}"
    );
}

async fn authorize(app: &TestApp, email: &str, items: Value) -> (u16, Value) {
    let request = Request::post("/api/permission/authorize")
        .header("content-type", "application/json")
        .body(Body::from(json!({ "items": items }).to_string()))
        .expect("request");
    let res = call(app, request, email).await;
    (res.status.as_u16(), res.json())
}

async fn permission_checks_come_in_batches(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |c| c.permission.everyone_reads = false).await;
    let perm =
        |name: &str| json!({"type": "resource", "name": name, "resourceType": "catalog-entity"});
    let batch = json!([
        {"id": "a", "permission": perm("catalog.entity.delete"), "resourceRef": "component:default/ranker"},
        {"id": "b", "permission": perm("catalog-entity.delete"), "resourceRef": "Component:default/LEDGER"},
        {"id": "c", "permission": perm("catalog-entity.refresh"), "resourceRef": "component:default/nope"},
        {"id": "d", "permission": perm("catalog.entity.read")},
        {"id": "e", "permission": {"type": "basic", "name": "audit.read"}},
        {"id": "f", "permission": {"type": "basic", "name": "catalog.entity.create"}},
        {"id": "g", "permission": perm("scaffolder.task.cancel")},
    ]);
    let (status, body) = authorize(&app, ANN, batch.clone()).await;
    assert_eq!(status, 200, "{body}");
    let results: Vec<(String, String)> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap_or("").into(),
                i["result"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    let expected = [
        ("a", "ALLOW"),
        ("b", "DENY"),
        ("c", "DENY"),
        ("d", "CONDITIONAL"),
        ("e", "DENY"),
        ("f", "DENY"),
        ("g", "DENY"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(results, expected);
    let conditional = &body["items"][3];
    assert_eq!(conditional["conditions"]["rule"], "IS_ENTITY_OWNER");
    let claims = conditional["conditions"]["params"]["claims"]
        .as_array()
        .expect("claims");
    assert!(
        claims.contains(&json!("group:default/search-ranking")),
        "{claims:?}"
    );
    assert!(
        claims.contains(&json!("group:default/search")),
        "parents count: {claims:?}"
    );

    // The admin may do all of it (except act on what does not exist).
    let (_, body) = authorize(&app, ROOT, batch).await;
    let results: Vec<&str> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["result"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        results,
        ["ALLOW", "ALLOW", "DENY", "ALLOW", "ALLOW", "ALLOW", "DENY"]
    );

    // Malformed input is refused as a whole.
    let (status, _) = authorize(
        &app,
        ANN,
        json!([{"permission": perm("catalog.entity.read")}]),
    )
    .await;
    assert_eq!(status, 400, "an item without id");
}

async fn admin_page_shows_the_audit_log(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    let refresh = Request::post("/api/catalog/refresh")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"entityRef":"component:default/ranker"}"#))
        .expect("request");
    assert_eq!(call(&app, refresh, BOB).await.status, 403);
    let page = call(&app, get("/admin?actor=bob&outcome=denied"), ROOT).await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("Audit log"), "{html}");
    assert!(
        html.contains("user:default/bob") && html.contains("catalog-entity.refresh"),
        "{html}"
    );
    assert!(html.contains("component:default/ranker"), "{html}");
    // Another actor's filter shows none of Bob's events; a bad outcome is named.
    let other = call(&app, get("/admin?actor=ann"), ROOT).await.text();
    assert!(!other.contains("catalog-entity.refresh"), "{other}");
    let bad = call(&app, get("/admin?outcome=maybe"), ROOT).await.text();
    assert!(bad.contains("outcome: `maybe` is not one of"), "{bad}");
    // Only admins read it.
    let as_bob = call(&app, get("/admin"), BOB).await.text();
    assert!(as_bob.contains("may not read the audit log"), "{as_bob}");
}
