//! A real Prometheus per test (the Debian package's `prometheus` and `promtool`, which
//! `scripts/setup.sh --test` installs): the samples a test gives (OpenMetrics text, with
//! timestamps) are backfilled into a fresh TSDB with `promtool tsdb create-blocks-from
//! openmetrics`, then the server starts on it with nothing to scrape, on a free loopback port.
//! So range queries answer known values at known times.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running Prometheus; killed when dropped.
pub struct Prometheus {
    _dir: tempfile::TempDir,
    port: u16,
    child: Child,
}

impl Prometheus {
    /// Starts Prometheus holding `openmetrics` (ending with `# EOF`).
    ///
    /// # Panics
    /// When it cannot start: a test without its Prometheus cannot run.
    pub fn start(openmetrics: &str) -> Prometheus {
        let dir = tempfile::tempdir().expect("prometheus dir");
        let data = dir.path().join("data");
        let samples = dir.path().join("samples.om");
        std::fs::write(&samples, openmetrics).expect("samples");
        let out = Command::new("promtool")
            .args(["tsdb", "create-blocks-from", "openmetrics"])
            .arg(&samples)
            .arg(&data)
            .output()
            .expect("run promtool (is prometheus installed? scripts/setup.sh --test)");
        assert!(
            out.status.success(),
            "promtool failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let config = dir.path().join("prometheus.yml");
        std::fs::write(&config, "global:\n  scrape_interval: 15s\n").expect("config");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start prometheus");
        let server = Prometheus {
            _dir: dir,
            port,
            child,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !server.ready() {
            assert!(Instant::now() < deadline, "prometheus did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn ready(&self) -> bool {
        let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let request = "GET /-/ready HTTP/1.0\r\nHost: localhost\r\n\r\n";
        let mut answer = String::new();
        s.write_all(request.as_bytes()).is_ok()
            && s.read_to_string(&mut answer).is_ok()
            && answer.lines().next().is_some_and(|l| l.contains(" 200 "))
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
