//! Find any commit's home card, on SQLite and PostgreSQL: given the page's input it renders
//! the answer (and the server-rendered page hands it only that card's input); without, my
//! recently merged pull requests with a badge per target, mine only; a rollback of my change
//! is in "needs attention".

use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, card, get};
use crate::commits::{app, ANN};

on_both!(the_card_answers_and_lists_my_merged_pull_requests);

async fn the_card_answers_and_lists_my_merged_pull_requests(backend: TestBackend) {
    let (app, _merges, _guards) = app(backend).await;
    // The home page's card renders the same.
    let answer = card(&app, "id=find-commit&input=acme%2Franker%234", ANN).await;
    assert!(
        answer.contains("Rolled back") && answer.contains("value=\\\"acme/ranker#4\\\""),
        "{answer}"
    );
    // Without input, the card lists my recently merged pull requests and where each is.
    let list = card(&app, "id=find-commit", ANN).await;
    assert!(
        list.contains("Your recently merged pull requests"),
        "{list}"
    );
    assert!(
        list.contains("production: rolled back") && list.contains("ios: live"),
        "{list}"
    );
    assert!(
        list.contains("href=\\\"/?find-commit=acme%2Franker%234\\\""),
        "{list}"
    );
    let attention = card(&app, "id=attention", ANN).await;
    assert!(
        attention.contains("Rolled back") && attention.contains("acme/ranker#4 · production"),
        "a rollback of my change needs my attention: {attention}"
    );
    let bob = card(&app, "id=find-commit", "bob@acme.example").await;
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
