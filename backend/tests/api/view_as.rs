//! Viewing the home page as someone else, on SQLite and PostgreSQL: an admin starts it from a
//! form (a User's entity page offers it to them only), then every card is that person's and says
//! so, the corner's forms change nothing meanwhile, and stopping ends it; starting and stopping
//! are audited, a non-admin is refused (audited as a denial), a forged cookie shows the caller
//! their own page, and bad targets are refused naming `user`.

use axum::body::Body;
use axum::http::Request;
use serde_json::Value;
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, get, proxy_app};
use crate::common::{TestApp, TestResponse};

on_both!(
    an_admin_views_the_home_page_as_someone_else,
    viewing_as_is_refused_to_others_and_bounded,
    a_rule_naming_home_grants_it_but_never_an_admins
);

const ANN: &str = "ann@acme.example";
const ROOT: &str = "root@acme.example";
const BOB: &str = "bob@acme.example";
const AS_ANN: &str = "trellis_view_as=user:default/ann";

fn post(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        r = r.header("cookie", c);
    }
    r.body(Body::from(body.to_string())).expect("request")
}

async fn personal_card(app: &TestApp, email: &str, cookie: Option<&str>) -> String {
    call(app, post("/_sf/home/card", "id=personal", cookie), email)
        .await
        .text()
}

async fn audit(app: &TestApp) -> Vec<Value> {
    let log = call(app, get("/api/audit/events?limit=500"), ROOT).await;
    assert_eq!(log.status, 200, "{}", log.text());
    log.json()["items"].as_array().cloned().unwrap_or_default()
}

fn logged(items: &[Value], actor: &str, outcome: &str, detail: Option<&str>) -> bool {
    items.iter().any(|e| {
        e["actor"] == actor
            && e["action"] == "home.read"
            && e["resource"] == "user:default/ann"
            && e["outcome"] == outcome
            && detail.is_none_or(|d| e["detail"].as_str() == Some(d))
    })
}

async fn start(app: &TestApp, email: &str, user: &str) -> TestResponse {
    call(
        app,
        post("/me/view-as", &format!("user={user}"), None),
        email,
    )
    .await
}

async fn an_admin_views_the_home_page_as_someone_else(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    let star = Request::put("/api/me/stars/component/default/ranker")
        .body(Body::empty())
        .expect("request");
    assert_eq!(call(&app, star, ANN).await.status, 204);

    // Only admins are offered the form, on a User's page.
    let entity = |email: &'static str| {
        let app = &app;
        async move {
            call(
                app,
                post(
                    "/_sf/catalog/entity",
                    "entity_ref=user%3Adefault%2Fann&depth=1",
                    None,
                ),
                email,
            )
            .await
            .text()
        }
    };
    assert!(entity(ROOT).await.contains("View their home page"));
    assert!(!entity(BOB).await.contains("View their home page"));

    let res = start(&app, ROOT, "user%3Adefault%2Fann").await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert_eq!(res.header("location"), Some("/"));
    let cookie = res.header("set-cookie").unwrap_or_default().to_string();
    assert!(
        cookie.starts_with("trellis_view_as=user%3Adefault%2Fann;")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Max-Age=3600"),
        "{cookie}"
    );
    assert!(logged(
        &audit(&app).await,
        "user:default/root",
        "allowed",
        None
    ));

    // With it, the cards are Ann's and say so; without, root's own.
    let as_ann = personal_card(&app, ROOT, Some(AS_ANN)).await;
    assert!(
        as_ann.contains("ranker") && as_ann.contains("Viewing as Ann Ranker"),
        "{as_ann}"
    );
    let own = personal_card(&app, ROOT, None).await;
    assert!(
        !own.contains("ranker") && !own.contains("Viewing as"),
        "{own}"
    );
    // The page carries Ann's layout: hidden by her, a card is gone for root viewing as her.
    let hide = call(&app, post("/me/edit", "op=hide%3Ajira-issues", None), ANN).await;
    assert_eq!(hide.status, 303);
    let page = |cookie: Option<&'static str>| {
        let app = &app;
        async move {
            let mut r = Request::get("/");
            if let Some(c) = cookie {
                r = r.header("cookie", c);
            }
            call(app, r.body(Body::empty()).expect("request"), ROOT)
                .await
                .text()
        }
    };
    let jira = "aria-label=\"Jira issues\"";
    assert!(!page(Some(AS_ANN)).await.contains(jira), "Ann's layout");
    assert!(page(None).await.contains(jira), "root's own layout");

    // Nothing changes in Ann's corner (nor root's) while viewing as her.
    let unstar = call(
        &app,
        post(
            "/me/edit",
            "op=unstar&entityRef=component%3Adefault%2Franker",
            Some(AS_ANN),
        ),
        ROOT,
    )
    .await;
    assert_eq!(unstar.header("location"), Some("/?personal=viewing-as"));
    assert!(
        personal_card(&app, ANN, None).await.contains("ranker"),
        "Ann keeps her star"
    );

    // Stopping clears the cookie and is audited.
    let stop = call(&app, post("/me/view-as/stop", "", Some(AS_ANN)), ROOT).await;
    assert_eq!(stop.status, 303);
    let cleared = stop.header("set-cookie").unwrap_or_default().to_string();
    assert!(
        cleared.starts_with("trellis_view_as=;") || cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    assert!(logged(
        &audit(&app).await,
        "user:default/root",
        "allowed",
        Some("stopped viewing as")
    ));
}

