//! The attacks a catalog file or a registration can make on the server's files and memory, each
//! refused with an error that names it, while the good cases still read.
//!
//! Every read here runs on its own thread with a time limit: a read that hangs (a FIFO, a
//! device) fails the test instead of stalling the suite.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use trellis_catalog::{read_locations, CatalogRead, FileRoots, Level, LocationSpec, ReadOptions};

/// A string that only the files outside the location hold: no issue may ever contain it.
const SECRET: &str = "TOPSECRET-6f1d2c";

fn component(name: &str, description: &str) -> String {
    format!(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n  description: {description}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&path, text).expect("write");
    path
}

fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

fn fifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(made.success());
}

/// A 3 GB file that takes no disk space.
fn sparse(path: &Path) {
    let file = std::fs::File::create(path).expect("create");
    file.set_len(3 << 30).expect("set_len");
}

/// Peak resident memory of this process, in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<u64>().ok())
        .expect("VmHWM")
        * 1024
}

/// Reads on a thread, failing if the read takes longer than 60 s or grows the process's peak
/// memory by more than 200 MB.
fn read_bounded(specs: Vec<LocationSpec>, options: ReadOptions) -> CatalogRead {
    let before = peak_rss();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(read_locations(&specs, &options));
    });
    let read = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the read finished (it must never hang on a FIFO or device)");
    let grown = peak_rss().saturating_sub(before);
    assert!(grown < 200 << 20, "peak memory grew by {grown} bytes");
    read
}

fn names(read: &CatalogRead) -> Vec<String> {
    let mut names: Vec<_> = read
        .entities
        .iter()
        .map(|e| e.entity.metadata.name.clone())
        .collect();
    names.sort();
    names
}

fn errors_of(read: &CatalogRead, entity: &str) -> Vec<String> {
    read.issues
        .iter()
        .filter(|i| i.level == Level::Error)
        .filter(|i| i.entity_ref.as_deref() == Some(&format!("component:default/{entity}")))
        .map(|i| i.message.clone())
        .collect()
}

fn assert_no_leak(read: &CatalogRead) {
    let env: Vec<String> = std::env::vars()
        .map(|(_, v)| v)
        .filter(|v| v.len() >= 12)
        .collect();
    for issue in &read.issues {
        assert!(!issue.message.contains(SECRET), "leaked: {issue:?}");
        assert!(!issue.message.contains("root:x:0:0"), "leaked: {issue:?}");
        for value in &env {
            assert!(
                !issue.message.contains(value.as_str()),
                "leaked the environment: {issue:?}"
            );
        }
    }
}

/// A repository folder with a secret beside it (outside) and an entity per attack.
struct Attack {
    _tmp: tempfile::TempDir,
    repo: PathBuf,
    outside: PathBuf,
}

fn attack() -> Attack {
    let tmp = tempfile::tempdir().expect("dir");
    let repo = tmp.path().join("repo");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&repo).expect("mkdir");
    write(&outside, "secret.txt", SECRET);
    Attack {
        _tmp: tmp,
        repo,
        outside,
    }
}

