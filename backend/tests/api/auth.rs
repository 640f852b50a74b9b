//! Sign-in, access control and audit through the HTTP API, on SQLite and PostgreSQL: proxy
//! headers honoured only from trusted peers, resolvers, the permission matrix (owner / member of
//! the parent team / other team / admin × delete, refresh), the audit log, CSRF refusal, the
//! redirect to sign-in, security headers and guest mode.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use trellis_test_kit::{on_both, TestBackend};

use crate::common::{TestApp, TestResponse};

on_both!(
    identity_headers_count_only_from_trusted_peers,
    resolvers_match_one_user_or_refuse,
    permission_matrix_and_audit_log,
    cross_site_mutations_are_refused,
    guest_mode_picks_a_user,
);

const ORG: &str = r#"
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: platform}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: search}
spec: {type: team, children: [search-ranking]}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: search-ranking}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: ann}
spec: {profile: {email: ann@acme.example, displayName: Ann Ranker}, memberOf: [search-ranking]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: pat}
spec: {profile: {email: pat@acme.example}, memberOf: [search]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: bob}
spec: {profile: {email: bob@acme.example}, memberOf: [payments]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: root}
spec: {profile: {email: root@acme.example}, memberOf: [platform]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: twin-a}
spec: {profile: {email: twin@acme.example}, memberOf: []}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: twin-b}
spec: {profile: {email: twin@acme.example}, memberOf: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ranker}
spec: {type: service, lifecycle: production, owner: group:search-ranking}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ledger}
spec: {type: service, lifecycle: production, owner: group:payments, dependsOn: [component:ranker]}
"#;

const PROXY: &str = "127.0.0.1:40000";

/// The app in proxy mode, trusting loopback, with the org above loaded.
pub(crate) async fn proxy_app(
    backend: TestBackend,
    adjust: impl FnOnce(&mut trellis::config::Config),
) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("org.yaml");
    std::fs::write(&file, ORG).expect("write org");
    let app = TestApp::with_config(backend, |c| {
        c.auth.mode = trellis_auth::AuthMode::Proxy;
        c.auth.sign_in_url = "https://sso.acme.example/oauth2/start".into();
        c.auth.proxy.trusted_proxies = vec!["127.0.0.0/8".parse().expect("cidr")];
        c.permission.admins = vec!["group:default/platform".into()];
        c.catalog.locations = vec![trellis_catalog::LocationSpec::file(
            file.display().to_string(),
        )];
        adjust(c);
    })
    .await;
    let summary = app
        .state
        .services
        .refresh_and_wait()
        .await
        .expect("refresh");
    assert_eq!(summary.errors, 0, "{summary:?}");
    (app, dir)
}

/// Sends `request` as if from `peer`, with extra `headers`.
async fn from(
    app: &TestApp,
    peer: &str,
    mut request: Request<Body>,
    headers: &[(&str, &str)],
) -> TestResponse {
    let addr: SocketAddr = peer.parse().expect("peer");
    request.extensions_mut().insert(ConnectInfo(addr));
    for (name, value) in headers {
        request.headers_mut().append(
            axum::http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
            value.parse().expect("value"),
        );
    }
    app.send(request).await
}

pub(crate) fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("request")
}

fn as_user(email: &str) -> Vec<(&'static str, String)> {
    vec![("X-Forwarded-Email", email.to_string())]
}

/// A home card through the page's server function (`form`: `id=...&input=...`), as `email`.
pub(crate) async fn card(app: &TestApp, form: &str, email: &str) -> String {
    let request = Request::post("/_sf/home/card")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .expect("request");
    call(app, request, email).await.text()
}

pub(crate) async fn call(app: &TestApp, request: Request<Body>, email: &str) -> TestResponse {
    let headers = as_user(email);
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    from(app, PROXY, request, &pairs).await
}

