//! Server-side rendering of the app's pages (the browser side is covered in e2e/).

use axum::body::Body;
use axum::http::Request;
use trellis_test_kit::TestBackend;

use crate::common::TestApp;

#[tokio::test]
async fn each_section_is_rendered_on_the_server() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    for (path, heading) in [
        ("/", "Home"),
        ("/catalog", "Catalog"),
        ("/compute", "Compute"),
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(
            res.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        assert_eq!(
            res.header("cache-control"),
            Some("no-cache"),
            "{path}: pages are revalidated"
        );
        let html = res.text();
        assert!(html.starts_with("<!DOCTYPE html>"), "{path}: {html:.200}");
        assert!(
            html.contains(&format!("<h1>{heading}</h1>")),
            "{path} renders its view on the server: {html}"
        );
        assert!(
            html.contains(r#"aria-current="page""#),
            "{path}: nav marks the current section"
        );
        assert!(
            html.contains(&format!("<title>{heading} · Trellis</title>")),
            "{path}: title"
        );
    }
}

#[tokio::test]
async fn unknown_entity_pages_say_so_with_404() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let res = app.get("/catalog/default/component/petstore").await;
    assert_eq!(res.status, 404);
    let html = res.text();
    assert!(
        html.contains("<h1>component:default/petstore</h1>"),
        "{html}"
    );
    assert!(html.contains("Not in the catalog"), "{html}");
}

#[tokio::test]
async fn direct_loads_preload_their_route_chunk() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let pkg = app.site.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    // Keys as `#[lazy_route]` names the views' splits: from the view types of the route table.
    std::fs::write(
        pkg.join("__wasm_split_manifest.abc.json"),
        r#"{"__catalog_view_view_1":["chunk_1.x","split___catalog_view_view_1.y"],"__entity_view_view_2":["chunk_1.x","split___entity.z"],"__compute_view_view_3":["c.q"],"__home_view_view_4":["h.w"]}"#,
    )
    .expect("manifest");
    let list = app.get("/catalog").await.text();
    assert!(
        list.contains(r#"href="/pkg/split___catalog_view_view_1.y.wasm""#),
        "{list}"
    );
    assert!(list.contains(r#"href="/pkg/chunk_1.x.wasm""#));
    assert!(!list.contains("split___entity.z"));
    let entity = app.get("/catalog/default/component/x").await.text();
    assert!(entity.contains("split___entity.z.wasm"));
    let home = app.get("/").await.text();
    assert!(
        home.contains("/pkg/h.w.wasm"),
        "the home page preloads its own chunk"
    );
    assert!(
        !home.contains("chunk_1.x"),
        "the home page preloads no catalog chunk"
    );
    assert!(app.get("/compute").await.text().contains("/pkg/c.q.wasm"));
}

#[tokio::test]
async fn every_route_has_its_preload_entry() {
    let mut routes = trellis::router::page_paths();
    routes.sort();
    // `:name` in the route table is `{name}` in axum's listing.
    let axum_form = |p: &str| {
        p.split('/')
            .map(|s| {
                s.strip_prefix(':')
                    .map_or(s.to_string(), |n| format!("{{{n}}}"))
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut pages: Vec<String> = trellis_frontend::page_patterns()
        .into_iter()
        .map(axum_form)
        .collect();
    pages.sort();
    assert_eq!(
        routes, pages,
        "the preload table lists exactly the routes of app.rs"
    );
}

#[tokio::test]
async fn unknown_pages_get_the_404_page_with_status_404() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status, 404);
    assert!(res.text().contains("Page not found"), "{}", res.text());
    // It is rendered with the service layer like every page: the header knows who is there.
    assert!(
        res.text().contains(r#"data-user="user:default/tester""#),
        "{}",
        res.text()
    );
}

#[tokio::test]
async fn static_files_come_from_the_site_root() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let res = app.get("/robots.txt").await;
    assert_eq!(res.status, 200);
    assert_eq!(res.text(), "User-agent: *\n");
    assert_eq!(res.header("content-type"), Some("text/plain"));
    assert_eq!(res.header("cache-control"), Some("no-cache"));
    let etag = res.header("etag").expect("an ETag").to_string();
    let again = Request::get("/robots.txt")
        .header("if-none-match", format!("\"other\", {etag}"))
        .body(Body::empty())
        .expect("req");
    let again = app.send(again).await;
    assert_eq!(again.status, 304, "a revalidation with its ETag");
    assert_eq!(again.text(), "");
    let stale = Request::get("/robots.txt")
        .header("if-none-match", "\"other\"")
        .body(Body::empty())
        .expect("req");
    assert_eq!(app.send(stale).await.text(), "User-agent: *\n");
    let missing = app.get("/pkg/none.wasm").await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("cache-control"),
        Some("no-cache"),
        "misses are never cached for long"
    );
}

#[tokio::test]
async fn pages_are_compressed_when_the_client_accepts_it() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    for encoding in ["gzip", "br"] {
        let req = Request::get("/catalog")
            .header("accept-encoding", encoding)
            .body(Body::empty())
            .expect("req");
        let res = app.send(req).await;
        assert_eq!(res.status, 200);
        assert_eq!(res.header("content-encoding"), Some(encoding));
    }
}

/// Building another router (every app in this test process builds one) must not stall pages
/// rendered meanwhile: Leptos suppresses resource loads process-wide while it generates a route
/// list (leptos-rs/leptos#4773), so the list is generated once per process.
#[tokio::test]
async fn building_routers_does_not_stall_pages_being_rendered() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let app = TestApp::new(TestBackend::Sqlite).await;
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let (stop, state) = (stop.clone(), app.state.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let mut built = 0u32;
            while !stop.load(Ordering::Relaxed) {
                runtime.block_on(async { drop(trellis::router::build(state.clone())) });
                built += 1;
            }
            built
        })
    };
    // A page normally answers in milliseconds; a stalled one (the regression) fails here, at
    // once and by name, rather than at the suite's general response limit.
    for round in 0..20 {
        let res = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            app.get("/catalog?kind=component"),
        )
        .await
        .unwrap_or_else(|_| {
            panic!(
                "round {round}: the page stalled while routers were built (leptos-rs/leptos#4773)"
            )
        });
        assert_eq!(res.status, 200, "round {round}");
    }
    stop.store(true, Ordering::Relaxed);
    let built = builder.join().expect("builder thread");
    assert!(built > 0, "routers were built while pages rendered");
}

