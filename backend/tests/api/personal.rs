//! A person's own corner through the HTTP API and the card's forms, on SQLite and PostgreSQL:
//! stars, toolkit links and visits are each person's own (another person's ids change
//! nothing), bad links (`javascript:`, `//host`, credentials) and unknown widgets are refused
//! naming what was wrong, lists are bounded, a layout changes what the person's pages carry
//! (and no one else's), and the forms' redirects stay on Trellis.

use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, card, get, proxy_app};
use crate::common::{TestApp, TestResponse};

on_both!(
    stars_links_and_visits_are_each_persons_own,
    layouts_are_checked_and_change_each_persons_page,
    the_forms_change_and_come_back_on_trellis
);

const ANN: &str = "ann@acme.example";
const BOB: &str = "bob@acme.example";

fn json_request(method: &str, path: &str, body: &Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn bare(method: &str, path: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .body(Body::empty())
        .expect("request")
}

fn form(body: &str) -> Request<Body> {
    Request::post("/me/edit")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body.to_string()))
        .expect("request")
}

async fn personal(app: &TestApp, email: &str) -> Value {
    let res = call(app, get("/api/me/personal"), email).await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

fn message(res: &TestResponse) -> String {
    res.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn stars_links_and_visits_are_each_persons_own(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |c| {
        c.home.toolkit = vec![trellis_services::config::ToolkitLink {
            title: "On-call handbook".into(),
            url: "https://wiki.acme.example/oncall".into(),
        }];
    })
    .await;

    // Stars: an entity Ann can read; a missing one is a 404; Bob sees none of Ann's.
    let star = call(
        &app,
        bare("PUT", "/api/me/stars/component/default/ranker"),
        ANN,
    )
    .await;
    assert_eq!(star.status, 204, "{}", star.text());
    let again = call(
        &app,
        bare("PUT", "/api/me/stars/Component/default/Ranker"),
        ANN,
    )
    .await;
    assert_eq!(again.status, 204, "starring again changes nothing");
    let missing = call(
        &app,
        bare("PUT", "/api/me/stars/component/default/nope"),
        ANN,
    )
    .await;
    assert_eq!(missing.status, 404, "{}", missing.text());
    assert!(
        message(&missing).contains("component:default/nope"),
        "{}",
        missing.text()
    );
    let mine = personal(&app, ANN).await;
    let stars = mine["stars"].as_array().expect("stars");
    assert_eq!(stars.len(), 1, "{mine}");
    assert_eq!(stars[0]["entityRef"], "component:default/ranker");
    assert_eq!(stars[0]["path"], "/catalog/default/component/ranker");
    assert_eq!(stars[0]["present"], true);
    assert_eq!(personal(&app, BOB).await["stars"], json!([]));

    // The entity page says whether I starred it.
    let page = call(&app, get("/catalog/default/component/ranker"), ANN)
        .await
        .text();
    assert!(page.contains("★ Starred"), "Ann's page: starred");
    let page = call(&app, get("/catalog/default/component/ranker"), BOB)
        .await
        .text();
    assert!(page.contains("☆ Star"), "Bob's page: not starred");

    // Visits: the entity pages each person opened, the latest first, titled, their own.
    call(&app, get("/catalog/default/component/ledger"), ANN).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let visits = loop {
        let v = personal(&app, ANN).await["visits"].clone();
        if v[0]["path"] == "/catalog/default/component/ledger"
            || std::time::Instant::now() > deadline
        {
            break v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(
        visits[0]["path"], "/catalog/default/component/ledger",
        "{visits}"
    );
    assert_eq!(visits[0]["title"], "ledger (Component)");
    assert_eq!(
        visits[1]["path"], "/catalog/default/component/ranker",
        "{visits}"
    );
    let bobs = personal(&app, BOB).await["visits"].clone();
    assert!(
        !bobs.to_string().contains("ledger"),
        "Ann's visits are not Bob's: {bobs}"
    );

    // Links: the admins' first (no id), then mine; attacks refused naming the field.
    let link = json!({"title": "Runbooks", "url": "https://wiki.acme.example/runbooks"});
    let added = call(&app, json_request("POST", "/api/me/links", &link), ANN).await;
    assert_eq!(added.status, 201, "{}", added.text());
    let id = added.json()["id"].as_i64().expect("id");
    for (bad, field) in [
        (json!({"title": "x", "url": "javascript:alert(1)"}), "url:"),
        (json!({"title": "x", "url": "//evil.example/"}), "url:"),
        (
            json!({"title": "x", "url": "https://me:secret@evil.example/"}),
            "url:",
        ),
        (
            json!({"title": "x", "url": format!("https://a.example/{}", "a".repeat(2001))}),
            "url:",
        ),
        (json!({"title": "", "url": "https://a.example/"}), "title:"),
        (
            json!({"title": "x", "url": "https://a.example/", "extra": 1}),
            "extra",
        ),
    ] {
        let res = call(&app, json_request("POST", "/api/me/links", &bad), ANN).await;
        assert_eq!(res.status, 400, "{bad}: {}", res.text());
        assert!(message(&res).contains(field), "{bad}: {}", res.text());
    }
    let toolkit = personal(&app, ANN).await["toolkit"].clone();
    assert_eq!(
        toolkit[0],
        json!({"id": null, "title": "On-call handbook", "url": "https://wiki.acme.example/oncall"})
    );
    assert_eq!(toolkit[1]["id"], id);
    assert_eq!(toolkit.as_array().map(Vec::len), Some(2), "{toolkit}");
    let theirs = call(&app, bare("DELETE", &format!("/api/me/links/{id}")), BOB).await;
    assert_eq!(
        theirs.status,
        404,
        "Bob cannot remove Ann's link: {}",
        theirs.text()
    );
    assert_eq!(
        personal(&app, ANN).await["toolkit"][1]["id"],
        id,
        "still there"
    );
    let bad_id = call(&app, bare("DELETE", "/api/me/links/1%20OR%201=1"), ANN).await;
    assert_eq!(bad_id.status, 400, "{}", bad_id.text());
    let gone = call(&app, bare("DELETE", &format!("/api/me/links/{id}")), ANN).await;
    assert_eq!(gone.status, 204, "{}", gone.text());

    // Bounded: 30 links, then 409 and nothing written.
    for i in 0..30 {
        let link = json!({"title": format!("Link {i}"), "url": format!("/catalog?q={i}")});
        let res = call(&app, json_request("POST", "/api/me/links", &link), BOB).await;
        assert_eq!(res.status, 201, "{i}: {}", res.text());
    }
    let full = call(&app, json_request("POST", "/api/me/links", &link), BOB).await;
    assert_eq!(full.status, 409, "{}", full.text());
    assert!(message(&full).contains("30 links"), "{}", full.text());
    let toolkit = personal(&app, BOB).await["toolkit"].clone();
    assert_eq!(
        toolkit.as_array().map(Vec::len),
        Some(31),
        "the admins' link and Bob's 30"
    );

    let anonymous = app.get("/api/me/personal").await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text());
}

/// The card ids a page carries on `<body data-widgets>`, in order.
fn page_widgets(html: &str) -> Vec<String> {
    let Some(start) = html.find("data-widgets=\"") else {
        return Vec::new();
    };
    let rest = &html[start + 14..];
    let text = &rest[..rest.find('"').unwrap_or(0)];
    text.split('\n')
        .filter_map(|line| line.split('\t').next())
        .map(str::to_string)
        .collect()
}

async fn layouts_are_checked_and_change_each_persons_page(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    let default = page_widgets(&call(&app, get("/"), ANN).await.text());
    assert_eq!(
        default,
        ["attention", "pull-requests", "jira-issues", "personal"]
    );

    let layout = json!([
        {"id": "personal", "shown": true},
        {"id": "jira-issues", "shown": false},
    ]);
    let set = call(&app, json_request("PUT", "/api/me/layout", &layout), ANN).await;
    assert_eq!(set.status, 200, "{}", set.text());
    let ids: Vec<(String, bool)> = set
        .json()
        .as_array()
        .expect("layout")
        .iter()
        .map(|e| {
            (
                e["id"].as_str().unwrap_or_default().to_string(),
                e["shown"] == true,
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("personal".into(), true),
            ("jira-issues".into(), false),
            ("attention".into(), true),
            ("pull-requests".into(), true),
        ],
        "the rest follow, shown"
    );
    let mine = page_widgets(&call(&app, get("/"), ANN).await.text());
    assert_eq!(
        mine,
        ["personal", "attention", "pull-requests"],
        "hidden Jira is not on the page"
    );
    let bobs = page_widgets(&call(&app, get("/"), BOB).await.text());
    assert_eq!(bobs, default, "Bob's page is as it was");
    let other_page = page_widgets(&call(&app, get("/catalog"), ANN).await.text());
    assert_eq!(
        other_page, mine,
        "every page carries it, for client-side navigation home"
    );

    for (bad, says) in [
        (json!([{"id": "nope", "shown": true}]), "no widget 'nope'"),
        (
            json!([{"id": "personal", "shown": true}, {"id": "personal", "shown": false}]),
            "listed twice",
        ),
        (json!([{"id": "personal"}]), "shown"),
        (json!({"id": "personal"}), "sequence"),
    ] {
        let res = call(&app, json_request("PUT", "/api/me/layout", &bad), ANN).await;
        assert_eq!(res.status, 400, "{bad}: {}", res.text());
        assert!(message(&res).contains(says), "{bad}: {}", res.text());
    }
    let kept = page_widgets(&call(&app, get("/"), ANN).await.text());
    assert_eq!(kept, mine, "a refused layout changes nothing");

    let reset = call(&app, bare("DELETE", "/api/me/layout"), ANN).await;
    assert_eq!(reset.status, 200, "{}", reset.text());
    assert_eq!(
        page_widgets(&call(&app, get("/"), ANN).await.text()),
        default
    );
}

async fn the_forms_change_and_come_back_on_trellis(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    // Star from the entity page's form: back to the entity page.
    let res = call(
        &app,
        form("op=star&entityRef=component%3Adefault%2Franker&back=%2Fcatalog%2Fdefault%2Fcomponent%2Franker"),
        ANN,
    )
    .await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(
        res.header("location"),
        Some("/catalog/default/component/ranker")
    );
    assert_eq!(
        personal(&app, ANN).await["stars"][0]["entityRef"],
        "component:default/ranker"
    );

    // An open redirect is refused: `back` must be a path on Trellis.
    for back in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "javascript%3Aalert(1)",
    ] {
        let res = call(
            &app,
            form(&format!(
                "op=unstar&entityRef=component%3Adefault%2Franker&back={back}"
            )),
            ANN,
        )
        .await;
        assert_eq!(res.status, 303, "{back}");
        assert_eq!(res.header("location"), Some("/"), "{back}");
    }

    // Layout buttons: move, hide, show, reset.
    for op in ["up%3Apersonal", "hide%3Ajira-issues"] {
        let res = call(&app, form(&format!("op={op}")), ANN).await;
        assert_eq!(res.status, 303, "{op}");
    }
    let layout = call(&app, get("/api/me/layout"), ANN).await.json();
    let order: Vec<&str> = layout
        .as_array()
        .expect("layout")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert_eq!(
        order,
        ["attention", "pull-requests", "personal", "jira-issues"],
        "{layout}"
    );
    assert_eq!(layout[3]["shown"], false);

    // Refusals come back to the home page with a reason the card explains (fixed texts only).
    let res = call(
        &app,
        form("op=add-link&title=x&url=javascript%3Aalert(1)"),
        ANN,
    )
    .await;
    assert_eq!(res.header("location"), Some("/?personal=url"));
    let res = call(&app, form("op=sideways%3Ajira-issues"), ANN).await;
    assert_eq!(res.header("location"), Some("/?personal=op"));
    let html = card(&app, "id=personal&input=url", ANN).await;
    assert!(html.contains("use an http or https address"), "{html}");
    let html = card(
        &app,
        "id=personal&input=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        ANN,
    )
    .await;
    assert!(
        !html.contains("script"),
        "unknown reasons show nothing: {html}"
    );
    let page = call(&app, get("/?personal=url"), ANN).await.text();
    assert!(
        page.contains("use an http or https address"),
        "the page renders the card with it"
    );

    // The card lists what the forms changed, and its buttons name what they act on.
    call(
        &app,
        form("op=add-link&title=Runbooks&url=https%3A%2F%2Fwiki.acme.example%2F"),
        ANN,
    )
    .await;
    let html = card(&app, "id=personal", ANN).await;
    for part in [
        "Runbooks",
        "Move Starred, recent and toolkit down",
        "Show Jira",
        "Customize this page",
        "action=\\\"/me/edit\\\"",
    ] {
        assert!(html.contains(part), "{part}: {html}");
    }

    // A cross-site form post is refused before it changes anything.
    let request = Request::post("/me/edit")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from("op=reset"))
        .expect("request");
    let res = call(&app, request, ANN).await;
    assert_eq!(res.status, 403, "{}", res.text());
    let layout = call(&app, get("/api/me/layout"), ANN).await.json();
    assert_eq!(layout[3]["shown"], false, "not reset");
}