async fn identity_headers_count_only_from_trusted_peers(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    let who = [("X-Forwarded-Email", "root@acme.example")];
    // From a trusted peer: signed in, and the page header names the user.
    let page = from(&app, PROXY, get("/"), &who).await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(
        page.text().contains("data-user=\"user:default/root\""),
        "the header shows who is signed in"
    );
    // The same headers from elsewhere are ignored: browsers go to sign-in, API calls get 401.
    let html = [
        ("X-Forwarded-Email", "root@acme.example"),
        ("Accept", "text/html"),
    ];
    let redirected = from(
        &app,
        "192.0.2.7:5000",
        get("/catalog?kind=component"),
        &html,
    )
    .await;
    assert_eq!(redirected.status, 302);
    assert_eq!(
        redirected.header("location"),
        Some("https://sso.acme.example/oauth2/start?rd=%2Fcatalog%3Fkind%3Dcomponent")
    );
    let api = from(&app, "192.0.2.7:5000", get("/api/catalog/entities"), &who).await;
    assert_eq!(api.status, 401, "{}", api.text());
    assert_eq!(api.json()["error"]["name"], "AuthenticationError");
    // Repeated (also differently cased), conflicting or control-character headers: nobody.
    let attacks: [&[(&str, &str)]; 4] = [
        &[
            ("X-Forwarded-Email", "bob@acme.example"),
            ("x-forwarded-email", "root@acme.example"),
        ],
        &[
            ("X-Forwarded-Email", "bob@acme.example"),
            ("X-Auth-Request-Email", "root@acme.example"),
        ],
        &[("X-Forwarded-User", "root\tadmin")],
        &[],
    ];
    for headers in attacks {
        let response = from(&app, PROXY, get("/api/catalog/entities"), headers).await;
        assert_eq!(response.status, 401, "{headers:?}: {}", response.text());
    }
    // Probes and assets need no identity.
    assert_eq!(
        from(&app, "192.0.2.7:5000", get("/healthz"), &[])
            .await
            .status,
        200
    );
    // Security headers: pages get a nonce policy matching their hydration script.
    let csp = page
        .header("content-security-policy")
        .expect("page CSP")
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|r| r.split('\'').next())
        .expect("nonce");
    assert!(
        page.text().contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the nonce"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(
        page.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
    assert_eq!(
        api.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
    );
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
}

async fn resolvers_match_one_user_or_refuse(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |c| {
        c.auth.allowed_domains = vec!["acme.example".into()]
    })
    .await;
    let me = |r: &TestResponse| r.text().contains("data-user=\"user:default/ann\"");
    // Email, email with a +tag, forwarded user name.
    assert!(me(&call(&app, get("/"), "ann@acme.example").await));
    assert!(me(&call(&app, get("/"), "Ann+ci@ACME.example").await));
    let by_name = from(
        &app,
        PROXY,
        get("/"),
        &[
            ("X-Forwarded-User", "ann"),
            ("X-Forwarded-Email", "ann.r@acme.example"),
        ],
    )
    .await;
    assert!(me(&by_name), "{}", by_name.text());
    // Two users with the email: refused, not guessed. Unknown people and other domains too.
    for (email, why) in [
        ("twin@acme.example", "several User entities"),
        ("nobody@acme.example", "no User entity"),
        ("ann@evil.example", "not in an allowed email domain"),
    ] {
        let response = call(&app, get("/api/catalog/entities"), email).await;
        assert_eq!(response.status, 403, "{email}");
        assert!(
            response.text().contains(why),
            "{email}: {}",
            response.text()
        );
    }
    // Each refusal is in the audit log, naming whom the proxy sent and why.
    let events = trellis_auth::audit::list(&app.state.db, &Default::default())
        .await
        .expect("audit");
    for (who, why) in [
        ("twin@acme.example", "several User entities"),
        ("nobody@acme.example", "no User entity"),
        ("ann@evil.example", "not in an allowed email domain"),
    ] {
        assert!(
            events.iter().any(|e| e.actor == who
                && e.action == "auth.sign-in"
                && e.outcome == "denied"
                && e.resource == "/api/catalog/entities"
                && e.detail.as_deref().is_some_and(|d| d.contains(why))),
            "{who}: {events:?}"
        );
    }
}

