//! Queries over the demo catalog (`demo/catalog`, 329 entities of every kind) on SQLite and
//! PostgreSQL: filters, order, full
//! text, cursors both ways and facets agree with the same questions answered directly over the
//! entities that were read.

mod common;

use std::collections::BTreeSet;

use trellis_catalog::store::{facets, query_entities, query_entities_from, Cursor};
use trellis_catalog::{CatalogRead, LocationSpec};
use trellis_shared::catalog::query::{EntityQuery, Filter, FullText, OrderField};
use trellis_shared::catalog::Entity;
use trellis_store::{with_pool, Db};
use trellis_test_kit::{on_both, TestBackend, TestDatabase};

on_both!(
    filters_match_the_entities,
    pages_walk_both_ways,
    facets_count_entities
);

async fn fixture_db(backend: TestBackend) -> (TestDatabase, Db, CatalogRead) {
    let dir = trellis_test_kit::fixtures::demo_catalog().join("all.yaml");
    let spec = LocationSpec::file(dir.display().to_string());
    let (test_db, db, read) = common::stored(backend, &spec).await;
    (test_db, db, read)
}

fn refs_where(read: &CatalogRead, pred: impl Fn(&Entity) -> bool) -> BTreeSet<String> {
    read.entities
        .iter()
        .filter(|e| pred(&e.entity))
        .map(|e| e.entity.entity_ref().canonical())
        .collect()
}

async fn all_refs(db: &Db, query: &EntityQuery) -> (BTreeSet<String>, u64) {
    let page = query_entities(db, query, 10_000, None)
        .await
        .expect("query");
    let refs = page
        .entities
        .iter()
        .map(|e| e.entity_ref().canonical())
        .collect();
    (refs, page.total)
}

/// Whether `term` (lower case) is in `e`'s name, title or display name, the fields a full-text
/// query searches by default.
fn in_default_fields(e: &Entity, term: &str) -> bool {
    let display = e
        .spec
        .as_ref()
        .and_then(|s| s.get("profile"))
        .and_then(|p| p.get("displayName"))
        .and_then(|d| d.as_str());
    [
        Some(e.metadata.name.as_str()),
        e.metadata.title.as_deref(),
        display,
    ]
    .into_iter()
    .flatten()
    .any(|v| v.to_lowercase().contains(term))
}

fn filter(params: &[&str]) -> EntityQuery {
    EntityQuery {
        filter: Filter::parse(params).expect("filter"),
        ..EntityQuery::default()
    }
}

