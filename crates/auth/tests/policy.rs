//! The policy engine's decisions and read conditions, without a database.

use trellis_auth::policy::{Effect, Rule, Who};
use trellis_auth::{Action, Decision, Identity, Policy, ReadScope, Resource, ResourceType};

fn person(user: &str, groups: &[&str], admin: bool) -> Identity {
    let mut ownership: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    ownership.push(user.to_string());
    ownership.sort();
    Identity {
        user_ref: user.into(),
        display_name: user.into(),
        email: None,
        ownership_refs: ownership,
        groups: groups.iter().map(|g| g.to_string()).collect(),
        admin,
        guest: false,
    }
}

#[test]
fn defaults_owners_and_admins_act_everyone_reads() {
    let policy = Policy::new(Vec::new(), true);
    let owners = vec!["group:default/search".to_string()];
    let entity = Resource {
        kind: ResourceType::CatalogEntity,
        owners: &owners,
    };
    // A member of a sub-team of search owns through nesting (its ownership refs carry search).
    let member = person(
        "user:default/ann",
        &["group:default/search", "group:default/search-ranking"],
        false,
    );
    let outsider = person("user:default/bob", &["group:default/payments"], false);
    let admin = person("user:default/root", &["group:default/platform"], true);
    for action in [Action::Delete, Action::Refresh, Action::Update] {
        assert_eq!(policy.check(&member, action, &entity), Decision::Allow);
        assert_eq!(policy.check(&outsider, action, &entity), Decision::Deny);
        assert_eq!(policy.check(&admin, action, &entity), Decision::Allow);
    }
    assert_eq!(
        policy.check(&outsider, Action::Read, &entity),
        Decision::Allow
    );
    let admin_fn = Resource {
        kind: ResourceType::Admin,
        owners: &[],
    };
    assert_eq!(
        policy.check(&member, Action::Sync, &admin_fn),
        Decision::Deny
    );
    assert_eq!(
        policy.check(&admin, Action::Sync, &admin_fn),
        Decision::Allow
    );
    let audit = Resource {
        kind: ResourceType::Audit,
        owners: &[],
    };
    assert_eq!(
        policy.check(&outsider, Action::Read, &audit),
        Decision::Deny
    );
    assert_eq!(
        policy.read_scope(&outsider, ResourceType::CatalogEntity),
        ReadScope::All
    );
    assert_eq!(
        policy.read_scope(&outsider, ResourceType::Audit),
        ReadScope::Nothing
    );
}

#[test]
fn configured_rules_deny_first_and_narrow_reads() {
    let rules: Vec<Rule> = serde_yaml_ng::from_str(
        "- {effect: deny, actions: ['*'], resources: [workload], who: {members: [group:contractors]}}\n\
         - {effect: allow, actions: [sync], resources: [admin], who: {members: [group:default/sre]}}\n",
    )
    .expect("rules parse");
    assert!(Policy::problems(&rules, "permission.rules").is_empty());
    let policy = Policy::new(rules, true);
    let sre = person("user:default/sam", &["group:default/sre"], false);
    let contractor = person("user:default/cat", &["group:default/contractors"], true);
    let admin_fn = Resource {
        kind: ResourceType::Admin,
        owners: &[],
    };
    assert_eq!(policy.check(&sre, Action::Sync, &admin_fn), Decision::Allow);
    assert_eq!(
        policy.check(&sre, Action::Delete, &admin_fn),
        Decision::Deny
    );
    let owners = vec!["user:default/cat".to_string()];
    let workload = Resource {
        kind: ResourceType::Workload,
        owners: &owners,
    };
    // Deny wins even over admin and ownership.
    assert_eq!(
        policy.check(&contractor, Action::Restart, &workload),
        Decision::Deny
    );
    assert_eq!(
        policy.read_scope(&contractor, ResourceType::Workload),
        ReadScope::Nothing
    );

    // A deny for a group's members: nothing for them, whatever they own.
    let interns_out: Vec<Rule> = vec![Rule {
        effect: Effect::Deny,
        actions: vec![Action::Read],
        resources: vec![ResourceType::CatalogEntity],
        who: Who::Members(vec!["group:default/interns".into()]),
    }];
    let policy = Policy::new(interns_out.clone(), true);
    let intern = person("user:default/ivy", &["group:default/interns"], false);
    assert_eq!(
        policy.read_scope(&intern, ResourceType::CatalogEntity),
        ReadScope::Nothing
    );

    // Without "everyone reads", reads become an ownership condition; admins and rules still
    // read everything; a deny still wins.
    let readers: Vec<Rule> = vec![Rule {
        effect: Effect::Allow,
        actions: vec![Action::Read],
        resources: vec![ResourceType::CatalogEntity],
        who: Who::Members(vec!["group:default/auditors".into()]),
    }];
    let policy = Policy::new([readers, interns_out].concat(), false);
    let dev = person("user:default/dee", &["group:default/search"], false);
    assert_eq!(
        policy.read_scope(&dev, ResourceType::CatalogEntity),
        ReadScope::Owned(dev.ownership_refs.clone())
    );
    let auditor = person("user:default/al", &["group:default/auditors"], false);
    assert_eq!(
        policy.read_scope(&auditor, ResourceType::CatalogEntity),
        ReadScope::All
    );
    let admin = person("user:default/root", &[], true);
    assert_eq!(
        policy.read_scope(&admin, ResourceType::CatalogEntity),
        ReadScope::All
    );
    assert_eq!(
        policy.read_scope(&intern, ResourceType::CatalogEntity),
        ReadScope::Nothing
    );
    // The same condition answers batch checks without a resource, for any action.
    assert_eq!(
        policy.scope(&dev, Action::Delete, ResourceType::CatalogEntity),
        ReadScope::Owned(dev.ownership_refs.clone())
    );
    assert_eq!(
        policy.scope(&dev, Action::Read, ResourceType::Audit),
        ReadScope::Nothing
    );

    // A deny for owners: without a resource, nobody gets more than resource by resource.
    let no_self_delete = vec![Rule {
        effect: Effect::Deny,
        actions: vec![Action::Delete],
        resources: vec![ResourceType::CatalogEntity],
        who: Who::Owner,
    }];
    let policy = Policy::new(no_self_delete, true);
    assert_eq!(
        policy.scope(&admin, Action::Delete, ResourceType::CatalogEntity),
        ReadScope::Nothing
    );
    let own = ["user:default/root".to_string()];
    let owned = Resource {
        kind: ResourceType::CatalogEntity,
        owners: &own,
    };
    assert_eq!(policy.check(&admin, Action::Delete, &owned), Decision::Deny);
}

