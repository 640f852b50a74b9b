//! Applies own a scope: a provider's apply and the locations' refresh never remove or overwrite
//! each other's entities or issues, and a streamed read that stops before its end changes
//! nothing, and applies that run at once take turns (each diffs against what the one before it
//! stored). On SQLite and PostgreSQL.

mod common;

use std::collections::BTreeSet;

use chrono::Utc;
use tokio::sync::mpsc;
use trellis_catalog::store::{apply_read, apply_stream, count_entities, get_entity, issues};
use trellis_catalog::store::{ReadMessage, Scope};
use trellis_catalog::{read_locations, CatalogRead, LocationSpec, ReadOptions};
use trellis_store::Db;
use trellis_test_kit::{on_both, TestBackend, TestDatabase};

on_both!(provider_and_locations_keep_to_their_scope);
on_both!(a_read_that_stops_early_changes_nothing);
on_both!(concurrent_applies_never_collide);

const PROVIDER: &str = "provider:test-org";

fn user(name: &str) -> String {
    format!("apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: {name}\nspec:\n  memberOf: []\n")
}

/// Reads `docs` from a file and presents them as coming from `origin`.
fn read_as(dir: &std::path::Path, file: &str, docs: &[String], origin: &str) -> CatalogRead {
    let path = dir.join(file);
    std::fs::write(&path, docs.join("---\n")).expect("write");
    let mut read = read_locations(
        &[LocationSpec::file(path.display().to_string())],
        &ReadOptions::default(),
    );
    for e in &mut read.entities {
        e.origin = origin.to_string();
    }
    read
}

async fn send(read: CatalogRead, complete: bool) -> mpsc::Receiver<ReadMessage> {
    let (tx, rx) = mpsc::channel(2);
    let mut tail = read;
    let entities = std::mem::take(&mut tail.entities);
    tx.send(ReadMessage::Entities(entities))
        .await
        .expect("send");
    if complete {
        tx.send(ReadMessage::Done(tail)).await.expect("send");
    }
    rx
}

/// A migrated database holding the provider's users ada and grace.
async fn with_org(backend: TestBackend) -> (TestDatabase, Db, tempfile::TempDir) {
    let (test_db, db) = common::migrated(backend).await;
    let dir = tempfile::tempdir().expect("dir");
    let org = read_as(
        dir.path(),
        "org.yaml",
        &[user("ada"), user("grace")],
        PROVIDER,
    );
    let provider = Scope::Provider(PROVIDER.into());
    let applied = apply_stream(&db, send(org, true).await, &provider, Utc::now())
        .await
        .expect("provider apply");
    assert_eq!(applied.added, 2);
    (test_db, db, dir)
}

async fn provider_and_locations_keep_to_their_scope(backend: TestBackend) {
    let (_test_db, db, dir) = with_org(backend).await;
    let provider = Scope::Provider(PROVIDER.into());

    // The file refresh neither removes the provider's users nor lets a file redefine one.
    let spec = LocationSpec::file(dir.path().join("catalog.yaml").display().to_string());
    let files = read_as(
        dir.path(),
        "catalog.yaml",
        &[user("grace"), user("linus")],
        &spec.key(),
    );
    let registered: BTreeSet<String> = [spec.key()].into_iter().collect();
    let applied = apply_read(&db, &files, &registered, Utc::now())
        .await
        .expect("files apply");
    assert_eq!((applied.added, applied.removed, applied.errors), (1, 0, 1));
    assert_eq!(count_entities(&db).await.expect("count"), 3);
    let grace = get_entity(&db, "user:default/grace")
        .await
        .expect("get")
        .expect("grace");
    let origin = &grace.metadata.annotations["backstage.io/managed-by-origin-location"];
    assert_ne!(
        origin,
        &spec.key(),
        "the provider's grace is not overwritten"
    );
    let conflict = issues(&db, None).await.expect("issues");
    assert_eq!(conflict.len(), 1, "{conflict:?}");
    assert!(
        conflict[0].message.contains(PROVIDER),
        "{}",
        conflict[0].message
    );

    // The provider's next sync drops ada: only ada goes; the file's issue stays.
    let org = read_as(dir.path(), "org.yaml", &[user("grace")], PROVIDER);
    let applied = apply_stream(&db, send(org, true).await, &provider, Utc::now())
        .await
        .expect("provider apply");
    assert_eq!((applied.removed, applied.unchanged), (1, 1));
    assert!(get_entity(&db, "user:default/ada")
        .await
        .expect("get")
        .is_none());
    assert!(get_entity(&db, "user:default/linus")
        .await
        .expect("get")
        .is_some());
    assert_eq!(issues(&db, None).await.expect("issues").len(), 1);
    assert_eq!(
        common::orphans(&db).await,
        0,
        "ada's derived rows went with her"
    );
}

async fn a_read_that_stops_early_changes_nothing(backend: TestBackend) {
    let (_test_db, db, dir) = with_org(backend).await;
    let provider = Scope::Provider(PROVIDER.into());
    let half = read_as(dir.path(), "org.yaml", &[user("alan")], PROVIDER);
    let error = apply_stream(&db, send(half, false).await, &provider, Utc::now())
        .await
        .expect_err("an unfinished read is refused");
    assert!(
        error.to_string().contains("stopped before its end"),
        "{error}"
    );
    assert_eq!(count_entities(&db).await.expect("count"), 2);
    assert!(get_entity(&db, "user:default/alan")
        .await
        .expect("get")
        .is_none());
}

/// Two applies of the same new entities at once (a refresh-all and an entity's file refresh,
/// say): the second sees what the first stored and adds nothing, instead of inserting the same
/// rows again (a duplicate key, a 500 to whoever asked). Before applies read the stored rows
/// under the writers' lock, PostgreSQL failed this within a few rounds.
async fn concurrent_applies_never_collide(backend: TestBackend) {
    let (_guard, db) = common::migrated(backend).await;
    let dir = tempfile::tempdir().expect("dir");
    for round in 0..8 {
        let docs: Vec<String> = (0..20).map(|i| user(&format!("u{round}-{i}"))).collect();
        let path = dir.path().join("org.yaml");
        std::fs::write(&path, docs.join("---\n")).expect("write");
        let spec = LocationSpec::file(path.display().to_string());
        let read = read_locations(std::slice::from_ref(&spec), &ReadOptions::default());
        let registered: BTreeSet<String> = [spec.key()].into_iter().collect();
        let (a, b) = tokio::join!(
            apply_read(&db, &read, &registered, Utc::now()),
            apply_read(&db, &read, &registered, Utc::now())
        );
        let (a, b) = (a.expect("first apply"), b.expect("second apply"));
        assert_eq!(a.added + b.added, 20, "round {round}: {a:?} {b:?}");
        assert_eq!(a.unchanged + b.unchanged, 20, "round {round}: {a:?} {b:?}");
    }
    assert_eq!(count_entities(&db).await.expect("count"), 20);
}
