//! The catalog API's query, batch, facet, location and validation endpoints over the demo
//! catalog, on SQLite and PostgreSQL, including the errors bad input gets.

use serde_json::{json, Value};
use trellis_catalog::LocationSpec;
use trellis_test_kit::{on_both, TestBackend};

use crate::catalog::demo_catalog as examples;
use crate::common::TestApp;

on_both!(
    queries_pages_and_facets,
    batches_deletes_and_validates,
    locations_register_and_unregister
);

async fn app_with_examples(backend: TestBackend) -> TestApp {
    let dir = examples();
    let app = TestApp::with_config(backend, |c| {
        c.catalog.locations = vec![LocationSpec::file(format!("{dir}/all.yaml"))];
    })
    .await;
    app.refresh().await;
    app
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap_or("?").to_string())
        .collect()
}

async fn queries_pages_and_facets(backend: TestBackend) {
    let app = app_with_examples(backend).await;
    let res = app
        .get("/api/catalog/entities/by-query?filter=kind=component,spec.type=website&orderField=metadata.name,asc&fields=metadata.name,kind")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    let got = names(&body);
    assert!(!got.is_empty());
    let mut sorted = got.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(got, sorted);
    assert_eq!(body["totalItems"], got.len());
    assert_eq!(
        body["items"][0].as_object().expect("obj").len(),
        2,
        "fields projects: {}",
        body["items"][0]
    );

    // Paging through everything with cursors visits each entity once.
    let mut seen = Vec::new();
    let mut url = "/api/catalog/entities/by-query?limit=10".to_string();
    let total = loop {
        let page = app.get(&url).await.json();
        seen.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| format!("{}:{}", i["kind"], i["metadata"]["name"])),
        );
        match page["pageInfo"]["nextCursor"].as_str() {
            Some(c) => url = format!("/api/catalog/entities/by-query?limit=10&cursor={c}"),
            None => break page["totalItems"].as_u64().expect("total"),
        }
    };
    assert_eq!(seen.len() as u64, total);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());

    let text = app.get("/api/catalog/entities/by-query?fullTextFilterTerm=FEATURE&fullTextFilterFields=metadata.name").await.json();
    assert!(
        names(&text)
            .iter()
            .all(|n| n.to_lowercase().contains("feature"))
            && !names(&text).is_empty()
    );

    let owned = app
        .get("/api/catalog/entities/by-query?filter=relations.ownedBy=group:default/team-ads")
        .await
        .json();
    assert!(owned["totalItems"].as_u64().expect("n") > 0);

    let facets = app
        .get("/api/catalog/entity-facets?facet=kind&facet=spec.lifecycle&filter=kind=component")
        .await;
    assert_eq!(facets.status, 200);
    let f = facets.json();
    assert_eq!(f["facets"]["kind"].as_array().expect("kind").len(), 1);
    assert_eq!(f["facets"]["kind"][0]["value"], "Component");

    let list = app
        .get("/api/catalog/entities?filter=kind=system&limit=2&offset=1")
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.json().as_array().expect("array").len(), 2);

    for (url, names_param) in [
        ("/api/catalog/entities/by-query?limit=abc", "limit"),
        ("/api/catalog/entities/by-query?limit=-1", "limit"),
        ("/api/catalog/entities/by-query?cursor=garbage", "cursor"),
        (
            "/api/catalog/entities/by-query?orderField=metadata.name,sideways",
            "orderField",
        ),
        ("/api/catalog/entities/by-query?filter==x", "filter"),
        (
            "/api/catalog/entities/by-query?fields=spec.items[0]",
            "fields",
        ),
        ("/api/catalog/entities/by-query?colour=red", "colour"),
        ("/api/catalog/entity-facets", "facet"),
        ("/api/catalog/entities?limit=0", "limit"),
    ] {
        let res = app.get(url).await;
        assert_eq!(res.status, 400, "{url}: {}", res.text());
        let message = res.json()["error"]["message"]
            .as_str()
            .expect("message")
            .to_string();
        assert!(
            message.contains(names_param),
            "{url}: message {message:?} names {names_param}"
        );
        assert_eq!(res.json()["error"]["name"], "InputError");
    }
}

