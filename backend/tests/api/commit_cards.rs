//! Find any commit's home card, on SQLite and PostgreSQL: given the page's input it renders
//! the answer (and the server-rendered page hands it only that card's input); without, my
//! recently merged pull requests with a badge per target, mine only; a rollback of my change
//! is in "needs attention".

use axum::body::Body;
use axum::http::Request;
use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, get};
use crate::commits::{app, ANN};

on_both!(the_card_answers_and_lists_my_merged_pull_requests);

async fn the_card_answers_and_lists_my_merged_pull_requests(backend: TestBackend) {
    let (app, _merges, _guards) = app(backend).await;
    // The home page's card renders the same.
    let request = Request::post("/_sf/home/card")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("id=find-commit&input=acme%2Franker%234"))
        .expect("request");
    let card = call(&app, request, ANN).await.text();
    assert!(
        card.contains("Rolled back") && card.contains("value=\\\"acme/ranker#4\\\""),
        "{card}"
    );
    // Without input, the card lists my recently merged pull requests and where each is.
    let request = Request::post("/_sf/home/card")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("id=find-commit"))
        .expect("request");
    let card = call(&app, request, ANN).await.text();
    assert!(
        card.contains("Your recently merged pull requests"),
        "{card}"
    );
    assert!(
        card.contains("production: rolled back") && card.contains("ios: live"),
        "{card}"
    );
    assert!(
        card.contains("href=\\\"/?find-commit=acme%2Franker%234\\\""),
        "{card}"
    );
    let attention = Request::post("/_sf/home/card")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("id=attention"))
        .expect("request");
    let attention = call(&app, attention, ANN).await.text();
    assert!(
        attention.contains("Rolled back") && attention.contains("acme/ranker#4 · production"),
        "a rollback of my change needs my attention: {attention}"
    );
    let bob = Request::post("/_sf/home/card")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("id=find-commit"))
        .expect("request");
    let bob = call(&app, bob, "bob@acme.example").await.text();
    assert!(!bob.contains("Change 4"), "ann's list is hers: {bob}");

    // The server-rendered page hands its `?find-commit=` to that card, and only to it, and
    // streams the answer in.
    let page = call(
        &app,
        get("/?find-commit=acme%2Franker%234&pull-requests=x"),
        ANN,
    )
    .await
    .text();
    assert!(
        page.contains("Rolled back") && page.contains("value=\"acme/ranker#4\""),
        "{page}"
    );
    assert_eq!(
        app.state
            .services
            .widget_input("pull-requests=x", "pull-requests"),
        "",
        "a card without a form takes no input"
    );
    assert_eq!(
        app.state
            .services
            .widget_input("find-commit=a%0Ab&x=1", "find-commit"),
        "a b"
    );
}
