//! Catalog files and registrations cannot reach the server's other files: attacks through a
//! refresh and through `POST /locations` are refused with errors naming them, their neighbours
//! load, and what was stored before stays, on SQLite and PostgreSQL.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use trellis_catalog::LocationSpec;
use trellis_test_kit::{on_both, TestBackend};

use crate::common::TestApp;

on_both!(
    attacks_in_a_location_are_refused_and_stored_entities_stay,
    registering_special_or_outside_targets_is_a_400_naming_the_key
);

const SECRET: &str = "TOPSECRET-backend-81c3";

fn component(name: &str, description: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  description: {description}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
    )
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(made.success());
}

/// A repository folder and, beside it, a folder with a secret.
fn layout() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("dir");
    let repo = tmp.path().join("repo");
    let outside = tmp.path().join("outside");
    write(&outside.join("secret.txt"), SECRET);
    std::fs::create_dir_all(&repo).expect("mkdir");
    (tmp, repo, outside)
}

async fn description(app: &TestApp, name: &str) -> Option<String> {
    let res = app
        .get(&format!(
            "/api/catalog/entities/by-name/component/default/{name}"
        ))
        .await;
    (res.status == 200).then(|| {
        res.json()["metadata"]["description"]
            .as_str()
            .unwrap_or("")
            .to_string()
    })
}

async fn attacks_in_a_location_are_refused_and_stored_entities_stay(backend: TestBackend) {
    let (_tmp, repo, outside) = layout();
    let main = repo.join("catalog-info.yaml");
    write(
        &main,
        &[
            component("payments", "Takes payments"),
            component("neighbour", "v1"),
        ]
        .join("---\n"),
    );
    let app = TestApp::with_config(backend, |c| {
        c.catalog.locations = vec![LocationSpec::file(repo.display().to_string())];
    })
    .await;
    let first = app.refresh().await;
    assert_eq!(first["added"], 2, "{first}");

    // Someone with commit rights tries every way out of the folder.
    std::os::unix::fs::symlink(outside.join("secret.txt"), repo.join("leak.txt")).expect("symlink");
    std::os::unix::fs::symlink("/dev/zero", repo.join("zero.yaml")).expect("symlink");
    std::os::unix::fs::symlink("..", repo.join("loop")).expect("symlink");
    mkfifo(&repo.join("fifo.yaml"));
    std::fs::File::create(repo.join("big.yaml"))
        .and_then(|f| f.set_len(3 << 30))
        .expect("sparse file");
    write(
        &main,
        &[
            component(
                "payments",
                "{$text: ../../../../../../../../proc/self/environ}",
            ),
            component("neighbour", "v2"),
            component("newcomer", "{$text: ./leak.txt}"),
            component(
                "absolute",
                &format!("{{$text: {}}}", outside.join("secret.txt").display()),
            ),
            component("fresh", "arrived"),
        ]
        .join("---\n"),
    );
    tokio::time::timeout(Duration::from_secs(60), app.refresh())
        .await
        .expect("the refresh never hangs on a FIFO or a device");

    assert_eq!(
        description(&app, "payments").await.as_deref(),
        Some("Takes payments"),
        "the stored version stays"
    );
    assert_eq!(
        description(&app, "neighbour").await.as_deref(),
        Some("v2"),
        "file-mates load"
    );
    assert_eq!(description(&app, "fresh").await.as_deref(), Some("arrived"));
    assert_eq!(
        description(&app, "newcomer").await,
        None,
        "an entity with a refused placeholder is not stored"
    );
    assert_eq!(description(&app, "absolute").await, None);

    let everything = app.get("/api/catalog/entities").await.text();
    assert!(!everything.contains(SECRET));
    for (key, value) in std::env::vars().filter(|(_, v)| v.len() >= 12) {
        assert!(
            !everything.contains(&value),
            "the environment ({key}) reached the catalog"
        );
    }
    let issues = trellis_catalog::store::issues(&app.state.db, None)
        .await
        .expect("issues");
    let about = |entity: &str| {
        issues
            .iter()
            .filter(|i| i.entity_ref.as_deref() == Some(&format!("component:default/{entity}")[..]))
            .map(|i| i.message.clone())
            .collect::<Vec<_>>()
    };
    assert!(
        about("payments")[0].starts_with("metadata.description: $text"),
        "{issues:?}"
    );
    assert!(
        about("payments")[0].contains("leaves the location's folder"),
        "{issues:?}"
    );
    assert!(
        about("newcomer")[0].contains("symlink on the path points outside"),
        "{issues:?}"
    );
    assert!(
        about("absolute")[0].contains("absolute paths are refused"),
        "{issues:?}"
    );
    let all: String = issues.iter().map(|i| format!("{}\n", i.message)).collect();
    assert!(all.contains("over the 1048576-byte limit"), "{all}");
    assert!(all.contains("not a regular file but a FIFO"), "{all}");
    assert!(all.contains("not followed"), "{all}");
    assert!(!all.contains(SECRET), "{all}");
}

async fn registering_special_or_outside_targets_is_a_400_naming_the_key(backend: TestBackend) {
    let (_tmp, repo, outside) = layout();
    write(
        &repo.join("team/catalog-info.yaml"),
        &component("registered", "x"),
    );
    std::os::unix::fs::symlink(outside.join("secret.txt"), repo.join("leak.yaml"))
        .expect("symlink");
    std::os::unix::fs::symlink("/dev/zero", repo.join("zero.yaml")).expect("symlink");
    mkfifo(&repo.join("fifo.yaml"));
    let app = TestApp::with_config(backend, |c| {
        c.catalog.file_roots = Some(vec![repo.clone()]);
    })
    .await;
    let targets = [
        ("/dev/zero".to_string(), "catalog.fileRoots"),
        ("/etc/passwd".to_string(), "catalog.fileRoots"),
        ("/proc/self/environ".to_string(), "catalog.fileRoots"),
        (
            format!("{}/../outside/secret.txt", repo.display()),
            "catalog.fileRoots",
        ),
        (format!("{}/leak.yaml", repo.display()), "catalog.fileRoots"),
        (format!("{}/zero.yaml", repo.display()), "catalog.fileRoots"),
        (
            format!("{}/fifo.yaml", repo.display()),
            "not a regular file or folder",
        ),
    ];
    for (target, reason) in &targets {
        for path in [
            "/api/catalog/locations?dryRun=true",
            "/api/catalog/locations",
        ] {
            let body = json!({ "type": "file", "target": target });
            let res = tokio::time::timeout(Duration::from_secs(5), app.post_json(path, &body))
                .await
                .unwrap_or_else(|_| panic!("{path} {target}: no answer within 5 s"));
            assert_eq!(res.status, 400, "{path} {target}: {}", res.text());
            let message = res.json()["error"]["message"]
                .as_str()
                .unwrap_or("")
                .to_string();
            assert!(message.contains(reason), "{path} {target}: {message}");
            assert!(!message.contains(SECRET));
        }
    }
    let listed = app.get("/api/catalog/locations").await.json();
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(0),
        "nothing registered: {listed}"
    );

    let asked = format!("{}/team/../team/./catalog-info.yaml", repo.display());
    let created = app
        .post_json(
            "/api/catalog/locations",
            &json!({ "type": "file", "target": asked }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let resolved = std::fs::canonicalize(repo.join("team/catalog-info.yaml")).expect("canonical");
    assert_eq!(
        created.json()["location"]["target"],
        resolved.display().to_string(),
        "stored under its resolved path"
    );
    assert_eq!(
        created.json()["entities"][0]["metadata"]["name"],
        "registered"
    );
}
