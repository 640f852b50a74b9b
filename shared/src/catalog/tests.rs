//! Model tests: Backstage's validation rules and relation derivation.

use serde_json::json;

use super::relations::{by_source, emitted_by};
use super::validate::{is_dns_label, is_object_name, validate_entity, Problem};

fn component() -> serde_json::Value {
    json!({
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {
            "name": "petstore",
            "labels": { "tier": "front", "example.com/cost-center": "" },
            "annotations": { "github.com/project-slug": "acme/petstore" },
            "tags": ["rest", "java"],
            "links": [{ "url": "https://example.com", "title": "Home", "type": "website" }],
            "someExtension": { "kept": true }
        },
        "spec": {
            "type": "service",
            "lifecycle": "production",
            "owner": "team-a",
            "system": "store",
            "providesApis": ["petstore"],
            "dependsOn": ["resource:pets-db"]
        },
        "status": { "items": [] }
    })
}

fn pairs(list: &[super::EntityRelation]) -> Vec<(&str, &str)> {
    list.iter()
        .map(|r| (r.relation_type.as_str(), r.target_ref.as_str()))
        .collect()
}

fn fields(problems: &[Problem]) -> Vec<&str> {
    problems.iter().map(|p| p.field.as_str()).collect()
}

#[test]
fn name_rules_match_backstage() {
    for ok in ["a", "petstore", "Pet.Store_v2", "x-y-z", &"a".repeat(63)] {
        assert!(is_object_name(ok), "{ok}");
    }
    for bad in ["", "-a", "a-", "a b", "ä", &"a".repeat(64), "a/b"] {
        assert!(!is_object_name(bad), "{bad}");
    }
    for ok in ["default", "team-a", "a1"] {
        assert!(is_dns_label(ok), "{ok}");
    }
    for bad in ["Default", "a--b", "-a", "a_b", ""] {
        assert!(!is_dns_label(bad), "{bad}");
    }
}

#[test]
fn tags_follow_backstage_tag_rule() {
    let mut v = component();
    assert!(validate_entity(&v).is_ok());
    v["metadata"]["tags"] = json!(["c++", "c#", "lang:rust", "web-ui"]);
    assert!(
        validate_entity(&v).is_ok(),
        "[a-z0-9:+#] groups joined by '-'"
    );
    v["metadata"]["tags"] = json!(["Rest", "a--b", 3, "-x", "x".repeat(64)]);
    let problems = validate_entity(&v).expect_err("bad tags");
    assert_eq!(
        fields(&problems),
        vec![
            "metadata.tags[0]",
            "metadata.tags[1]",
            "metadata.tags[2]",
            "metadata.tags[3]",
            "metadata.tags[4]"
        ]
    );
}

#[test]
fn valid_component_keeps_everything_it_says() {
    let entity = validate_entity(&component()).expect("valid");
    assert_eq!(entity.namespace(), "default");
    assert_eq!(
        entity.entity_ref().canonical(),
        "component:default/petstore"
    );
    assert_eq!(entity.metadata.labels["example.com/cost-center"], "");
    assert_eq!(
        entity.metadata.extra["someExtension"],
        json!({ "kept": true })
    );
    assert_eq!(entity.extra["status"], json!({ "items": [] }));
    let back = serde_json::to_value(&entity).expect("serializes");
    assert_eq!(back["metadata"]["links"][0]["type"], "website");
    assert_eq!(back["metadata"]["someExtension"]["kept"], true);
}

#[test]
fn every_problem_is_reported_with_its_field() {
    let v = json!({
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {
            "name": "bad name!",
            "namespace": "Prod",
            "labels": { "a/b/c": "x", "ok": "not ok!" },
            "annotations": { "n": 5 },
            "links": [{ "title": "no url" }]
        },
        "spec": { "type": "service", "owner": "", "providesApis": "petstore" }
    });
    let problems = validate_entity(&v).expect_err("invalid");
    assert_eq!(
        fields(&problems),
        vec![
            "metadata.name",
            "metadata.namespace",
            "metadata.labels.a/b/c",
            "metadata.labels.ok",
            "metadata.annotations.n",
            "metadata.links[0].url",
            "spec.lifecycle",
            "spec.owner",
            "spec.providesApis",
        ]
    );
    assert!(
        problems[0].message.contains("\"bad name!\""),
        "{}",
        problems[0]
    );
}

#[test]
fn envelope_errors_are_named() {
    assert_eq!(
        fields(&validate_entity(&json!([1])).expect_err("array")),
        vec!["(entity)"]
    );
    let p = validate_entity(&json!({ "kind": "Component", "metadata": {} })).expect_err("missing");
    assert_eq!(fields(&p), vec!["apiVersion", "metadata.name"]);
    let p = validate_entity(
        &json!({ "apiVersion": "a/b/c", "kind": "9x", "metadata": { "name": "n" }, "spec": [] }),
    )
    .expect_err("bad");
    assert_eq!(fields(&p), vec!["apiVersion", "kind", "spec"]);
}