async fn permission_matrix_and_audit_log(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    let refresh = || {
        Request::post("/api/catalog/refresh")
            .header("content-type", "application/json")
            .body(Body::from(r#"{"entityRef":"component:default/ranker"}"#))
            .expect("request")
    };
    // (who, may act): owner through its team, member of the parent team, another team, admin.
    let matrix = [
        ("ann@acme.example", true),
        ("pat@acme.example", false),
        ("bob@acme.example", false),
        ("root@acme.example", true),
    ];
    for (email, allowed) in matrix {
        let refreshed = call(&app, refresh(), email).await;
        assert_eq!(
            refreshed.status,
            if allowed { 200 } else { 403 },
            "refresh as {email}: {}",
            refreshed.text()
        );
        let id = ranker_uid(&app, email).await;
        let delete = Request::delete(format!("/api/catalog/entities/by-uid/{id}"))
            .body(Body::empty())
            .expect("request");
        let deleted = call(&app, delete, email).await;
        assert_eq!(
            deleted.status,
            if allowed { 204 } else { 403 },
            "delete as {email}: {}",
            deleted.text()
        );
        if allowed {
            // Bring it back for the next row.
            app.state
                .services
                .refresh_and_wait()
                .await
                .expect("refresh");
        }
        // Everyone signed in reads.
        assert_eq!(
            call(&app, get("/api/catalog/entities"), email).await.status,
            200
        );
    }
    // Admin functions: only admins.
    assert_eq!(
        call(&app, get("/api/catalog/providers"), "bob@acme.example")
            .await
            .status,
        403
    );
    assert_eq!(
        call(&app, get("/api/catalog/providers"), "root@acme.example")
            .await
            .status,
        200
    );
    // The audit log: denials and permitted mutations, with who, what and request id; admins only.
    assert_eq!(
        call(&app, get("/api/audit/events"), "bob@acme.example")
            .await
            .status,
        403
    );
    let log = call(
        &app,
        get("/api/audit/events?limit=500"),
        "root@acme.example",
    )
    .await;
    assert_eq!(log.status, 200, "{}", log.text());
    let items = log.json()["items"].as_array().expect("items").clone();
    let has = |actor: &str, action: &str, outcome: &str| {
        items.iter().any(|e| {
            e["actor"] == actor
                && e["action"] == action
                && e["outcome"] == outcome
                && e["requestId"].is_string()
        })
    };
    assert!(has("user:default/bob", "catalog-entity.delete", "denied"));
    assert!(has("user:default/pat", "catalog-entity.refresh", "denied"));
    assert!(has("user:default/ann", "catalog-entity.delete", "allowed"));
    assert!(has("user:default/bob", "audit.read", "denied"));
    let bad = call(
        &app,
        get("/api/audit/events?outcome=maybe"),
        "root@acme.example",
    )
    .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(
        bad.text().contains("outcome"),
        "the error names the parameter: {}",
        bad.text()
    );
    let denied = call(
        &app,
        get("/api/audit/events?outcome=denied&actor=user:default/pat"),
        "root@acme.example",
    )
    .await;
    let denied = denied.json()["items"].as_array().expect("items").len();
    assert_eq!(denied, 2, "pat was refused a refresh and a delete");
    // Append-only: the database refuses changes to recorded events.
    let rejected = match &app.state.db {
        trellis_store::Db::Sqlite(pool) => sqlx::query("DELETE FROM audit.events")
            .execute(pool)
            .await
            .is_err(),
        trellis_store::Db::Postgres(pool) => sqlx::query("UPDATE audit.events SET actor = 'x'")
            .execute(pool)
            .await
            .is_err(),
    };
    assert!(rejected, "the audit table refuses updates and deletes");
}

async fn ranker_uid(app: &TestApp, email: &str) -> String {
    let r = call(
        app,
        get("/api/catalog/entities/by-name/component/default/ranker"),
        email,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["metadata"]["uid"]
        .as_str()
        .expect("uid")
        .to_string()
}

async fn cross_site_mutations_are_refused(backend: TestBackend) {
    let (app, _dir) = proxy_app(backend, |_| {}).await;
    let post = || {
        Request::post("/api/catalog/refresh")
            .body(Body::empty())
            .expect("request")
    };
    let root = ("X-Forwarded-Email", "root@acme.example");
    for header in [
        ("Origin", "https://evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let response = from(&app, PROXY, post(), &[root, header]).await;
        assert_eq!(response.status, 403, "{header:?}");
        assert!(response.text().contains("cross-site request refused"));
    }
    let same = from(
        &app,
        PROXY,
        post(),
        &[
            root,
            ("Origin", "http://127.0.0.1:3000"),
            ("Sec-Fetch-Site", "same-origin"),
        ],
    )
    .await;
    assert_eq!(
        same.status,
        202,
        "a same-origin refresh starts: {}",
        same.text()
    );
}

fn pick(user: &str) -> Request<Body> {
    Request::post("/auth/guest")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://127.0.0.1:3000")
        .body(Body::from(format!("user={user}")))
        .expect("request")
}

async fn guest_mode_picks_a_user(backend: TestBackend) {
    let (proxy, _dir) = proxy_app(backend, |_| {}).await;
    let page = call(&proxy, get("/auth/guest"), "bob@acme.example").await;
    assert_eq!(page.status, 404, "no guest picker in proxy mode");
    let picked = call(&proxy, pick("root"), "bob@acme.example").await;
    assert_eq!(picked.status, 404, "no guest picking in proxy mode");
    let (guest, _dir2) = proxy_app(backend, |c| {
        c.auth.mode = trellis_auth::AuthMode::Guest;
        c.auth.guest_user = "user:default/bob".into();
    })
    .await;
    let page = guest.get("/").await;
    assert!(page.text().contains("data-user=\"user:default/bob\""));
    // The picker is a page: everyone to act as, each a button posting its ref; a search narrows.
    let list = guest.get("/auth/guest").await;
    assert_eq!(list.status, 200, "{}", list.text());
    assert!(
        list.text()
            .contains("name=\"user\" value=\"user:default/ann\""),
        "{}",
        list.text()
    );
    assert!(
        list.text().contains("You now"),
        "bob is marked as the current pick"
    );
    let narrowed = guest.get("/auth/guest?q=ann").await;
    assert!(narrowed.text().contains("value=\"user:default/ann\""));
    assert!(!narrowed.text().contains("value=\"user:default/root\""));
    // By team and by e-mail too.
    let team = guest.get("/auth/guest?q=Search-Ranking").await.text();
    assert!(
        team.contains("value=\"user:default/ann\"") && !team.contains("value=\"user:default/pat\""),
        "{team}"
    );
    let mail = guest.get("/auth/guest?q=pat%40acme").await.text();
    assert!(
        mail.contains("value=\"user:default/pat\"") && !mail.contains("value=\"user:default/ann\""),
        "{mail}"
    );
    let long = guest
        .get(&format!("/auth/guest?q={}", "a".repeat(101)))
        .await;
    assert_eq!(
        long.status,
        400,
        "an overlong search is refused: {}",
        long.text()
    );
    let picked = guest.send(pick("ann")).await;
    assert_eq!(picked.status, 303);
    assert_eq!(picked.header("location"), Some("/"));
    let cookie = picked.header("set-cookie").expect("cookie").to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let value = cookie.split(';').next().expect("pair").to_string();
    let request = Request::get("/")
        .header("cookie", value)
        .body(Body::empty())
        .expect("request");
    let as_ann = guest.send(request).await;
    assert!(as_ann.text().contains("data-user=\"user:default/ann\""));
    assert_eq!(guest.send(pick("nobody")).await.status, 404);
    let group = guest.send(pick("group:default/team-a")).await;
    assert_eq!(
        group.status,
        400,
        "only users can be picked: {}",
        group.text()
    );
    // A forged cookie naming something else than a user is ignored: the default guest stays.
    let forged = Request::get("/")
        .header("cookie", "trellis_guest=group:default/admins")
        .body(Body::empty())
        .expect("request");
    assert!(guest
        .send(forged)
        .await
        .text()
        .contains("data-user=\"user:default/bob\""));
}
