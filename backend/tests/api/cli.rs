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
    use std::io::{BufRead, BufReader, Read, Write};

    let dir = tempfile::tempdir().expect("dir");
    let mut child = trellis()
        .arg("serve")
        .env("TRELLIS_LISTEN", "127.0.0.1:0")
        .env(
            "TRELLIS__DATABASE__URL",
            format!("sqlite:{}", dir.path().join("t.db").display()),
        )
        .env("TRELLIS__SERVER__SITE_ROOT", dir.path())
        .env("TRELLIS__LOG__FORMAT", "json")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("server exited before listening")
            .expect("read log");
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split('"').next().expect("address").to_string();
        }
    };
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
    stream
        .write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""status":"ready""#), "{answer}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() >= deadline {
            let _ = child.kill();
            let log: Vec<String> = lines.map_while(Result::ok).collect();
            panic!("server did not stop within 15 s of SIGTERM; its log: {log:#?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
}
