//! The Backstage-compatible catalog API over Backstage's own example catalog.

use trellis_catalog::LocationSpec;
use trellis_test_kit::{on_both, TestBackend};

use crate::common::TestApp;

on_both!(serves_backstage_examples_by_name_and_uid);

pub fn examples() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/backstage-examples");
    assert!(
        dir.join("all.yaml").is_file(),
        "Backstage's example catalog is absent at {}",
        dir.display()
    );
    dir.display().to_string()
}

async fn serves_backstage_examples_by_name_and_uid(backend: TestBackend) {
    let dir = examples();
    let app = TestApp::with_config(backend, |c| {
        c.catalog.locations = vec![
            LocationSpec::file(format!("{dir}/all.yaml")),
            LocationSpec::file(format!("{dir}/acme-corp.yaml")),
        ];
    })
    .await;
    let refresh = app.refresh().await;
    assert_eq!(refresh["added"], 66, "{refresh}");

    let res = app
        .get("/api/catalog/entities/by-name/component/default/artist-lookup")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let entity = res.json();
    assert_eq!(entity["kind"], "Component");
    assert_eq!(entity["metadata"]["namespace"], "default");
    assert_eq!(entity["spec"]["owner"], "team-a");
    assert_eq!(entity["relations"][0]["type"], "ownedBy");
    assert_eq!(entity["relations"][0]["targetRef"], "group:default/team-a");
    assert_eq!(
        entity["relations"][1]["targetRef"],
        "system:default/artist-engagement-portal"
    );
    let uid = entity["metadata"]["uid"].as_str().expect("uid").to_string();

    let by_uid = app
        .get(&format!("/api/catalog/entities/by-uid/{uid}"))
        .await;
    assert_eq!(by_uid.status, 200);
    assert_eq!(by_uid.json()["metadata"]["name"], "artist-lookup");

    let case = app
        .get("/api/catalog/entities/by-name/Component/DEFAULT/Artist-Lookup")
        .await;
    assert_eq!(case.status, 200, "names are case-insensitive");

    let missing = app
        .get("/api/catalog/entities/by-name/component/default/nope")
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["name"], "NotFoundError");
    assert_eq!(
        missing.json()["error"]["message"],
        "No entity named 'nope' found, with kind 'component' in namespace 'default'"
    );

    let again = app.refresh().await;
    assert_eq!(again["unchanged"], 66, "{again}");
    assert_eq!(again["added"], 0);
}