async fn filters_match_the_entities(backend: TestBackend) {
    let (_guard, db, read) = fixture_db(backend).await;
    type Case = (Vec<&'static str>, Box<dyn Fn(&Entity) -> bool>);
    let cases: Vec<Case> = vec![
        (vec!["kind=component"], Box::new(|e| e.kind == "Component")),
        (
            vec!["kind=Component,spec.type=website"],
            Box::new(|e| e.kind == "Component" && e.spec_str("type") == Some("website")),
        ),
        (
            vec!["kind=api", "kind=system"],
            Box::new(|e| e.kind == "API" || e.kind == "System"),
        ),
        (
            vec!["kind=resource,kind=domain"],
            Box::new(|e| e.kind == "Resource" || e.kind == "Domain"),
        ),
        (
            vec!["spec.lifecycle=experimental"],
            Box::new(|e| e.spec_str("lifecycle") == Some("experimental")),
        ),
        (
            vec!["metadata.tags=java"],
            Box::new(|e| e.metadata.tags.iter().any(|t| t == "java")),
        ),
        (
            vec!["metadata.tags.java"],
            Box::new(|e| e.metadata.tags.iter().any(|t| t == "java")),
        ),
        (
            vec!["spec.system"],
            Box::new(|e| e.spec_str("system").is_some()),
        ),
        (
            vec!["relations.ownedBy=group:default/team-ads"],
            Box::new(|e| {
                e.kind != "Group"
                    && e.spec_str("owner")
                        .is_some_and(|o| o.trim_start_matches("group:") == "team-ads")
            }),
        ),
        (
            vec!["kind=component,metadata.name=does-not-exist"],
            Box::new(|_| false),
        ),
    ];
    for (params, pred) in cases {
        let expected = refs_where(&read, pred);
        assert!(
            !expected.is_empty() || params[0].contains("does-not-exist"),
            "case {params:?} tests nothing"
        );
        let (got, total) = all_refs(&db, &filter(&params)).await;
        assert_eq!(got, expected, "filter {params:?}");
        assert_eq!(total as usize, expected.len(), "totalItems of {params:?}");
    }
    assert!(!refs_where(&read, |e| e.kind == "Component").is_empty());

    let text = EntityQuery {
        full_text: Some(FullText {
            term: "FEATURE".to_lowercase(),
            fields: vec![],
        }),
        ..EntityQuery::default()
    };
    let expected = refs_where(&read, |e| in_default_fields(e, "feature"));
    assert!(!expected.is_empty());
    assert_eq!(
        all_refs(&db, &text).await,
        (expected.clone(), expected.len() as u64)
    );
    // A full-text first page counts its matches in the same statement: the total of a short
    // page is still every match, and a page past the end or a term nothing has counts right.
    let first = query_entities(&db, &text, 1, None)
        .await
        .expect("page of 1");
    assert_eq!(
        (first.entities.len(), first.total),
        (1, expected.len() as u64)
    );
    let past = query_entities_from(&db, &text, 5, expected.len() + 3, None)
        .await
        .expect("past the end");
    assert_eq!(
        (past.entities.len(), past.total),
        (0, expected.len() as u64)
    );
    let none = EntityQuery {
        full_text: Some(FullText {
            term: "no-such-text-anywhere".into(),
            fields: vec![],
        }),
        ..EntityQuery::default()
    };
    assert_eq!(all_refs(&db, &none).await, (BTreeSet::new(), 0));
    // Terms shorter than a trigram take the scan over the search rows; same answer.
    for term in ["fe", "feature", "ADS"] {
        let term = term.to_lowercase();
        let query = EntityQuery {
            full_text: Some(FullText {
                term: term.clone(),
                fields: vec![],
            }),
            ..EntityQuery::default()
        };
        let expected = refs_where(&read, |e| in_default_fields(e, &term));
        assert!(!expected.is_empty(), "{term}");
        let total = expected.len() as u64;
        assert_eq!(
            all_refs(&db, &query).await,
            (expected, total),
            "full text {term}"
        );
    }
    let literal = EntityQuery {
        full_text: Some(FullText {
            term: "%".into(),
            fields: vec!["metadata.name".into()],
        }),
        ..EntityQuery::default()
    };
    assert!(
        all_refs(&db, &literal).await.0.is_empty(),
        "% is matched literally"
    );
}

async fn pages_walk_both_ways(backend: TestBackend) {
    let (_guard, db, read) = fixture_db(backend).await;
    for order in [
        vec![],
        vec!["metadata.name,desc"],
        vec!["spec.type,asc", "metadata.name"],
    ] {
        let query = EntityQuery {
            filter: Filter::default(),
            order: order
                .iter()
                .map(|o| OrderField::parse(o).expect("order"))
                .collect(),
            full_text: None,
            predicate: None,
            scope: None,
        };
        let whole: Vec<String> = query_entities(&db, &query, 10_000, None)
            .await
            .expect("all")
            .entities
            .iter()
            .map(|e| e.entity_ref().canonical())
            .collect();
        assert_eq!(whole.len(), read.entities.len());
        let mut walked = Vec::new();
        let mut page = query_entities(&db, &query, 7, None).await.expect("first");
        assert!(page.prev.is_none(), "the first page has no previous page");
        let mut pages = vec![page.entities.len()];
        walked.extend(page.entities.iter().map(|e| e.entity_ref().canonical()));
        while let Some(next) = page.next.clone() {
            let cursor = Cursor::decode(&next.encode()).expect("round trip");
            page = query_entities(&db, &query, 7, Some(&cursor))
                .await
                .expect("next");
            assert_eq!(page.total as usize, whole.len());
            pages.push(page.entities.len());
            walked.extend(page.entities.iter().map(|e| e.entity_ref().canonical()));
        }
        assert_eq!(walked, whole, "forward walk in {order:?}");
        let mut back: Vec<Vec<String>> = Vec::new();
        while let Some(prev) = page.prev.clone() {
            page = query_entities(&db, &query, 7, Some(&prev))
                .await
                .expect("prev");
            back.push(
                page.entities
                    .iter()
                    .map(|e| e.entity_ref().canonical())
                    .collect(),
            );
        }
        back.reverse();
        let back: Vec<String> = back.into_iter().flatten().collect();
        assert_eq!(
            back,
            whole[..back.len()].to_vec(),
            "backward walk in {order:?}"
        );
        assert_eq!(back.len() + pages.last().copied().unwrap_or(0), whole.len());
    }
    if let [first, .., last] = query_entities(
        &db,
        &EntityQuery {
            order: vec![OrderField::parse("metadata.name,desc").expect("o")],
            ..Default::default()
        },
        10_000,
        None,
    )
    .await
    .expect("desc")
    .entities
    .as_slice()
    {
        assert!(first.metadata.name.to_lowercase() >= last.metadata.name.to_lowercase());
    }
    let bad = Cursor::decode("not-a-cursor");
    assert!(bad.is_err_and(|e| e.to_string().contains("cursor")));

    // A term and nothing else is answered from the full-text rows alone: its pages walk the
    // same way, in ref order, with the same total, and the count agrees.
    let text = EntityQuery {
        full_text: Some(FullText {
            term: "ser".into(),
            fields: vec![],
        }),
        ..EntityQuery::default()
    };
    let (expected, total) = all_refs(&db, &text).await;
    let matching = refs_where(&read, |e| in_default_fields(e, "ser"));
    assert!(matching.len() > 6, "{matching:?}");
    assert_eq!(
        (expected.clone(), total),
        (matching.clone(), matching.len() as u64)
    );
    assert_eq!(
        trellis_catalog::store::count(&db, &text)
            .await
            .expect("count"),
        total
    );
    let mut page = query_entities(&db, &text, 3, None).await.expect("first");
    let mut walked: Vec<String> = page
        .entities
        .iter()
        .map(|e| e.entity_ref().canonical())
        .collect();
    while let Some(next) = page.next.clone() {
        page = query_entities(&db, &text, 3, Some(&next))
            .await
            .expect("next");
        assert_eq!(page.total, total);
        walked.extend(page.entities.iter().map(|e| e.entity_ref().canonical()));
    }
    let back = query_entities(&db, &text, 3, page.prev.as_ref())
        .await
        .expect("prev");
    assert_eq!(back.entities.len(), 3);
    let mut sorted = walked.clone();
    sorted.sort();
    assert_eq!(walked, sorted, "ref order");
    assert_eq!(walked.into_iter().collect::<BTreeSet<_>>(), matching);
    assert_eq!(
        query_entities_from(&db, &text, 2, 2, None)
            .await
            .expect("offset")
            .total,
        total,
        "a page past the first counts too"
    );
}

async fn facets_count_entities(backend: TestBackend) {
    let (_guard, db, read) = fixture_db(backend).await;
    let got = facets(
        &db,
        &["kind".into(), "spec.lifecycle".into()],
        &EntityQuery::default(),
    )
    .await
    .expect("facets");
    let components = read
        .entities
        .iter()
        .filter(|e| e.entity.kind == "Component")
        .count() as u64;
    let kind = &got["kind"];
    assert!(
        kind.iter()
            .any(|f| f.value == "Component" && f.count == components),
        "{kind:?}"
    );
    let total: u64 = kind.iter().map(|f| f.count).sum();
    assert_eq!(total as usize, read.entities.len());
    let filtered = facets(&db, &["spec.type".into()], &filter(&["kind=component"]))
        .await
        .expect("facets");
    let websites = read
        .entities
        .iter()
        .filter(|e| e.entity.kind == "Component" && e.entity.spec_str("type") == Some("website"))
        .count();
    assert!(filtered["spec.type"]
        .iter()
        .any(|f| f.value == "website" && f.count as usize == websites));
    // A row stored before spellings equal to the value were left out still carries its own:
    // it counts under the same facet value, not as a second one.
    let old_form = "UPDATE catalog.search SET original_value = value WHERE key = 'spec.type' \
         AND value = 'website' AND original_value IS NULL \
         AND entity_ref = (SELECT MIN(entity_ref) FROM catalog.search \
         WHERE key = 'spec.type' AND value = 'website')";
    let changed = with_pool!(&db, pool => sqlx::query(old_form)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .expect("old-form row");
    assert_eq!(changed, 1);
    let merged = facets(&db, &["spec.type".into()], &filter(&["kind=component"]))
        .await
        .expect("facets");
    let websites_now: Vec<_> = merged["spec.type"]
        .iter()
        .filter(|f| f.value == "website")
        .collect();
    assert!(
        websites_now.len() == 1 && websites_now[0].count as usize == websites,
        "{merged:?}"
    );
    let owners = facets(
        &db,
        &["relations.ownedBy".into()],
        &filter(&["kind=component"]),
    )
    .await
    .expect("facets");
    let owned_by_a = read
        .entities
        .iter()
        .filter(|e| {
            e.entity.kind == "Component"
                && e.entity
                    .spec_str("owner")
                    .is_some_and(|o| o.ends_with("team-ads"))
        })
        .count();
    assert!(owners["relations.ownedBy"]
        .iter()
        .any(|f| f.value == "group:default/team-ads" && f.count as usize == owned_by_a));
}
