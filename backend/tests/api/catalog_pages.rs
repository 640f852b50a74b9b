//! The catalog's server-rendered pages over the demo catalog: the list with filters, search and
//! pages in the URL, "owned by my teams" for the demo user, entity pages with relations, the
//! dependency graph and impact analysis, and team pages.

use trellis_test_kit::{on_both, TestBackend};

use crate::common::TestApp;

on_both!(list_filters_and_pages, entity_and_team_pages);

async fn demo_app(backend: TestBackend) -> TestApp {
    let catalog = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/catalog/all.yaml");
    let app = TestApp::with_config(backend, |c| {
        c.demo.enabled = true;
        c.demo.catalog = catalog.display().to_string();
        c.auth.guest_user = "user:default/demo.user".into();
        c.permission.admins.push("user:default/demo.user".into());
    })
    .await;
    let refresh = app.refresh().await;
    assert!(refresh["added"].as_u64().expect("added") > 250, "{refresh}");
    app
}

fn rows(html: &str) -> usize {
    html.split("<tbody>")
        .nth(1)
        .map(|b| b.matches("<tr").count())
        .unwrap_or(0)
}

async fn list_filters_and_pages(backend: TestBackend) {
    let app = demo_app(backend).await;
    let res = app.get("/catalog").await;
    assert_eq!(res.status, 200);
    let html = res.text();
    assert_eq!(rows(&html), 25, "a full first page");
    assert!(html.contains("329 entities"), "total shown");
    assert!(
        html.contains(r#"<select name="kind""#) && html.contains("Component (91)"),
        "kind filter with counts"
    );
    assert!(html.contains(r#"rel="next""#) && !html.contains(r#"rel="prev""#));

    let next = html
        .split(r#"rel="next" href=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("next link");
    let page2 = app.get(&next.replace("&amp;", "&")).await.text();
    assert_eq!(rows(&page2), 25);
    assert!(page2.contains(r#"rel="prev""#));

    let services = app
        .get("/catalog?kind=component&type=service&lifecycle=deprecated")
        .await
        .text();
    let n = rows(&services);
    assert!(n > 0 && n < 25, "deprecated services: {n}");
    assert!(
        services.contains(r#"<option value="Component" selected"#),
        "the form shows the active filter"
    );

    let search = app.get("/catalog?q=config-serv").await.text();
    assert!(search.contains("config-service"), "full-text search");
    let nothing = app.get("/catalog?q=zzzz-no-match").await.text();
    assert!(nothing.contains("Nothing matches"));

    let mine = app.get("/catalog?mine=1&kind=component").await.text();
    assert!(mine.contains("Owned by my teams (demo.user)"));
    let n = rows(&mine);
    assert!(n > 0, "the demo user's teams own components");
    assert!(mine.contains("team-home-feed") || mine.contains("team-search"));
    assert!(
        !mine.contains(">team-payments<"),
        "other teams' components are not mine"
    );

    let owner = app
        .get("/catalog?owner=group:default/team-payments&kind=component")
        .await
        .text();
    assert!(rows(&owner) > 0 && owner.contains("team-payments"));
}

async fn entity_and_team_pages(backend: TestBackend) {
    let app = demo_app(backend).await;
    let res = app.get("/catalog/default/component/config-service").await;
    assert_eq!(res.status, 200);
    let html = res.text();
    for part in [
        "Overview",
        "Relations",
        "Dependency graph",
        "Impact analysis",
        "Raw YAML",
        "Annotations",
        "<svg",
        "dependencyOf",
        "backstage.io/managed-by-location",
        "entities depend on this one",
    ] {
        assert!(html.contains(part), "entity page shows {part}");
    }
    assert!(
        html.contains(r#"href="/catalog/default/group/"#),
        "owner links to the team page"
    );

    let team = app.get("/catalog/default/group/team-home-feed").await;
    assert_eq!(team.status, 200);
    let html = team.text();
    for part in [
        "Members (",
        "Child teams",
        "Owned by this team (",
        "demo.user",
    ] {
        assert!(html.contains(part), "team page shows {part}");
    }
    let dept = app.get("/catalog/default/group/engineering").await.text();
    assert!(
        dept.contains("Owned by its sub-teams ("),
        "departments list what their teams own"
    );

    let deeper = app
        .get("/catalog/default/component/config-service?depth=2")
        .await
        .text();
    assert!(deeper.contains("within 2 steps"));
}
