//! The Backstage-compatible catalog API over Backstage's own create-app example catalog and org
//! (npm `@backstage/create-app`), read unchanged.

use trellis_catalog::LocationSpec;
use trellis_test_kit::fixtures::create_app_examples;
use trellis_test_kit::{on_both, TestBackend};

use crate::common::TestApp;

on_both!(serves_backstage_examples_by_name_and_uid);

/// The demo catalog's folder (its `all.yaml` lists every file), always in the repository.
pub fn demo_catalog() -> String {
    trellis_test_kit::fixtures::demo_catalog()
        .display()
        .to_string()
}

async fn serves_backstage_examples_by_name_and_uid(backend: TestBackend) {
    let dir = create_app_examples();
    let app = TestApp::with_config(backend, |c| {
        c.catalog.locations = ["entities.yaml", "org.yaml", "template/template.yaml"]
            .iter()
            .map(|f| LocationSpec::file(dir.join(f).display().to_string()))
            .collect();
    })
    .await;
    let refresh = app.refresh().await;
    assert_eq!(refresh["added"], 6, "{refresh}");

    let res = app
        .get("/api/catalog/entities/by-name/component/default/example-website")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let entity = res.json();
    assert_eq!(entity["kind"], "Component");
    assert_eq!(entity["metadata"]["namespace"], "default");
    assert_eq!(entity["spec"]["owner"], "guests");
    let relations: Vec<(String, String)> = entity["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .map(|r| {
            (
                r["type"].as_str().unwrap_or("?").to_string(),
                r["targetRef"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect();
    for expected in [
        ("ownedBy", "group:default/guests"),
        ("partOf", "system:default/examples"),
        ("providesApi", "api:default/example-grpc-api"),
    ] {
        assert!(
            relations.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} in {relations:?}"
        );
    }
    let uid = entity["metadata"]["uid"].as_str().expect("uid").to_string();

    let by_uid = app
        .get(&format!("/api/catalog/entities/by-uid/{uid}"))
        .await;
    assert_eq!(by_uid.status, 200);
    assert_eq!(by_uid.json()["metadata"]["name"], "example-website");

    let case = app
        .get("/api/catalog/entities/by-name/Component/DEFAULT/Example-Website")
        .await;
    assert_eq!(case.status, 200, "names are case-insensitive");

    let template = app
        .get("/api/catalog/entities/by-name/template/default/example-nodejs-template")
        .await;
    assert_eq!(template.status, 200, "{}", template.text());
    assert_eq!(
        template.json()["apiVersion"],
        "scaffolder.backstage.io/v1beta3"
    );

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
    assert_eq!(again["unchanged"], 6, "{again}");
    assert_eq!(again["added"], 0);
}