#[test]
fn bad_rules_are_reported_with_their_key() {
    let rules: Vec<Rule> = serde_yaml_ng::from_str(
        "- {effect: allow, actions: [], resources: [admin], who: anyone}\n\
         - {effect: deny, actions: [read], resources: ['*'], who: owner}\n\
         - {effect: allow, actions: [read], resources: [admin], who: {members: ['a:b:c']}}\n\
         - {effect: deny, actions: ['*'], resources: [catalog-entity], who: owner}\n",
    )
    .expect("rules parse");
    let problems = Policy::problems(&rules, "permission.rules");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("permission.rules[0].actions")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("permission.rules[1]")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("permission.rules[3]")),
        "a deny for owners covering reads of one resource type: {problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("permission.rules[2].who.members")),
        "{problems:?}"
    );
    let unknown = serde_yaml_ng::from_str::<Vec<Rule>>(
        "- {effect: allow, actions: [launch], resources: [admin], who: anyone}",
    );
    assert!(unknown.is_err(), "an unknown action does not parse");
}

#[test]
fn a_home_is_read_by_its_person_admins_and_rules_naming_home_only() {
    let ann = ["user:default/ann".to_string()];
    let home = Resource {
        kind: ResourceType::Home,
        owners: &ann,
    };
    let me = person("user:default/ann", &["group:default/search"], false);
    let admin = person("user:default/root", &[], true);
    let support = person("user:default/sue", &["group:default/support"], false);
    let wildcard = Rule {
        effect: Effect::Allow,
        actions: vec![Action::Read],
        resources: vec![ResourceType::All],
        who: Who::Anyone,
    };
    // Everyone reads the catalog, and an old `*` rule: neither reaches someone else's home.
    let policy = Policy::new(vec![wildcard.clone()], true);
    assert_eq!(policy.check(&me, Action::Read, &home), Decision::Allow);
    assert_eq!(policy.check(&admin, Action::Read, &home), Decision::Allow);
    assert_eq!(policy.check(&support, Action::Read, &home), Decision::Deny);
    // A rule naming `home` does.
    let named = Rule {
        resources: vec![ResourceType::Home],
        who: Who::Members(vec!["group:default/support".into()]),
        ..wildcard.clone()
    };
    let policy = Policy::new(vec![named], true);
    assert_eq!(policy.check(&support, Action::Read, &home), Decision::Allow);
    // A `*` deny still covers it.
    let deny = Rule {
        effect: Effect::Deny,
        who: Who::Admin,
        ..wildcard
    };
    let policy = Policy::new(vec![deny], true);
    assert_eq!(policy.check(&admin, Action::Read, &home), Decision::Deny);
}
