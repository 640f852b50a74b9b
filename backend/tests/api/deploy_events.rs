//! Deploy events through `POST /api/deployments/events`, on SQLite and PostgreSQL: only with
//! a static token of `backend.auth.externalAccess`, every field checked and named, bounded in
//! size, idempotent by event id, and in the audit log under the machine caller's subject.

use trellis_test_kit::{on_both, TestBackend};

use crate::commits::{app, event, post, TOKEN};

on_both!(deploy_events_need_the_token_and_are_checked);

async fn deploy_events_need_the_token_and_are_checked(backend: TestBackend) {
    let (app, merges, _guards) = app(backend).await;
    // Deploy events: only with the token; each field checked; bounded; idempotent.
    let staged = event(
        "d-1",
        "ranker-api",
        "staging",
        &merges[5],
        "2026-12-01T13:00:00Z",
    )
    .to_string();
    for token in [None, Some("ci-token-0123456789abcdeX"), Some("")] {
        let r = app.send(post(staged.clone(), token)).await;
        assert_eq!(r.status, 401, "{token:?}: {}", r.text());
    }
    let r = app.send(post(staged.clone(), Some(TOKEN))).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["recorded"], true);
    let again = app.send(post(staged.clone(), Some(TOKEN))).await;
    assert_eq!(
        (again.status.as_u16(), again.json()["recorded"].clone()),
        (200, serde_json::json!(false))
    );
    let cases = [
        (
            event(
                "d-2",
                "ranker-api",
                "production",
                &merges[1],
                "2026-12-01T13:00:00Z",
            ),
            "subject.content.environment.id",
        ),
        (
            event(
                "d-3",
                "ranker-api",
                "staging",
                "not-a-sha",
                "2026-12-01T13:00:00Z",
            ),
            "customData.commit",
        ),
        (
            event(
                "d-4",
                "../../etc",
                "staging",
                &merges[1],
                "2026-12-01T13:00:00Z",
            ),
            "subject.id",
        ),
    ];
    for (body, field) in cases {
        let r = app.send(post(body.to_string(), Some(TOKEN))).await;
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(r.text().contains(field), "{field}: {}", r.text());
    }
    let mut huge = event(
        "d-5",
        "ranker-api",
        "staging",
        &merges[1],
        "2026-12-01T13:00:00Z",
    );
    huge["customData"] = serde_json::json!({"padding": "x".repeat(70 * 1024)});
    let r = app.send(post(huge.to_string(), Some(TOKEN))).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("at most 65536 bytes"), "{}", r.text());
    let r = app.send(post("{not json".into(), Some(TOKEN))).await;
    assert_eq!(r.status, 400, "{}", r.text());
    let audit = trellis_auth::audit::list(&app.state.db, &Default::default())
        .await
        .expect("audit");
    assert!(audit.iter().any(|e| e.actor == "external:ci"
        && e.action == "deploy-event.create"
        && e.resource == "staging/ranker-api"));
}
