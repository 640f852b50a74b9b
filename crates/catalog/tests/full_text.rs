//! A full-text term on its own, over a catalog where terms match from one to every entity:
//! pages walk forwards and back in ref order with the right total, offset pages and counts
//! agree, quotes in a term are plain text (SQLite matches an FTS5 phrase, see
//! `store/text.rs`), and terms too short for a trigram match as substrings (found by their
//! characters and character pairs), also non-ASCII ones, matching few entities or most of them.
//! Also after entities change, so SQLite's indexes follow their rows, and after migrating text
//! rows stored before short terms had an index. On SQLite and PostgreSQL.

mod common;

use trellis_catalog::store::{
    count, delete_entity_by_uid, query_entities, query_entities_from, Cursor,
};
use trellis_catalog::LocationSpec;
use trellis_shared::catalog::query::{EntityQuery, FullText};
use trellis_store::{with_pool, Db, DbOptions};
use trellis_test_kit::{on_both, TestBackend};

on_both!(
    terms_page_in_ref_order_whatever_they_match,
    long_texts_are_stored_and_searched
);

/// Entities in the catalog.
const N: usize = 2_000;

/// The title of component `i`: every third a ledger, a few quoting, a few in German, the rest
/// search.
fn title(i: usize) -> String {
    match i {
        i if i % 100 == 7 => format!("Say \"Hi\" {i}"),
        i if i % 100 == 11 => format!("Über Größe {i}"),
        i if i % 3 == 0 => format!("Payments Ledger {i}"),
        i => format!("Search Svc {i}"),
    }
}