async fn viewing_as_is_refused_to_others_and_bounded(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    // Bob is no admin: refused, and the denial is in the audit log.
    let res = start(&app, BOB, "user%3Adefault%2Fann").await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert!(res.header("set-cookie").is_none());
    assert!(logged(
        &audit(&app).await,
        "user:default/bob",
        "denied",
        None
    ));
    // A cookie he made himself shows him his own page.
    let forged = personal_card(&app, BOB, Some(AS_ANN)).await;
    assert!(!forged.contains("Viewing as"), "{forged}");

    for (user, status, message) in [
        (
            "component%3Adefault%2Franker",
            400,
            "user: 'component:default/ranker' is not a User entity",
        ),
        (
            "user%3Adefault%2Fnobody",
            404,
            "no user 'user:default/nobody' in the catalog",
        ),
        ("root", 400, "user: that is you"),
        ("", 400, "user:"),
    ] {
        let res = start(&app, ROOT, user).await;
        assert_eq!(res.status, status, "{user}: {}", res.text());
        assert!(res.text().contains(message), "{user}: {}", res.text());
    }
    let long = "a".repeat(500);
    let res = start(&app, ROOT, &long).await;
    assert_eq!(res.status, 400);
    assert!(
        res.text().contains("user: longer than 400 characters"),
        "{}",
        res.text()
    );
}

async fn a_rule_naming_home_grants_it_but_never_an_admins(backend: TestBackend) {
    use trellis_auth::policy::{Effect, Rule, Who};
    use trellis_auth::{Action, ResourceType};
    let (app, _dir) = proxy_app(backend, |c| {
        // An old `*` rule reaches no one's home; the rule naming `home` does, for the search team.
        c.permission.rules = vec![
            Rule {
                effect: Effect::Allow,
                actions: vec![Action::Read],
                resources: vec![ResourceType::All],
                who: Who::Members(vec!["group:default/payments".into()]),
            },
            Rule {
                effect: Effect::Allow,
                actions: vec![Action::Read],
                resources: vec![ResourceType::Home],
                who: Who::Members(vec!["group:default/search".into()]),
            },
        ];
    })
    .await;
    const PAT: &str = "pat@acme.example";
    assert_eq!(
        start(&app, BOB, "user%3Adefault%2Fann").await.status,
        403,
        "`*` is not `home`"
    );
    let res = start(&app, PAT, "user%3Adefault%2Fann").await;
    assert_eq!(res.status, 303, "{}", res.text());
    assert!(personal_card(&app, PAT, Some(AS_ANN))
        .await
        .contains("Viewing as Ann Ranker"));
    // Root is an admin: his home is for admins only, with the rule or without.
    let res = start(&app, PAT, "user%3Adefault%2Froot").await;
    assert_eq!(res.status, 403, "{}", res.text());
    let forged = personal_card(&app, PAT, Some("trellis_view_as=user:default/root")).await;
    assert!(!forged.contains("Viewing as"), "{forged}");
    // Stopping with a cookie naming someone Bob may not view as writes nothing to the log.
    let stop = call(&app, post("/me/view-as/stop", "", Some(AS_ANN)), BOB).await;
    assert_eq!(stop.status, 303);
    assert!(!logged(
        &audit(&app).await,
        "user:default/bob",
        "allowed",
        Some("stopped viewing as")
    ));
}
