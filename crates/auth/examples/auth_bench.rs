//! Permission check benchmark (`scripts/bench.sh auth`): one in-process policy decision for a
//! user in 12 groups against an entity with two owners, under the default rules plus ten
//! configured ones; prints nanoseconds per check for an allowed and a denied case.

use std::hint::black_box;
use std::time::Instant;

use trellis_auth::policy::{Effect, Rule, Who};
use trellis_auth::{Action, Decision, Identity, Policy, Resource, ResourceType};

const ROUNDS: u32 = 2_000_000;

fn main() {
    let mut ownership: Vec<String> = (0..12)
        .map(|i| format!("group:default/team-{i:02}"))
        .collect();
    ownership.push("user:default/jane".into());
    ownership.sort();
    let jane = Identity {
        user_ref: "user:default/jane".into(),
        display_name: "Jane".into(),
        email: None,
        ownership_refs: ownership,
        groups: vec!["group:default/team-07".into()],
        admin: false,
        guest: false,
    };
    let rules: Vec<Rule> = (0..10)
        .map(|i| Rule {
            effect: if i % 2 == 0 {
                Effect::Allow
            } else {
                Effect::Deny
            },
            actions: vec![Action::Exec],
            resources: vec![ResourceType::Workload],
            who: Who::Members(vec![format!("group:default/sre-{i}")]),
        })
        .collect();
    let policy = Policy::new(rules, true);
    let owned = vec![
        "group:default/team-07".to_string(),
        "group:default/x".to_string(),
    ];
    let foreign = vec!["group:default/payments".to_string()];
    for (label, owners, expected) in [
        ("allowed (owner)", &owned, Decision::Allow),
        ("denied (not owner)", &foreign, Decision::Deny),
    ] {
        let resource = Resource {
            kind: ResourceType::CatalogEntity,
            owners,
        };
        assert_eq!(policy.check(&jane, Action::Delete, &resource), expected);
        let started = Instant::now();
        for _ in 0..ROUNDS {
            black_box(policy.check(
                black_box(&jane),
                black_box(Action::Delete),
                black_box(&resource),
            ));
        }
        let ns = started.elapsed().as_nanos() as f64 / f64::from(ROUNDS);
        println!(
            "permission check, {label}: {ns:.0} ns ({:.3} µs)",
            ns / 1000.0
        );
    }
}
