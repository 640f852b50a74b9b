//! A real OpenLDAP `slapd` per test: its own config (`slapd.conf`, mdb backend, the standard
//! core/cosine/inetorgperson/nis schemas), data loaded with `slapadd`, listening on a free
//! loopback port. Searches by the reader account are capped like a stock server
//! (`sizelimit size.soft=500 size.hard=500 size.prtotal=unlimited`): plain searches stop at 500
//! entries, paged ones (RFC 2696) get everything. Needs `slapd` and `ldap-utils`
//! (`scripts/setup.sh --test` installs them).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The directory's suffix.
pub const BASE: &str = "dc=example,dc=org";
/// The account the provider binds as (subject to the size limit).
pub const READER_DN: &str = "cn=reader,dc=example,dc=org";
/// Its password.
pub const READER_PASSWORD: &str = "reader-secret";

/// A running slapd; killed when dropped.
pub struct Slapd {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl Slapd {
    /// Starts a slapd holding `ldif` (entries below [`BASE`]; the base entry and the reader
    /// account are added here).
    pub fn start(ldif: &str) -> Slapd {
        let dir = tempfile::tempdir().expect("slapd dir");
        std::fs::create_dir(dir.path().join("data")).expect("data dir");
        let conf = dir.path().join("slapd.conf");
        std::fs::write(&conf, config(dir.path())).expect("slapd.conf");
        let data = dir.path().join("data.ldif");
        std::fs::write(&data, format!("{}\n{ldif}", base_entries())).expect("data.ldif");
        let out = Command::new(slapd_tool("slapadd"))
            .args(["-q", "-f"])
            .arg(&conf)
            .arg("-l")
            .arg(&data)
            .output()
            .expect("run slapadd (is slapd installed? scripts/setup.sh --test)");
        assert!(
            out.status.success(),
            "slapadd failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let mut slapd = Slapd {
            dir,
            port,
            child: None,
        };
        slapd.resume();
        slapd
    }

    /// `ldap://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }

    /// Stops the server (its data stays; [`Slapd::resume`] starts it again).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and data, waiting until it accepts connections.
    pub fn resume(&mut self) {
        self.stop();
        let child = Command::new(slapd_tool("slapd"))
            .arg("-f")
            .arg(self.dir.path().join("slapd.conf"))
            .arg("-h")
            .arg(format!("ldap://127.0.0.1:{}/", self.port))
            .args(["-d", "0"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start slapd");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "slapd did not start listening");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn slapd_tool(name: &str) -> PathBuf {
    let sbin = Path::new("/usr/sbin").join(name);
    if sbin.exists() {
        sbin
    } else {
        PathBuf::from(name)
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn config(dir: &Path) -> String {
    let dir = dir.display();
    format!(
        "include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile {dir}/slapd.pid
argsfile {dir}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
sizelimit size.soft=500 size.hard=500 size.prtotal=unlimited
database mdb
maxsize 1073741824
suffix \"{BASE}\"
rootdn \"cn=admin,{BASE}\"
rootpw admin-secret
directory {dir}/data
index objectClass eq
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact=\"{READER_DN}\" read by * none
"
    )
}

fn base_entries() -> String {
    format!(
        "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n\
         dn: {READER_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: {READER_PASSWORD}\n\n\
         dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n\n\
         dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n"
    )
}
