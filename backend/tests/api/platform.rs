//! The platform core's promises, on SQLite and PostgreSQL: a server function refused is a 403
//! and is audited exactly like the REST API's refusal; a missing entity is a 404 for the page
//! and its server function; an internal failure is a 500 with a request id and no internal
//! text; an entity refresh re-reads its own file only; a background run finishes (and its lease
//! goes) whatever happens to the request that started it.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use serde_json::json;
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, get, proxy_app};
use crate::common::TestApp;

on_both!(
    server_function_refusals_are_403_and_audited,
    missing_entities_are_404_for_page_and_server_function,
    internal_failures_are_500_with_a_request_id_and_no_internals,
    an_entity_refresh_reads_its_own_file_only,
    background_runs_survive_their_request_being_dropped,
);

const BOB: &str = "bob@acme.example";
const ROOT: &str = "root@acme.example";

fn server_fn(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-request-id", "req-sf-1")
        .body(Body::from(body.to_string()))
        .expect("request")
}

async fn server_function_refusals_are_403_and_audited(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    let refused = call(&app, server_fn("/_sf/admin/jobs", ""), BOB).await;
    assert_eq!(refused.status, 403, "{}", refused.text());
    let body = refused.json();
    assert_eq!(body["kind"], "forbidden", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("may not read the admin page"),
        "{body}"
    );
    let page = call(&app, get("/admin"), BOB).await;
    assert_eq!(page.status, 403, "the page is refused with the same status");
    // The same refusal through the REST API, for comparison.
    assert_eq!(
        call(&app, get("/api/catalog/providers"), BOB).await.status,
        403
    );

    let events = call(
        &app,
        get("/api/audit/events?actor=user:default/bob&outcome=denied"),
        ROOT,
    )
    .await
    .json();
    let items = events["items"].as_array().cloned().unwrap_or_default();
    let from_sf = items
        .iter()
        .find(|e| e["requestId"] == "req-sf-1")
        .unwrap_or_else(|| panic!("the server function's refusal is audited: {events}"));
    assert_eq!(from_sf["action"], "admin.read");
    assert_eq!(from_sf["resource"], "the admin page");
    assert!(
        items
            .iter()
            .any(|e| e["action"] == "admin.read" && e["resource"] == "providers"),
        "the REST refusal is audited the same way: {events}"
    );
}

async fn missing_entities_are_404_for_page_and_server_function(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    let sf = call(
        &app,
        server_fn(
            "/_sf/catalog/entity",
            "entity_ref=component%3Adefault%2Fnope&depth=1",
        ),
        ROOT,
    )
    .await;
    assert_eq!(sf.status, 404, "{}", sf.text());
    assert_eq!(sf.json()["kind"], "notFound");
    let page = call(&app, get("/catalog/default/component/nope"), ROOT).await;
    assert_eq!(page.status, 404);
    assert!(page.text().contains("Not in the catalog"));
    let found = call(
        &app,
        server_fn(
            "/_sf/catalog/entity",
            "entity_ref=component%3Adefault%2Franker&depth=1",
        ),
        ROOT,
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text());
    let page: serde_json::Value =
        serde_json::from_str(found.json().as_str().expect("page data as JSON text")).expect("json");
    assert_eq!(page["entity"]["metadata"]["name"], "ranker");
}

async fn internal_failures_are_500_with_a_request_id_and_no_internals(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    // The identity of ROOT is cached; the database then goes away under the server.
    assert_eq!(
        call(&app, get("/api/catalog/entities"), ROOT).await.status,
        200
    );
    app.state.db.close().await;
    let sf = call(
        &app,
        server_fn("/_sf/catalog/list", "params[mine]=false"),
        ROOT,
    )
    .await;
    assert_eq!(sf.status, 500, "{}", sf.text());
    let body = sf.json();
    assert_eq!(body["kind"], "internal");
    assert_eq!(body["requestId"], "req-sf-1", "{body}");
    assert_eq!(body["message"], trellis_shared::api::INTERNAL_MESSAGE);
    let api = call(&app, get("/api/catalog/entities"), ROOT).await;
    assert_eq!(api.status, 500);
    let text = api.text();
    for internal in ["pool", "closed", "sqlx", "database"] {
        assert!(
            !text.to_lowercase().contains(internal),
            "no internals ({internal}) in {text}"
        );
    }
    assert!(api.json()["request"]["requestId"].is_string());
}

