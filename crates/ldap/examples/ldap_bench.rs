//! LDAP org sync benchmark (`scripts/bench.sh ldap`): a real slapd holding a generated org of
//! 9,000 users and 2,200 nested groups (size limit 500, so the sync pages), synced into
//! PostgreSQL and into SQLite: full sync, then a no-op re-sync, with the rows PostgreSQL
//! recorded as written in the catalog schema (`pg_stat_all_tables`, flushed by closing the pool).
//! The full sync runs `LDAP_BENCH_RUNS` times (default 5) into fresh databases; the median and
//! the fastest are printed, since single runs on a shared machine vary by ±20%.
//! Needs PostgreSQL at `TRELLIS_TEST_POSTGRES_URL` and slapd (`scripts/setup.sh --test`).

use std::time::Instant;

use trellis_ldap::{sync, LdapOrgConfig, SyncOptions};
use trellis_store::{Db, DbOptions};
use trellis_test_kit::{
    Org, Slapd, TestBackend, TestDatabase, LDAP_BASE, READER_DN, READER_PASSWORD,
};

/// The server's allocator (`backend/src/main.rs`), so the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USERS: usize = 9_000;
const GROUPS: usize = 2_200;

#[tokio::main]
async fn main() {
    let started = Instant::now();
    let org = Org::generate(USERS, GROUPS);
    let slapd = Slapd::start(&org.ldif);
    println!(
        "slapd with {USERS} users and {GROUPS} groups ready in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let yaml = format!(
        "target: {}\nbind: {{dn: \"{READER_DN}\", secret: {READER_PASSWORD}}}\nusers: {{dn: \"ou=people,{LDAP_BASE}\"}}\ngroups: {{dn: \"ou=groups,{LDAP_BASE}\"}}\n",
        slapd.url()
    );
    let config: LdapOrgConfig = match serde_yaml_ng::from_str(&yaml) {
        Ok(config) => config,
        Err(e) => panic!("bench config: {e}"),
    };
    let runs: usize = std::env::var("LDAP_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(5);
    for backend in [TestBackend::Postgres, TestBackend::Sqlite] {
        let label = format!("{backend:?}").to_lowercase();
        let mut seconds = Vec::new();
        let mut kept = None;
        for _ in 0..runs {
            let test_db = TestDatabase::new(backend).await;
            let db = open(&test_db.url).await;
            let (took, report) = timed_sync(&db, &config).await;
            db.close().await;
            println!(
                "[{label}] full sync: {took:.2} s (directory read {} ms, apply {} ms): {} users, {} groups, {} added",
                report.read_ms, report.apply_ms, report.users, report.groups, report.summary.added
            );
            seconds.push(took);
            kept = Some(test_db);
        }
        seconds.sort_by(f64::total_cmp);
        println!(
            "[{label}] full sync over {runs} runs: median {:.2} s, fastest {:.2} s",
            seconds[seconds.len() / 2],
            seconds[0]
        );
        let Some(test_db) = kept else { return };
        let before = written(&test_db.url).await;
        let db = open(&test_db.url).await;
        let again = timed_sync(&db, &config).await;
        db.close().await;
        let rows = match (before, written(&test_db.url).await) {
            (Some(b), Some(a)) => format!("{} rows written in the catalog schema", a - b),
            _ => "rows written: counted on PostgreSQL only".into(),
        };
        let s = &again.1.summary;

        println!(
            "[{label}] no-op re-sync: {:.2} s (directory read {} ms, apply {} ms): {} added, {} changed, {} removed; {rows}",
            again.0, again.1.read_ms, again.1.apply_ms, s.added, s.changed, s.removed
        );
    }
}

async fn open(url: &str) -> Db {
    let db = Db::connect(url, &DbOptions::default())
        .await
        .expect("connect");
    trellis_catalog::migrate(&db).await.expect("migrate");
    db
}

async fn timed_sync(db: &Db, config: &LdapOrgConfig) -> (f64, trellis_ldap::SyncReport) {
    let started = Instant::now();
    let mut progress = |_: &str| {};
    let report = sync(
        db,
        config,
        SyncOptions {
            id: "bench",
            progress: &mut progress,
        },
    )
    .await
    .expect("sync");
    (started.elapsed().as_secs_f64(), report)
}

/// Rows inserted, updated and deleted in the catalog schema so far (PostgreSQL only).
async fn written(url: &str) -> Option<i64> {
    if !url.starts_with("postgres") {
        return None;
    }
    // Closed connections have flushed their counters; give the exits a moment.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let pool = sqlx::PgPool::connect(url).await.ok()?;
    let n: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint FROM pg_stat_all_tables WHERE schemaname = 'catalog'",
    )
    .fetch_one(&pool)
    .await
    .ok()?;
    pool.close().await;
    Some(n)
}
