//! `Filter::restrict`: a read scope ANDed into any filter can only narrow what it matches.

use trellis_shared::catalog::query::{Condition, Filter};

fn owners(filter: &Filter) -> Vec<Option<Condition>> {
    filter
        .0
        .iter()
        .map(|c| c.0.get("relations.ownedby").cloned())
        .collect()
}

#[test]
fn restricting_an_empty_filter_gives_one_condition() {
    let mut f = Filter::default();
    f.restrict("relations.ownedBy", &["Group:default/A".into()]);
    assert_eq!(f.to_params(), vec!["relations.ownedby=group:default/a"]);
}

#[test]
fn every_alternative_is_restricted_and_existing_values_intersect() {
    let mut f = Filter::parse(&[
        "kind=component",
        "relations.ownedBy=group:default/a,relations.ownedBy=group:default/b",
        "relations.ownedBy",
    ])
    .expect("filter");
    f.restrict(
        "relations.ownedby",
        &["group:default/b".into(), "user:default/me".into()],
    );
    let scope = Condition::AnyOf(vec!["group:default/b".into(), "user:default/me".into()]);
    assert_eq!(
        owners(&f),
        vec![
            Some(scope.clone()),
            Some(Condition::AnyOf(vec!["group:default/b".into()])),
            Some(scope),
        ]
    );
    assert_eq!(
        f.0[0].0.get("kind"),
        Some(&Condition::AnyOf(vec!["component".into()])),
        "other keys stay"
    );
}

#[test]
fn nothing_allowed_matches_nothing() {
    let mut f = Filter::parse(&["relations.ownedBy=group:default/a"]).expect("filter");
    f.restrict("relations.ownedBy", &[]);
    assert_eq!(owners(&f), vec![Some(Condition::AnyOf(vec![]))]);
}