#[test]
fn placeholders_reach_only_regular_files_inside_the_location_folder() {
    let a = attack();
    write(&a.repo, "notes.txt", "sibling notes");
    write(&a.repo, "docs/readme.md", "# readme in a subfolder");
    write(&a.repo, "api.json", r#"{"openapi": "3.0.0"}"#);
    symlink(a.outside.join("secret.txt"), a.repo.join("leak.txt"));
    symlink("/dev/zero", a.repo.join("zero"));
    fifo(&a.repo.join("pipe"));
    sparse(&a.repo.join("big.txt"));
    let secret = a.outside.join("secret.txt").display().to_string();
    let cases = [
        ("sibling", "./notes.txt"),
        ("subfolder", "docs/readme.md"),
        ("absolute", secret.as_str()),
        ("dotdot", "../outside/secret.txt"),
        ("symlink-out", "./leak.txt"),
        ("environ", "../../../../../../../../../proc/self/environ"),
        ("proc", "/proc/self/environ"),
        ("dev-zero", "/dev/zero"),
        ("zero-link", "./zero"),
        ("fifo", "./pipe"),
        ("huge", "./big.txt"),
        ("missing", "./nothing.txt"),
    ];
    let mut docs: Vec<String> = cases
        .iter()
        .map(|(name, target)| component(name, &format!("{{$text: '{target}'}}")))
        .collect();
    docs.push(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: json-api\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  settings:\n    $json: ./api.json\n"
            .into(),
    );
    let file = write(&a.repo, "catalog-info.yaml", &docs.join("---\n"));
    let read = read_bounded(
        vec![LocationSpec::file(file.display().to_string())],
        ReadOptions::default(),
    );

    assert_eq!(names(&read), vec!["json-api", "sibling", "subfolder"]);
    let description = |name: &str| {
        read.entities
            .iter()
            .find(|e| e.entity.metadata.name == name)
            .and_then(|e| e.entity.metadata.description.clone())
    };
    assert_eq!(description("sibling").as_deref(), Some("sibling notes"));
    assert_eq!(
        description("subfolder").as_deref(),
        Some("# readme in a subfolder")
    );
    let settings = read
        .entities
        .iter()
        .find(|e| e.entity.metadata.name == "json-api")
        .and_then(|e| e.entity.spec.as_ref()?.get("settings").cloned());
    assert_eq!(settings, Some(serde_json::json!({"openapi": "3.0.0"})));
    let reasons = [
        ("absolute", "absolute paths are refused"),
        ("dotdot", "leaves the location's folder"),
        ("symlink-out", "symlink on the path points outside"),
        ("environ", "leaves the location's folder"),
        ("proc", "absolute paths are refused"),
        ("dev-zero", "absolute paths are refused"),
        ("zero-link", "symlink on the path points outside"),
        ("fifo", "not a regular file but a FIFO"),
        ("huge", "over the 1048576-byte limit (catalog.maxFileBytes)"),
        ("missing", "no such file"),
    ];
    for (name, reason) in reasons {
        let errors = errors_of(&read, name);
        assert_eq!(errors.len(), 1, "{name}: {:?}", read.issues);
        assert!(
            errors[0].starts_with("metadata.description: $text "),
            "{name}: {errors:?}"
        );
        assert!(errors[0].contains(reason), "{name}: {errors:?}");
        assert!(errors[0].contains("not stored"), "{name}: {errors:?}");
        assert!(
            read.failed_entities
                .contains(&format!("component:default/{name}")),
            "{name} remembered as failed, so its stored version stays"
        );
    }
    assert_no_leak(&read);
}

#[test]
fn special_huge_and_escaping_descriptor_files_are_refused_in_a_folder_walk() {
    let a = attack();
    write(&a.repo, "ok.yaml", &component("ok", "fine"));
    write(
        &a.repo,
        "sub/deeper.yaml",
        &component("deeper", "also fine"),
    );
    sparse(&a.repo.join("big.yaml"));
    fifo(&a.repo.join("fifo.yaml"));
    symlink("/dev/zero", a.repo.join("zero.yaml"));
    symlink("/etc/passwd", a.repo.join("passwd.yaml"));
    symlink(&a.outside, a.repo.join("outside-dir"));
    // Loops: a folder linking to itself and to its parent.
    symlink(".", a.repo.join("sub/self"));
    symlink("..", a.repo.join("sub/up"));
    let read = read_bounded(
        vec![LocationSpec::file(a.repo.display().to_string())],
        ReadOptions::default(),
    );
    assert_eq!(
        names(&read),
        vec!["deeper", "ok"],
        "each file once despite the loops"
    );
    let message = |file: &str| {
        read.issues
            .iter()
            .filter(|i| i.file.ends_with(file) || i.message.contains(file))
            .map(|i| i.message.clone())
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(
        message("big.yaml").contains("over the 1048576-byte limit"),
        "{:?}",
        read.issues
    );
    assert!(
        message("fifo.yaml").contains("not a regular file but a FIFO"),
        "{:?}",
        read.issues
    );
    assert!(
        message("zero.yaml").contains("not followed"),
        "{:?}",
        read.issues
    );
    assert!(
        message("passwd.yaml").contains("not followed"),
        "{:?}",
        read.issues
    );
    assert!(
        message("outside-dir").contains("not followed"),
        "{:?}",
        read.issues
    );
    let big = a.repo.join("big.yaml").display().to_string();
    assert!(
        read.unreadable_files.contains(&big),
        "entities stored from it are kept"
    );
    assert_no_leak(&read);
}

#[test]
fn a_folder_with_100000_files_is_refused_without_listing_it_all() {
    let a = attack();
    let crowd = a.repo.join("crowd");
    std::fs::create_dir_all(&crowd).expect("mkdir");
    for i in 0..100_000 {
        std::fs::File::create(crowd.join(format!("f{i}.yaml"))).expect("create");
    }
    let target = a.repo.display().to_string();
    let read = read_bounded(vec![LocationSpec::file(&target)], ReadOptions::default());
    assert!(read.entities.is_empty());
    assert_eq!(read.issues.len(), 1, "{:?}", read.issues);
    assert!(
        read.issues[0]
            .message
            .contains("more than 50000 files and folders below"),
        "{:?}",
        read.issues
    );
    assert!(read.issues[0]
        .message
        .contains("catalog.maxLocationEntries"));
    assert!(read.incomplete_origins.contains(&format!("file:{target}")));
}

#[test]
fn deep_folders_and_the_byte_budget_are_bounded() {
    let a = attack();
    let mut deep = a.repo.join("deep");
    for i in 0..20 {
        deep = deep.join(format!("d{i}"));
    }
    write(&deep, "x.yaml", &component("deep", "too deep"));
    let read = read_bounded(
        vec![LocationSpec::file(a.repo.display().to_string())],
        ReadOptions::default(),
    );
    assert!(
        read.issues[0].message.contains("catalog.maxLocationDepth"),
        "{:?}",
        read.issues
    );

    let b = attack();
    let padding = "#".repeat(3000);
    for i in 0..5 {
        write(
            &b.repo,
            &format!("c{i}.yaml"),
            &format!("{}# {padding}\n", component(&format!("c{i}"), "x")),
        );
    }
    let options = ReadOptions {
        max_location_bytes: 10_000,
        ..ReadOptions::default()
    };
    let read = read_bounded(
        vec![LocationSpec::file(b.repo.display().to_string())],
        options,
    );
    assert_eq!(names(&read), vec!["c0", "c1", "c2"]);
    let budget: Vec<_> = read
        .issues
        .iter()
        .filter(|i| {
            i.message
                .contains("budget of 10000 bytes (catalog.maxLocationBytes)")
        })
        .collect();
    assert_eq!(budget.len(), 2, "{:?}", read.issues);
}

#[test]
fn nested_locations_stay_inside_the_folder_and_may_use_its_whole_tree() {
    let a = attack();
    write(&a.repo, "README.md", "the repository's readme");
    write(
        &a.repo,
        "services/web/catalog-info.yaml",
        &component("web", "{$text: ../../README.md}"),
    );
    write(&a.outside, "evil.yaml", &component("evil", "outside"));
    let location = "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\nspec:\n  targets:\n    - ./services/*/catalog-info.yaml\n    - ../outside/evil.yaml\n    - /etc/passwd\n";
    let all = write(&a.repo, "all.yaml", location);
    let target = all.display().to_string();
    let read = read_bounded(vec![LocationSpec::file(&target)], ReadOptions::default());
    assert_eq!(names(&read), vec!["all", "web"]);
    let web = read
        .entities
        .iter()
        .find(|e| e.entity.metadata.name == "web")
        .expect("web");
    assert_eq!(
        web.entity.metadata.description.as_deref(),
        Some("the repository's readme"),
        "`..` that stays inside the registered folder is allowed"
    );
    let refused: Vec<_> = read
        .issues
        .iter()
        .filter(|i| i.entity_ref.as_deref() == Some("location:default/all"))
        .map(|i| i.message.clone())
        .collect();
    assert_eq!(refused.len(), 2, "{:?}", read.issues);
    assert!(
        refused[0].contains("`../outside/evil.yaml` refused: the path leaves"),
        "{refused:?}"
    );
    assert!(
        refused[1].contains("`/etc/passwd` refused: absolute paths are refused"),
        "{refused:?}"
    );
    assert!(
        read.incomplete_origins.contains(&format!("file:{target}")),
        "what a refused target defines is unknown, so nothing stored is dropped"
    );
}

#[test]
fn a_cancelled_read_ends_at_once_and_drops_nothing() {
    let a = attack();
    for i in 0..50 {
        write(
            &a.repo,
            &format!("c{i}.yaml"),
            &component(&format!("c{i}"), "x"),
        );
    }
    let options = ReadOptions::default();
    options.stop.cancel();
    let target = a.repo.display().to_string();
    let read = read_bounded(vec![LocationSpec::file(&target)], options);
    assert!(read.entities.is_empty());
    assert!(
        read.issues[0].message.contains("cancelled"),
        "{:?}",
        read.issues
    );
    assert!(read.incomplete_origins.contains(&format!("file:{target}")));
}

#[test]
fn registrations_must_be_regular_files_or_folders_inside_the_roots() {
    let a = attack();
    let good = write(&a.repo, "catalog-info.yaml", &component("ok", "x"));
    std::fs::create_dir_all(a.repo.join("team")).expect("mkdir");
    symlink(a.outside.join("secret.txt"), a.repo.join("leak.yaml"));
    fifo(&a.repo.join("fifo.yaml"));
    let roots = FileRoots::configured(std::slice::from_ref(&a.repo)).expect("roots");
    let repo = std::fs::canonicalize(&a.repo).expect("canonical");

    let resolved = roots
        .check(&format!("{}/team/../catalog-info.yaml", a.repo.display()))
        .expect("a file inside");
    assert_eq!(
        resolved,
        std::fs::canonicalize(&good)
            .expect("c")
            .display()
            .to_string()
    );
    assert_eq!(
        roots.check(&format!("{}/team", a.repo.display())),
        Ok(repo.join("team").display().to_string())
    );
    assert_eq!(
        roots.check(&format!("{}/team/../*.yaml", a.repo.display())),
        Ok(format!("{}/*.yaml", repo.display()))
    );
    let refused = [
        ("/dev/zero".to_string(), "catalog.fileRoots"),
        ("/etc/passwd".to_string(), "catalog.fileRoots"),
        ("/proc/self/environ".to_string(), "catalog.fileRoots"),
        (
            format!("{}/../outside/secret.txt", a.repo.display()),
            "catalog.fileRoots",
        ),
        (
            format!("{}/leak.yaml", a.repo.display()),
            "catalog.fileRoots",
        ),
        (
            format!("{}/../outside/*.txt", a.repo.display()),
            "catalog.fileRoots",
        ),
        (
            format!("{}/fifo.yaml", a.repo.display()),
            "not a regular file or folder",
        ),
        (format!("{}/none.yaml", a.repo.display()), "does not exist"),
    ];
    for (target, reason) in refused {
        let answer = roots.check(&target);
        let message = answer.expect_err(&target);
        assert!(message.starts_with("target: "), "{message}");
        assert!(message.contains(reason), "{target}: {message}");
        assert!(!message.contains(SECRET));
    }
    for bad in ["/proc", "/", "/dev"] {
        let problem = FileRoots::configured(&[PathBuf::from(bad)]).expect_err(bad);
        assert!(problem.starts_with("catalog.fileRoots[0]: "), "{problem}");
    }
}