async fn batches_deletes_and_validates(backend: TestBackend) {
    let app = app_with_examples(backend).await;
    let res = app
        .post_json(
            "/api/catalog/entities/by-refs",
            &json!({ "entityRefs": ["component:default/ads-serving", "component:default/nope", "API:Default/Ads-Serving-Api"], "fields": ["metadata.name"] }),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let items = res.json()["items"].clone();
    assert_eq!(items[0], json!({ "metadata": { "name": "ads-serving" } }));
    assert_eq!(items[1], Value::Null);
    assert_eq!(items[2]["metadata"]["name"], "ads-serving-api");
    let filtered = app
        .post_json(
            "/api/catalog/entities/by-refs?filter=kind=api",
            &json!({ "entityRefs": ["component:default/ads-serving", "api:default/ads-serving-api"] }),
        )
        .await
        .json();
    assert_eq!(filtered["items"][0], Value::Null);
    assert_eq!(filtered["items"][1]["kind"], "API");
    let bad = app
        .post_json("/api/catalog/entities/by-refs", &json!({ "refs": [] }))
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text().contains("refs"), "{}", bad.text());

    let entity = app
        .get("/api/catalog/entities/by-name/component/default/ads-serving")
        .await
        .json();
    let uid = entity["metadata"]["uid"].as_str().expect("uid").to_string();
    assert_eq!(
        app.delete(&format!("/api/catalog/entities/by-uid/{uid}"))
            .await
            .status,
        204
    );
    assert_eq!(
        app.get(&format!("/api/catalog/entities/by-uid/{uid}"))
            .await
            .status,
        404
    );
    assert_eq!(
        app.delete("/api/catalog/entities/by-uid/unknown")
            .await
            .status,
        204
    );
    let back = app.refresh().await;
    assert_eq!(back["added"], 1, "its location still defines it: {back}");

    let valid = json!({ "entity": { "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": { "name": "ok" }, "spec": { "type": "service", "lifecycle": "production", "owner": "team-ads" } },
        "location": "url:https://example.com/catalog-info.yaml" });
    let res = app.post_json("/api/catalog/validate-entity", &valid).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let mut invalid = valid.clone();
    invalid["entity"]["metadata"]["name"] = json!("not ok!");
    invalid["entity"]["spec"]
        .as_object_mut()
        .expect("spec")
        .remove("owner");
    let res = app
        .post_json("/api/catalog/validate-entity", &invalid)
        .await;
    assert_eq!(res.status, 400);
    let text = res.text();
    assert!(
        text.contains("metadata.name") && text.contains("owner"),
        "{text}"
    );

    let spec = app.get("/api/catalog/openapi.json").await;
    assert_eq!(spec.status, 200);
    let doc = spec.json();
    assert!(doc["openapi"].as_str().expect("openapi").starts_with("3."));
    for path in [
        "/entities/by-query",
        "/entities/by-refs",
        "/entity-facets",
        "/locations",
        "/validate-entity",
        "/providers",
        "/providers/ldap-org/{id}/sync",
    ] {
        assert!(doc["paths"].get(path).is_some(), "openapi documents {path}");
    }
}

async fn locations_register_and_unregister(backend: TestBackend) {
    let dir = tempfile::tempdir().expect("dir");
    let examples = examples();
    let app = TestApp::with_config(backend, |c| {
        c.catalog.locations = vec![LocationSpec::file(format!("{examples}/all.yaml"))];
        c.catalog.file_roots = Some(vec![dir.path().to_path_buf()]);
    })
    .await;
    app.refresh().await;
    let listed = app.get("/api/catalog/locations").await.json();
    assert_eq!(
        listed.as_array().expect("list").len(),
        1,
        "the config location: {listed}"
    );
    let config_id = listed[0]["data"]["id"].as_str().expect("id").to_string();
    assert_eq!(
        app.delete(&format!("/api/catalog/locations/{config_id}"))
            .await
            .status,
        409
    );

    let file = dir.path().join("catalog-info.yaml");
    std::fs::write(&file, "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: registered\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n").expect("write");
    let body = json!({ "type": "file", "target": file.display().to_string() });
    let dry = app
        .post_json("/api/catalog/locations?dryRun=true", &body)
        .await;
    assert_eq!(dry.status, 201, "{}", dry.text());
    assert_eq!(dry.json()["exists"], false);
    assert_eq!(dry.json()["entities"][0]["metadata"]["name"], "registered");
    let url = "/api/catalog/entities/by-name/component/default/registered";
    assert_eq!(app.get(url).await.status, 404, "a dry run stores nothing");

    let created = app.post_json("/api/catalog/locations", &body).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let id = created.json()["location"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        created.json()["entities"][0]["metadata"]["name"],
        "registered",
        "answered at once"
    );
    let run = app
        .wait_run(created.json()["runId"].as_i64().expect("runId"))
        .await;
    assert_eq!(run["state"], "success", "applied in the background: {run}");
    assert_eq!(app.get(url).await.status, 200);
    assert_eq!(
        app.get(&format!("/api/catalog/locations/{id}"))
            .await
            .json()["target"],
        body["target"]
    );
    let by_entity = app
        .get("/api/catalog/locations/by-entity/component/default/registered")
        .await;
    assert_eq!(by_entity.json()["id"], id.as_str(), "{}", by_entity.text());
    assert_eq!(
        app.post_json("/api/catalog/locations", &body).await.status,
        409
    );

    let missing = app
        .post_json(
            "/api/catalog/locations",
            &json!({ "type": "file", "target": "/no/such/dir/x.yaml" }),
        )
        .await;
    assert_eq!(missing.status, 400, "{}", missing.text());
    assert!(missing.text().contains("target"));
    let url_type = app
        .post_json(
            "/api/catalog/locations",
            &json!({ "type": "url", "target": "https://x" }),
        )
        .await;
    assert_eq!(url_type.status, 400);

    assert_eq!(
        app.delete(&format!("/api/catalog/locations/{id}"))
            .await
            .status,
        204
    );
    app.eventually(url, 404).await;
    assert_eq!(
        app.delete(&format!("/api/catalog/locations/{id}"))
            .await
            .status,
        404
    );
}