/// A file served while a page is rendering on the same thread leaves that page's headers alone.
/// Leptos keeps the current reactive owner in a thread-local that a page render sets and never
/// clears, and its file handler looks `ResponseOptions` up from a child of that owner: without
/// the router isolating each request, the file took the page's CSP with its nonce, the page
/// fell back to the nonce-less policy and the browser blocked its hydration script (seen in
/// the end-to-end tests about once in 150 navigations). `#[tokio::test]` runs both requests
/// on one thread, as a busy worker thread does.
#[tokio::test]
async fn files_served_during_a_page_render_leave_its_headers_alone() {
    use std::future::{poll_fn, Future};
    use std::task::Poll;
    use tower::ServiceExt;

    let app = TestApp::new(TestBackend::Sqlite).await;
    let request = Request::get("/catalog?q=service")
        .body(Body::empty())
        .expect("req");
    let mut page = Box::pin(app.router.clone().oneshot(request));
    let mut files = 0;
    let response = loop {
        // One poll of the page, then a whole file request while the page waits on its data.
        if let Poll::Ready(done) = poll_fn(|cx| Poll::Ready(page.as_mut().poll(cx))).await {
            break done.expect("infallible router");
        }
        let file = app.get("/robots.txt").await;
        assert_eq!(file.status, 200);
        assert!(
            !file
                .header("content-security-policy")
                .unwrap_or_default()
                .contains("nonce"),
            "the file took the page's policy: {:?}",
            file.header("content-security-policy")
        );
        files += 1;
        // The file is served from memory without waiting: let the page's tasks run.
        tokio::task::yield_now().await;
    };
    assert!(files > 0, "the page never waited, so nothing was tested");
    let policy = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        policy.contains("'nonce-"),
        "the page lost its policy: {policy}"
    );
}
