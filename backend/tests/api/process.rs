//! The `trellis serve` process under attack and under shutdown: its memory stays bounded while
//! catalog files and registrations try to make it read without limit, and SIGTERM stops it
//! within its grace period even while a catalog read is in flight.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running server process and its log.
pub struct Server {
    pub child: Child,
    pub addr: String,
    log: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    /// Starts `trellis serve` with `config` (YAML) on a free port and waits until it listens.
    pub fn start(dir: &Path, config: &str) -> Server {
        let path = dir.join("config.yaml");
        std::fs::write(&path, config).expect("write config");
        let mut child = Command::new(env!("CARGO_BIN_EXE_trellis"))
            .arg("--config")
            .arg(&path)
            .arg("serve")
            .env_remove("TRELLIS_CONFIG")
            .env_remove("RUST_LOG")
            .env("TRELLIS_LISTEN", "127.0.0.1:0")
            .env("TRELLIS__LOG__FORMAT", "json")
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn trellis");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            log,
            seen: Vec::new(),
        };
        let line = server.wait_for("listening on http://", Duration::from_secs(60));
        server.addr = line
            .split("listening on http://")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("address")
            .to_string();
        server
    }

    /// Waits for a log line containing `needle` and returns it.
    pub fn wait_for(&mut self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
            return line.clone();
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no log line with `{needle}` within {limit:?}; log: {:#?}",
                    self.seen
                ),
            }
        }
    }

    /// Waits until `count` log lines contain `needle`.
    pub fn wait_count(&mut self, needle: &str, count: usize, limit: Duration) {
        let deadline = Instant::now() + limit;
        while self.log().iter().filter(|l| l.contains(needle)).count() < count {
            assert!(
                Instant::now() < deadline,
                "fewer than {count} log lines with `{needle}`: {:#?}",
                self.seen
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The log lines read so far (and any waiting).
    pub fn log(&mut self) -> &[String] {
        while let Ok(line) = self.log.try_recv() {
            self.seen.push(line);
        }
        &self.seen
    }

    /// Sends one HTTP/1.1 request and returns the whole answer.
    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> String {
        let mut stream = std::net::TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        let body = body.unwrap_or("");
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read answer");
        answer
    }

    /// Peak resident memory of the process, in bytes.
    pub fn peak_rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("process status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .expect("VmHWM")
            * 1024
    }

    /// Sends SIGTERM and waits up to `limit` for a clean exit; returns how long it took and the
    /// whole log.
    pub fn terminate_within(mut self, limit: Duration) -> (Duration, Vec<String>) {
        let sent = Instant::now();
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                let took = sent.elapsed();
                // The log is read to its end once the process is gone.
                std::thread::sleep(Duration::from_millis(50));
                let log = self.log().to_vec();
                assert!(
                    status.success(),
                    "clean exit on SIGTERM: {status:?}; log: {log:#?}"
                );
                return (took, log);
            }
            if sent.elapsed() >= limit {
                let _ = self.child.kill();
                panic!(
                    "server did not stop within {limit:?} of SIGTERM; its log: {:#?}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn config(dir: &Path, extra: &str) -> String {
    format!(
        "server:\n  siteRoot: {site}\n  shutdownGraceSecs: 1\ndatabase:\n  url: sqlite:{db}\nauth:\n  mode: guest\n  guestUser: user:default/tester\npermission:\n  admins: [user:default/tester]\ncatalog:\n  refreshIntervalSecs: 86400\n{extra}",
        site = dir.display(),
        db = dir.join("t.db").display(),
    )
}

#[test]
fn memory_stays_bounded_while_files_and_registrations_attack() {
    let dir = tempfile::tempdir().expect("dir");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    std::fs::File::create(repo.join("big.txt"))
        .and_then(|f| f.set_len(3 << 30))
        .expect("sparse");
    std::fs::File::create(repo.join("big.yaml"))
        .and_then(|f| f.set_len(3 << 30))
        .expect("sparse");
    std::os::unix::fs::symlink("/dev/zero", repo.join("zero.yaml")).expect("symlink");
    std::fs::write(
        repo.join("catalog-info.yaml"),
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: big\n  description: {$text: ./big.txt}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: fine\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n",
    )
    .expect("write");
    let extra = format!(
        "  fileRoots: [{repo}]\n  locations:\n    - type: file\n      target: {repo}\n",
        repo = repo.display()
    );
    let mut server = Server::start(dir.path(), &config(dir.path(), &extra));
    server.wait_for("catalog refresh timing", Duration::from_secs(60));
    let fine = server.request(
        "GET",
        "/api/catalog/entities/by-name/component/default/fine",
        None,
    );
    assert!(fine.starts_with("HTTP/1.1 200"), "{fine}");
    for target in [
        "/dev/zero",
        "/dev/urandom",
        &format!("{}/zero.yaml", repo.display()),
    ] {
        for path in [
            "/api/catalog/locations?dryRun=true",
            "/api/catalog/locations",
        ] {
            let body = format!(r#"{{"type":"file","target":"{target}"}}"#);
            let answer = server.request("POST", path, Some(&body));
            assert!(answer.starts_with("HTTP/1.1 400"), "{target}: {answer}");
            assert!(answer.contains("catalog.fileRoots"), "{target}: {answer}");
        }
    }
    let refresh = server.request("POST", "/api/catalog/refresh", Some("{}"));
    assert!(refresh.starts_with("HTTP/1.1 202"), "{refresh}");
    server.wait_count("catalog refresh timing", 2, Duration::from_secs(60));
    let peak = server.peak_rss();
    assert!(peak < 300 << 20, "peak RSS {} MB", peak >> 20);
    server.terminate_within(Duration::from_secs(10));
}

#[test]
fn sigterm_stops_the_server_within_its_grace_while_a_catalog_read_is_in_flight() {
    let dir = tempfile::tempdir().expect("dir");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    // Enough YAML that reading and applying it takes seconds in a debug build, yet small on
    // disk (about 20 MB: CI machines may have little free space).
    let mut doc = String::new();
    for i in 0..1000 {
        doc.push_str(&format!("---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c{i}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-{}\n", i % 7));
    }
    for f in 0..100 {
        std::fs::write(
            repo.join(format!("part-{f}.yaml")),
            doc.replace("name: c", &format!("name: f{f}-c")),
        )
        .expect("write");
    }
    let extra = format!(
        "  locations:\n    - type: file\n      target: {}\n",
        repo.display()
    );
    let mut server = Server::start(dir.path(), &config(dir.path(), &extra));
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !server
            .log()
            .iter()
            .any(|l| l.contains("catalog refresh timing")),
        "the read must still be in flight when SIGTERM arrives"
    );
    // Grace 1 s, then the read stops at its next chunk and the process exits (the database
    // close and the runtime's shutdown are bounded too).
    server.terminate_within(Duration::from_secs(8));
}