#[test]
fn unknown_kinds_are_accepted_with_envelope_checks() {
    let v = json!({
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "AiResource",
        "metadata": { "name": "frontend-design" },
        "spec": { "type": "skill", "owner": "team-a", "system": "portal", "agents": ["x"] }
    });
    let entity = validate_entity(&v).expect("unknown kind accepted");
    let (relations, problems) = emitted_by(&entity);
    assert!(problems.is_empty());
    let map = by_source(&relations);
    let own = pairs(&map["airesource:default/frontend-design"]);
    assert_eq!(
        own,
        vec![
            ("ownedBy", "group:default/team-a"),
            ("partOf", "system:default/portal")
        ]
    );
    assert_eq!(map["group:default/team-a"][0].relation_type, "ownerOf");
}

#[test]
fn relations_come_out_in_both_directions() {
    let mut v = component();
    v["metadata"]["namespace"] = json!("shop");
    let entity = validate_entity(&v).expect("valid");
    let (relations, problems) = emitted_by(&entity);
    assert!(problems.is_empty());
    let map = by_source(&relations);
    let own = pairs(&map["component:shop/petstore"]);
    assert_eq!(
        own,
        vec![
            ("dependsOn", "resource:shop/pets-db"),
            ("ownedBy", "group:shop/team-a"),
            ("partOf", "system:shop/store"),
            ("providesApi", "api:shop/petstore"),
        ]
    );
    assert_eq!(map["api:shop/petstore"][0].relation_type, "apiProvidedBy");
    assert_eq!(
        map["resource:shop/pets-db"][0].relation_type,
        "dependencyOf"
    );
    assert_eq!(map["group:shop/team-a"][0].target.name, "petstore");
}

#[test]
fn membership_from_both_sides_is_one_relation() {
    let user = validate_entity(&json!({
        "apiVersion": "backstage.io/v1alpha1", "kind": "User",
        "metadata": { "name": "jane" }, "spec": { "memberOf": ["team-a"] }
    }))
    .expect("user");
    let group = validate_entity(&json!({
        "apiVersion": "backstage.io/v1alpha1", "kind": "Group",
        "metadata": { "name": "team-a" }, "spec": { "type": "team", "children": [], "members": ["jane"], "parent": "eng" }
    }))
    .expect("group");
    let all: Vec<_> = [emitted_by(&user).0, emitted_by(&group).0].concat();
    let map = by_source(&all);
    assert_eq!(
        map["user:default/jane"].len(),
        1,
        "memberOf once: {:?}",
        map["user:default/jane"]
    );
    let group_rel = pairs(&map["group:default/team-a"]);
    assert_eq!(
        group_rel,
        vec![
            ("childOf", "group:default/eng"),
            ("hasMember", "user:default/jane")
        ]
    );
    assert_eq!(map["group:default/eng"][0].relation_type, "parentOf");
}

#[test]
fn references_without_a_kind_are_problems_where_backstage_needs_one() {
    let mut v = component();
    v["spec"]["dependsOn"] = json!(["pets-db"]);
    let entity = validate_entity(&v).expect("schema-valid");
    let (_, problems) = emitted_by(&entity);
    assert_eq!(fields(&problems), vec!["spec.dependsOn[0]"]);
    assert!(problems[0].message.contains("no kind"));
}

#[test]
fn group_requires_children_and_user_requires_member_of() {
    let p = validate_entity(&json!({
        "apiVersion": "backstage.io/v1alpha1", "kind": "Group", "metadata": { "name": "g" }, "spec": { "type": "team" }
    }))
    .expect_err("children required");
    assert_eq!(fields(&p), vec!["spec.children"]);
    let p = validate_entity(&json!({ "apiVersion": "backstage.io/v1alpha1", "kind": "User", "metadata": { "name": "u" } }))
        .expect_err("spec required");
    assert_eq!(fields(&p), vec!["spec"]);
    let p = validate_entity(&json!({
        "apiVersion": "backstage.io/v1alpha1", "kind": "Location", "metadata": { "name": "l" }, "spec": { "type": "url" }
    }))
    .expect_err("target required");
    assert_eq!(fields(&p), vec!["spec.targets"]);
}

#[test]
fn relations_in_descriptors_are_ignored() {
    let mut v = component();
    v["relations"] = json!([{ "type": "ownedBy", "targetRef": "group:default/forged" }]);
    assert!(validate_entity(&v).expect("valid").relations.is_empty());
}

#[test]
fn apis_with_remotes_need_no_definition() {
    let api = |spec: serde_json::Value| {
        json!({
            "apiVersion": "backstage.io/v1alpha1", "kind": "API", "metadata": { "name": "mcp" }, "spec": spec
        })
    };
    let remotes = json!([{ "type": "streamable-http", "url": "http://localhost:7007/api/mcp/v1" }]);
    assert!(validate_entity(&api(
        json!({ "type": "mcp-server", "lifecycle": "x", "owner": "t", "remotes": remotes })
    ))
    .is_ok());
    let p = validate_entity(&api(
        json!({ "type": "openapi", "lifecycle": "x", "owner": "t" }),
    ))
    .expect_err("definition");
    assert_eq!(fields(&p), vec!["spec.definition"]);
}