fn catalog(titles: impl Fn(usize) -> String) -> String {
    (0..N)
        .map(|i| {
            format!(
                "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-{i:04}\n  title: '{}'\nspec: {{type: service, lifecycle: production, owner: team-a}}\n",
                titles(i)
            )
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

fn term(term: &str) -> EntityQuery {
    EntityQuery {
        full_text: Some(FullText {
            term: term.into(),
            fields: vec![],
        }),
        ..EntityQuery::default()
    }
}

fn refs(page: &trellis_catalog::store::QueryPage) -> Vec<String> {
    page.entities
        .iter()
        .map(|e| e.entity_ref().canonical())
        .collect()
}

/// Walks every page of `query` forwards, then back from the last, checking totals.
async fn walk(db: &Db, query: &EntityQuery, expected: &[String]) {
    let mut page = query_entities(db, query, 97, None).await.expect("first");
    assert_eq!(page.total as usize, expected.len(), "total of {query:?}");
    let mut walked = refs(&page);
    while let Some(next) = page.next.clone() {
        let cursor = Cursor::decode(&next.encode()).expect("round trip");
        page = query_entities(db, query, 97, Some(&cursor))
            .await
            .expect("next");
        assert_eq!(page.total as usize, expected.len());
        walked.extend(refs(&page));
    }
    assert_eq!(walked, expected, "forward walk of {query:?}");
    let last = refs(&page).len();
    let mut back = Vec::new();
    while let Some(prev) = page.prev.clone() {
        page = query_entities(db, query, 97, Some(&prev))
            .await
            .expect("prev");
        back.push(refs(&page));
    }
    back.reverse();
    let back: Vec<String> = back.into_iter().flatten().collect();
    assert_eq!(
        back.len() + last,
        expected.len(),
        "backward walk of {query:?}"
    );
    assert_eq!(back, expected[..back.len()], "backward walk of {query:?}");
    assert_eq!(
        count(db, query).await.expect("count") as usize,
        expected.len()
    );
    if expected.len() > 260 {
        let offset = query_entities_from(db, query, 10, 250, None)
            .await
            .expect("offset page");
        assert_eq!(
            refs(&offset),
            expected[250..260],
            "offset page of {query:?}"
        );
    }
}

/// The refs whose name or title holds `term`, in ref order, computed here.
fn expected(titles: &impl Fn(usize) -> String, term: &str) -> Vec<String> {
    (0..N)
        .filter(|i| {
            format!("svc-{i:04}").contains(term) || titles(*i).to_lowercase().contains(term)
        })
        .map(|i| format!("component:default/svc-{i:04}"))
        .collect()
}

async fn terms_page_in_ref_order_whatever_they_match(backend: TestBackend) {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("catalog-info.yaml");
    std::fs::write(&file, catalog(title)).expect("write");
    let spec = LocationSpec::file(file.display().to_string());
    let (guard, db, read) = common::stored(backend, &spec).await;
    assert_eq!(read.entities.len(), N, "{:?}", read.issues);

    // From every entity to one, and a quoted phrase.
    for (t, at_least) in [
        ("svc", N),
        ("search svc", 1_000),
        ("ledger", 450),
        ("ledger 1", 100),
        ("\"hi\" 1", 5),
        ("svc-0042", 1),
        // One or two characters: no trigram, found by their characters and pairs. A term
        // matching many entities is walked in ref order, a rarer one's matches are sorted.
        ("42", 20),
        ("\"", 20),
        ("sv", N),
        ("s", N),
        ("e", 1_000),
        ("y", 600),
        ("ü", 20),
        ("ße", 20),
        ("q", 0),
    ] {
        let expected = expected(&title, t);
        assert!(expected.len() >= at_least, "{t}: {}", expected.len());
        walk(&db, &term(t), &expected).await;
    }
    assert!(walk_nothing(&db, "no such thing").await);

    // Rewritten entities are found by their new text only.
    let renamed = |i: usize| {
        if i.is_multiple_of(2) {
            format!("Renamed Thing {i}")
        } else {
            title(i)
        }
    };
    std::fs::write(&file, catalog(renamed)).expect("rewrite");
    common::reapply(&db, &spec).await;
    for t in ["renamed", "search svc", "ledger", "ng", "d", "ü"] {
        walk(&db, &term(t), &expected(&renamed, t)).await;
    }

    // An entity deleted by uid leaves the index and the counts.
    let gone = "component:default/svc-0002";
    let page = query_entities(&db, &term("svc-0002"), 1, None)
        .await
        .expect("query");
    let uid = page.entities[0].metadata.uid.clone().expect("uid");
    delete_entity_by_uid(&db, &uid).await.expect("delete");
    let left = |t: &str| -> Vec<String> {
        let mut refs = expected(&renamed, t);
        refs.retain(|r| r != gone);
        refs
    };
    for t in ["ng", "d"] {
        walk(&db, &term(t), &left(t)).await;
    }

    // Rows stored before migration `20261127050000` get their grams from it: undo it, then
    // migrate again through new connections, as a restarted server would.
    let undo: &[&str] = match backend {
        TestBackend::Sqlite => &[
            "DROP TABLE catalog.entity_grams_fts",
            "DROP TABLE catalog.entity_grams",
            "DROP INDEX catalog.entity_text_ref_text",
            "CREATE INDEX catalog.entity_text_ref ON entity_text (entity_ref)",
        ],
        TestBackend::Postgres => &[
            "DROP TABLE catalog.entity_grams",
            "DROP TABLE catalog.gram_counts",
            "DROP FUNCTION catalog.count_grams",
        ],
    };
    for sql in undo
        .iter()
        .chain(&["DELETE FROM _sqlx_migrations WHERE version = 20261127050000"])
    {
        with_pool!(&db, pool => sqlx::query(sql).execute(pool).await.map(|_| ())).expect(sql);
    }
    drop(db);
    let db = Db::connect(&guard.url, &DbOptions::default())
        .await
        .expect("reconnect");
    trellis_catalog::migrate(&db).await.expect("migrate");
    for t in ["ng", "d", "ü", "ße", "\"", "q"] {
        walk(&db, &term(t), &left(t)).await;
    }
}

async fn walk_nothing(db: &Db, t: &str) -> bool {
    let page = query_entities(db, &term(t), 10, None).await.expect("query");
    page.total == 0 && page.entities.is_empty() && page.next.is_none()
}

/// A title of 300,000 varied CJK characters (900 kB) is stored: the pairs of all of them would
/// pass the 1 MiB a PostgreSQL `tsvector` holds, and fail the apply: short terms match in its first 10,000 characters, the
/// part with grams (`store/grams.rs`), longer terms anywhere.
async fn long_texts_are_stored_and_searched(backend: TestBackend) {
    // Drawn by a linear congruential generator: nearly every pair differs.
    let mut x: u64 = 1;
    let title: String = (0..300_000)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            char::from_u32(0x4E00 + ((x >> 33) % 20_000) as u32).expect("a CJK character")
        })
        .collect();
    let chars: Vec<char> = title.chars().collect();
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("catalog-info.yaml");
    let doc = |name: &str, title: &str| {
        format!("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  title: '{title}'\nspec: {{type: service, lifecycle: production, owner: team-a}}\n")
    };
    std::fs::write(
        &file,
        [doc("long", &title), doc("short", "Short")].join("---\n"),
    )
    .expect("write");
    let spec = LocationSpec::file(file.display().to_string());
    let (_guard, db, read) = common::stored(backend, &spec).await;
    assert_eq!(read.entities.len(), 2, "{:?}", read.issues);

    let found = |t: String| {
        let db = &db;
        async move {
            refs(
                &query_entities(db, &term(&t), 10, None)
                    .await
                    .expect("query"),
            )
        }
    };
    let long = vec!["component:default/long".to_string()];
    assert_eq!(found(chars[5..7].iter().collect()).await, long);
    assert_eq!(found(chars[299_990..299_993].iter().collect()).await, long);
    // A pair that first occurs past the part with grams is not found.
    let head: std::collections::HashSet<(char, char)> =
        chars[..10_000].windows(2).map(|w| (w[0], w[1])).collect();
    let late = chars[10_000..]
        .windows(2)
        .find(|w| !head.contains(&(w[0], w[1])))
        .map(|w| w.iter().collect::<String>())
        .expect("a pair only past the first 10,000 characters");
    assert!(found(late.clone()).await.is_empty(), "{late}");
    assert!(title.contains(&late));
}
