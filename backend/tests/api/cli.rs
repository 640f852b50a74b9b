//! The `trellis` binary's command line, run as a process.

use std::process::Command;

fn trellis() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trellis"));
    cmd.env_remove("TRELLIS_CONFIG")
        .env_remove("TRELLIS_LISTEN")
        .env_remove("RUST_LOG");
    cmd
}

#[test]
fn config_check_accepts_defaults_and_names_bad_keys() {
    let ok = trellis().args(["config", "check"]).output().expect("run");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("url: sqlite:data/trellis.db"));

    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bad.yaml");
    std::fs::write(&path, "database:\n  url: oracle://x\n").expect("write");
    let bad = trellis()
        .arg("--config")
        .arg(&path)
        .args(["config", "check"])
        .output()
        .expect("run");
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("config key `database.url`"), "{stderr}");
}

#[test]
fn migrate_creates_and_reports_the_sqlite_database() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite:{}", dir.path().join("t.db").display());
    let status = trellis()
        .args(["migrate", "--status"])
        .env("TRELLIS__DATABASE__URL", &url)
        .output()
        .expect("run");
    assert!(status.status.success());
    assert!(String::from_utf8_lossy(&status.stdout).contains("0 migrations applied"));
    for _ in 0..2 {
        let run = trellis()
            .arg("migrate")
            .env("TRELLIS__DATABASE__URL", &url)
            .output()
            .expect("run");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(String::from_utf8_lossy(&run.stdout).contains("0 pending"));
    }
}

#[test]
fn serve_answers_probes_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    // A 1 s grace: the stop is bounded by it (and the bounded cleanup after it), not by luck.
    let config = format!(
        "server:\n  siteRoot: {site}\n  shutdownGraceSecs: 1\ndatabase:\n  url: sqlite:{db}\nauth:\n  mode: guest\n",
        site = dir.path().display(),
        db = dir.path().join("t.db").display()
    );
    let mut server = crate::process::Server::start(dir.path(), &config);
    let answer = server.request("GET", "/readyz", None);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""status":"ready""#), "{answer}");
    server.wait_for("catalog refresh timing", std::time::Duration::from_secs(30));
    let (took, log) = server.terminate_within(std::time::Duration::from_secs(8));
    assert!(took < std::time::Duration::from_secs(8), "{took:?}");
    assert!(log.iter().any(|l| l.contains("stopped")), "{log:#?}");
}
