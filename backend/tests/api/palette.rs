//! The command palette through `GET /api/me/palette` and the pages' server function, on
//! SQLite and PostgreSQL: hits rank exact, prefix, word, anywhere; entities stay inside the
//! caller's read scope; toolkit links are the admins' and the caller's own, never another
//! person's; bad queries are refused naming `q`; the server function renders escaped links.

use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, get, proxy_app};
use crate::common::TestApp;

on_both!(
    the_palette_finds_pages_entities_and_my_tools,
    the_palette_stays_in_my_read_scope_and_refuses_bad_queries
);

const ANN: &str = "ann@acme.example";
const BOB: &str = "bob@acme.example";

async fn hits(app: &TestApp, q: &str, email: &str) -> Vec<(String, String, String)> {
    let res = call(app, get(&format!("/api/me/palette?q={q}")), email).await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
        .as_array()
        .into_iter()
        .flatten()
        .map(|h: &Value| {
            let s = |k: &str| h[k].as_str().unwrap_or_default().to_string();
            (s("kind"), s("title"), s("url"))
        })
        .collect()
}

async fn the_palette_finds_pages_entities_and_my_tools(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |c| {
        c.home.toolkit = vec![trellis_services::config::ToolkitLink {
            title: "Ranking runbook".into(),
            url: "https://wiki.acme.example/ranking".into(),
        }];
    })
    .await;
    let link = Request::post("/api/me/links")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"title": "Bob's ranker notes", "url": "https://notes.acme.example/bob"})
                .to_string(),
        ))
        .expect("request");
    assert_eq!(call(&app, link, BOB).await.status, 201);

    // "rank": the component whose name starts with it and the admins' runbook, then word
    // starts (Ann herself by her display name, her team); not Bob's own link.
    let found = hits(&app, "rank", ANN).await;
    let titles: Vec<&str> = found.iter().map(|h| h.1.as_str()).collect();
    assert_eq!(
        titles,
        ["ranker", "Ranking runbook", "Ann Ranker", "search-ranking"],
        "{found:?}"
    );
    assert_eq!(
        found[0],
        (
            "entity".into(),
            "ranker".into(),
            "/catalog/default/component/ranker".into()
        )
    );
    assert_eq!(found[1].2, "https://wiki.acme.example/ranking");
    assert!(
        !found.iter().any(|h| h.1 == "Bob's ranker notes"),
        "Bob's own link is his: {found:?}"
    );
    let bobs = hits(&app, "rank", BOB).await;
    assert!(
        bobs.iter().any(|h| h.1 == "Bob's ranker notes"),
        "Bob finds his own link: {bobs:?}"
    );

    // Pages by their label, case-insensitively; an exact match ranks first.
    let pages = hits(&app, "CATALOG", ANN).await;
    assert_eq!(
        pages.first().map(|h| (h.0.as_str(), h.2.as_str())),
        Some(("page", "/catalog"))
    );
    // Nothing typed: the pages, my profile, my toolkit.
    let start = hits(&app, "", ANN).await;
    assert!(
        start
            .iter()
            .any(|h| h.1 == "Your profile" && h.2 == "/catalog/default/user/ann"),
        "{start:?}"
    );
    assert!(start.iter().any(|h| h.1 == "Ranking runbook"), "{start:?}");
    assert!(hits(&app, "no-such-thing", ANN).await.is_empty());

    // The page's server function renders the same hits as links, escaped.
    let html = server_fn(&app, "q=rank%3Cscript%3E", ANN).await;
    assert!(
        html.contains("No page, entity, tool or dashboard matches"),
        "{html}"
    );
    assert!(!html.contains("<script>"), "{html}");
    let html = server_fn(&app, "q=rank", ANN).await;
    assert!(
        html.contains("href=\\\"/catalog/default/component/ranker\\\""),
        "{html}"
    );
    assert!(
        html.contains("rel=\\\"external\\\""),
        "toolkit links load in full: {html}"
    );
}

async fn server_fn(app: &TestApp, form: &str, email: &str) -> String {
    let request = Request::post("/_sf/palette")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .expect("request");
    let res = call(app, request, email).await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.text()
}

async fn the_palette_stays_in_my_read_scope_and_refuses_bad_queries(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |c| c.permission.everyone_reads = false).await;
    // Ann reads what her teams own: the ranker, not the payments team's ledger.
    let ann = hits(&app, "er", ANN).await;
    assert!(ann.iter().any(|h| h.1 == "ranker"), "{ann:?}");
    assert!(
        !ann.iter().any(|h| h.1 == "ledger"),
        "outside Ann's scope: {ann:?}"
    );
    let bob = hits(&app, "ledger", BOB).await;
    assert_eq!(bob.iter().filter(|h| h.0 == "entity").count(), 1, "{bob:?}");

    let long = "a".repeat(101);
    let res = call(&app, get(&format!("/api/me/palette?q={long}")), ANN).await;
    assert_eq!(res.status, 400);
    assert!(
        res.text().contains("q: at most 100 characters"),
        "{}",
        res.text()
    );
    let res = call(&app, get("/api/me/palette?q=a%00b"), ANN).await;
    assert_eq!(res.status, 400, "{}", res.text());
    // The server function says why in the list, not as an error page.
    let html = server_fn(&app, &format!("q={long}"), ANN).await;
    assert!(html.contains("q: at most 100 characters"), "{html}");
}
