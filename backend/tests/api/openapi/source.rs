//! `router.rs` adds API routes only documented: the API's route functions (everything before
//! the pages) add routes only with `.routes(routes!(...))`, whose path and methods come from the
//! handler's `#[utoipa::path]`, and nothing else in the file routes under `/api`. A plain
//! `.route(...)` with a new path would otherwise be served undocumented, which no request to the
//! documented paths can notice. Also: the comments naming each route's methods and path list
//! exactly the document's operations.

use std::collections::BTreeSet;

use serde_json::Value;

use super::schema::operations;

fn source(file: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn api_routes_are_added_only_documented() {
    let router = source("src/router.rs");
    let (api, rest) = router
        .split_once("fn page_routes()")
        .expect("router.rs has page_routes after the API's functions");
    // Plain axum routers and routes; `OpenApiRouter` is the documented kind.
    let plain_only = api.replace("OpenApiRouter", "");
    for plain in [
        ".route(",
        ".route_service(",
        ".nest_service(",
        "Router::new(",
        "Router::from(",
    ] {
        assert!(
            !plain_only.contains(plain),
            "router.rs's API functions use `{plain}`"
        );
    }
    assert!(api.matches(".routes(routes!(").count() >= 20);
    assert_eq!(
        rest.matches("\"/api").count(),
        1,
        "only `.nest(\"/api\", api().0)` routes under /api outside the API's functions"
    );
    assert!(rest.contains(".nest(\"/api\", api().0)"));
    for file in ["src/plugins.rs", "src/api/mod.rs"] {
        let text = source(file);
        assert!(!text.contains(".route("), "{file} adds a route");
    }
}

#[test]
fn route_comments_list_the_documented_operations() {
    let router = source("src/router.rs");
    let mut commented = BTreeSet::new();
    for line in router.lines().map(str::trim) {
        let Some(comment) = line.strip_prefix("// ") else {
            continue;
        };
        let Some((methods, path)) = comment.rsplit_once(' ') else {
            continue;
        };
        let methods: Vec<&str> = methods.split(", ").collect();
        if !path.starts_with('/')
            || !methods
                .iter()
                .all(|m| m.chars().all(|c| c.is_ascii_uppercase()))
        {
            continue;
        }
        for method in methods {
            assert!(
                commented.insert((method.to_string(), path.to_string())),
                "{method} {path} twice"
            );
        }
    }
    let docs = trellis::openapi::documents().expect("documents");
    let doc: Value = serde_json::from_str(&docs.api).expect("JSON");
    let documented: BTreeSet<(String, String)> = operations(&doc)
        .iter()
        .map(|o| (o.method.clone(), o.path.to_string()))
        .collect();
    assert_eq!(
        commented, documented,
        "router.rs's comments and the document differ"
    );
}
