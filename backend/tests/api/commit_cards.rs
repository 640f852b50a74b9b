//! Find any commit's home card, on SQLite and PostgreSQL: given the page's input it renders
//! the answer (and the server-rendered page hands it only that card's input); without, my
//! recently merged pull requests with a badge per target, mine only; a rollback of my change
//! is in "needs attention".

use trellis_test_kit::{on_both, TestBackend};

use crate::auth::{call, card, get};
use crate::commits::{app, app_with, ANN};

on_both!(
    the_card_answers_and_lists_my_merged_pull_requests,
    a_slow_github_never_holds_up_the_list,
);

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

/// With GitHub's REST API slow, the card answers within the page's wait, says it is finding out
/// (unsettled: the browser loads it again), and lists where each pull request is once known.
async fn a_slow_github_never_holds_up_the_list(backend: TestBackend) {
    let (app, _merges, _guards) = app_with(backend, std::time::Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let first = card(&app, "id=find-commit", ANN).await;
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    assert!(
        first.contains("unsettled\\n") && first.contains("Finding where"),
        "{first}"
    );
    let mut later = String::new();
    for _ in 0..60 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        later = card(&app, "id=find-commit", ANN).await;
        if later.contains("production: rolled back") {
            break;
        }
    }
    assert!(
        later.contains("production: rolled back") && !later.contains("unsettled\\n"),
        "{later}"
    );
}
