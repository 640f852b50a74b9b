//! The error envelope, request ids and protective headers.

use axum::body::Body;
use axum::http::Request;
use trellis_test_kit::TestBackend;

use crate::common::TestApp;

#[tokio::test]
async fn unknown_api_route_is_a_json_404_envelope() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let res = app.get("/api/nope/x?y=1").await;
    assert_eq!(res.status, 404);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let body = res.json();
    assert_eq!(body["error"]["name"], "NotFoundError");
    assert_eq!(body["error"]["message"], "no API route at /api/nope/x");
    assert_eq!(body["request"]["method"], "GET");
    assert_eq!(body["request"]["url"], "/api/nope/x?y=1");
    assert_eq!(body["response"]["statusCode"], 404);
    let id = body["request"]["requestId"]
        .as_str()
        .expect("request id in body");
    assert_eq!(
        res.header("x-request-id"),
        Some(id),
        "same id in header and body"
    );
}

#[tokio::test]
async fn client_request_id_is_kept() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let req = Request::get("/api/missing")
        .header("x-request-id", "abc-123")
        .body(Body::empty())
        .expect("req");
    let res = app.send(req).await;
    assert_eq!(res.header("x-request-id"), Some("abc-123"));
    assert_eq!(res.json()["request"]["requestId"], "abc-123");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::with_config(TestBackend::Sqlite, |c| c.server.body_limit_bytes = 1024).await;
    let req = Request::post("/api/healthz")
        .header("content-length", "4096")
        .body(Body::from(vec![b'x'; 4096]))
        .expect("req");
    let res = app.send(req).await;
    assert_eq!(res.status, 413);
}

#[tokio::test]
async fn every_response_says_nosniff() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    for path in ["/healthz", "/", "/api/x"] {
        assert_eq!(
            app.get(path).await.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn wrong_method_on_an_api_route_is_a_json_405_envelope() {
    let app = TestApp::new(TestBackend::Sqlite).await;
    let res = app
        .send(
            Request::delete("/api/healthz")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(res.status, 405);
    assert_eq!(res.json()["error"]["name"], "MethodNotAllowedError");
    assert_eq!(
        res.json()["error"]["message"],
        "DELETE is not supported at /api/healthz"
    );
}