fn component(name: &str, description: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  description: {description}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
    )
}

async fn an_entity_refresh_reads_its_own_file_only(backend: TestBackend) {
    let dir = tempfile::tempdir().expect("dir");
    let root = dir.path();
    std::fs::write(root.join("a.yaml"), component("alpha", "a1")).expect("write");
    std::fs::write(root.join("b.yaml"), component("beta", "b1")).expect("write");
    let app = TestApp::with_config(backend, |c| {
        c.catalog.locations = vec![trellis_catalog::LocationSpec::file(
            root.display().to_string(),
        )];
    })
    .await;
    app.refresh().await;
    std::fs::write(
        root.join("a.yaml"),
        [component("alpha", "a2"), component("alpha-two", "new")].join("---\n"),
    )
    .expect("write");
    std::fs::write(root.join("b.yaml"), component("beta", "b2")).expect("write");
    let refreshed = app
        .post_json(
            "/api/catalog/refresh",
            &json!({ "entityRef": "component:default/alpha" }),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text());
    let summary = refreshed.json();
    assert_eq!(
        (summary["changed"].as_u64(), summary["added"].as_u64()),
        (Some(1), Some(1)),
        "{summary}"
    );
    let description = |name: &str| {
        let app = &app;
        let name = name.to_string();
        async move {
            app.get(&format!(
                "/api/catalog/entities/by-name/component/default/{name}"
            ))
            .await
            .json()["metadata"]["description"]
                .clone()
        }
    };
    assert_eq!(description("alpha").await, "a2");
    assert_eq!(description("alpha-two").await, "new");
    assert_eq!(description("beta").await, "b1", "another file is not read");
    let missing = app
        .post_json(
            "/api/catalog/refresh",
            &json!({ "entityRef": "component:default/nope" }),
        )
        .await;
    assert_eq!(missing.status, 404);
    // Concurrent refreshes of one file share one read and agree.
    let (first, second) = (
        json!({ "entityRef": "component:default/alpha" }),
        json!({ "entityRef": "component:default/alpha-two" }),
    );
    let (x, y) = tokio::join!(
        app.post_json("/api/catalog/refresh", &first),
        app.post_json("/api/catalog/refresh", &second)
    );
    assert_eq!((x.status.as_u16(), y.status.as_u16()), (200, 200));
    app.refresh().await;
    assert_eq!(
        description("beta").await,
        "b2",
        "the whole refresh reads every file"
    );
}

async fn background_runs_survive_their_request_being_dropped(backend: TestBackend) {
    let dir = tempfile::tempdir().expect("dir");
    for i in 0..4 {
        let docs: Vec<String> = (0..10)
            .map(|j| component(&format!("c{i}-{j}"), "x"))
            .collect();
        std::fs::write(dir.path().join(format!("f{i}.yaml")), docs.join("---\n")).expect("write");
    }
    let app = TestApp::with_config(backend, |c| {
        c.catalog.locations = vec![trellis_catalog::LocationSpec::file(
            dir.path().display().to_string(),
        )];
    })
    .await;
    // Requests abandoned at every stage: before the handler runs, while it starts the run,
    // after the run started.
    for wait_us in (0u64..4000).step_by(50) {
        let request = Request::post("/api/catalog/refresh")
            .body(Body::empty())
            .expect("request");
        let _ = tokio::time::timeout(Duration::from_micros(wait_us), app.send(request)).await;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let runs = app
            .state
            .db
            .recent_job_runs("catalog-refresh", 50)
            .await
            .expect("runs");
        if !runs.is_empty() && runs.iter().all(|r| r.finished_at.is_some()) {
            assert!(
                runs.iter().all(|r| r.outcome.as_deref() == Some("success")),
                "{runs:?}"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "runs left unfinished: {runs:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stored = app
        .get("/api/catalog/entities/by-query?limit=0")
        .await
        .json();
    assert_eq!(
        stored["totalItems"], 40,
        "the abandoned runs applied: {stored}"
    );
}
