//! The LDAP org provider through the server: configured like Backstage's
//! `catalog.providers.ldapOrg.<id>`, synced on demand through the API against a real slapd, its
//! runs (applied or aborted, with the reason) listed, and components owned by directory groups
//! resolving to those groups. On SQLite and PostgreSQL.

use std::process::Command;

use trellis::config::Config;
use trellis_test_kit::{on_both, Org, Slapd, TestBackend, LDAP_BASE, READER_DN, READER_PASSWORD};

use crate::common::TestApp;

on_both!(syncs_on_demand_and_reports_runs);

fn provider(url: &str) -> trellis_ldap::LdapOrgConfig {
    let yaml = format!(
        "target: {url}\nbind: {{dn: \"{READER_DN}\", secret: {READER_PASSWORD}}}\nusers: {{dn: \"ou=people,{LDAP_BASE}\"}}\ngroups: {{dn: \"ou=groups,{LDAP_BASE}\"}}\ntimeoutSecs: 3\n"
    );
    serde_yaml_ng::from_str(&yaml).expect("provider config")
}

const COMPONENT: &str = "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: search-api\nspec:\n  type: service\n  lifecycle: production\n  owner: group-0003\n";

async fn syncs_on_demand_and_reports_runs(backend: TestBackend) {
    let org = Org::generate(120, 30);
    let mut slapd = Slapd::start(&org.ldif);
    let catalog = tempfile::tempdir().expect("dir");
    let file = catalog.path().join("catalog-info.yaml");
    std::fs::write(&file, COMPONENT).expect("write");
    let url = slapd.url();
    let app = TestApp::with_config(backend, |c: &mut Config| {
        c.catalog
            .providers
            .ldap_org
            .insert("corp".into(), provider(&url));
        c.catalog.locations = vec![trellis_catalog::LocationSpec::file(
            file.display().to_string(),
        )];
    })
    .await;

    let synced = app.post("/api/catalog/providers/ldap-org/corp/sync").await;
    assert_eq!(synced.status, 202, "{}", synced.text());
    let run = app
        .wait_run(synced.json()["runId"].as_i64().expect("runId"))
        .await;
    assert_eq!(run["state"], "success", "{run}");
    let report = run["result"].clone();
    assert_eq!(
        (report["users"].as_u64(), report["groups"].as_u64()),
        (Some(120), Some(30))
    );
    assert_eq!(report["summary"]["added"], 150);
    let users = app
        .get("/api/catalog/entities/by-query?filter=kind=user&limit=0")
        .await
        .json();
    assert_eq!(users["totalItems"], 120);

    // The file location's refresh keeps the directory's entities, and ownership resolves.
    app.refresh().await;
    let owned = app
        .get("/api/catalog/entities/by-query?filter=kind=component,relations.ownedBy=group:default/group-0003")
        .await
        .json();
    assert_eq!(owned["totalItems"], 1, "{owned}");
    let team = app
        .get("/api/catalog/entities/by-name/group/default/group-0003")
        .await;
    assert_eq!(team.status, 200);
    assert!(
        team.text().contains("component:default/search-api"),
        "ownerOf on the team"
    );
    assert_eq!(
        app.get("/api/catalog/entities/by-query?filter=kind=user&limit=0")
            .await
            .json()["totalItems"],
        120
    );

    let missing = app.post("/api/catalog/providers/ldap-org/nope/sync").await;
    assert_eq!(missing.status, 404, "{}", missing.text());

    slapd.stop();
    let down = app.post("/api/catalog/providers/ldap-org/corp/sync").await;
    assert_eq!(down.status, 202, "{}", down.text());
    let run = app
        .wait_run(down.json()["runId"].as_i64().expect("runId"))
        .await;
    assert_eq!(run["state"], "aborted", "{run}");
    assert!(
        run["result"].to_string().contains("cannot connect"),
        "{run}"
    );
    let status = app.get("/api/catalog/providers").await.json();
    let corp = &status["ldapOrg"][0];
    assert_eq!(corp["id"], "corp");
    assert_eq!(corp["running"], false);
    assert_eq!(corp["runs"][0]["outcome"], "aborted");
    assert!(
        corp["runs"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("connect")),
        "{corp}"
    );
    assert_eq!(corp["runs"][1]["outcome"], "success");
    assert_eq!(
        app.get("/api/catalog/entities/by-query?filter=kind=user&limit=0")
            .await
            .json()["totalItems"],
        120
    );

    // The admin page lists the provider's runs, the abort reason included, server-rendered.
    let admin = app.get("/admin").await;
    assert_eq!(admin.status, 200);
    let html = admin.text();
    for needle in [
        "LDAP org sync `corp`",
        "ldap-org:corp",
        "aborted",
        "success",
        "cannot connect",
    ] {
        assert!(html.contains(needle), "{needle} on the admin page");
    }

    // One sync at a time across replicas: while another holds the run lease, a trigger waits its turn.
    let now = chrono::Utc::now();
    assert!(app
        .state
        .db
        .try_acquire_lease(
            "ldap-org:corp:run",
            "other-replica",
            now,
            now + chrono::Duration::minutes(5)
        )
        .await
        .expect("lease"));
    let busy = app.post("/api/catalog/providers/ldap-org/corp/sync").await;
    assert_eq!(busy.status, 409, "{}", busy.text());
    assert_eq!(
        app.get("/api/catalog/providers").await.json()["ldapOrg"][0]["running"],
        true
    );

    let metrics = app.get("/metrics").await;
    assert_eq!(metrics.status, 200);
    assert!(metrics
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/openmetrics-text; version=1.0.0")));
    assert!(
        metrics.text().ends_with("# EOF\n"),
        "OpenMetrics ends with # EOF"
    );
    let text = metrics.text();
    for line in [
        "trellis_job_last_run_success{job=\"ldap-org:corp\"} 0",
        "trellis_ldap_sync_entities{provider=\"corp\",change=\"added\"} 150",
        "# TYPE trellis_job_last_run_duration_seconds gauge",
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    assert_metrics_format(&text);
}

/// Every line is a comment or `name{labels} value` with a numeric value, of a declared gauge or
/// counter (a counter's samples are `<family>_total`: the exposition format).
fn assert_metrics_format(text: &str) {
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').expect("name and value");
        assert!(value.parse::<f64>().is_ok(), "value of {line}");
        let name = series.split('{').next().unwrap_or_default();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        let counter = name
            .strip_suffix("_total")
            .is_some_and(|family| text.contains(&format!("# TYPE {family} counter")));
        assert!(
            counter || text.contains(&format!("# TYPE {name} gauge")),
            "{name} declared"
        );
    }
}

#[test]
fn cli_syncs_with_progress_and_rejects_bad_provider_config() {
    let org = Org::generate(60, 12);
    let slapd = Slapd::start(&org.ldif);
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.yaml");
    let db = format!("sqlite:{}", dir.path().join("t.db").display());
    std::fs::write(
        &config,
        format!(
            "auth:\n  mode: guest\ndatabase:\n  url: {db}\ncatalog:\n  providers:\n    ldapOrg:\n      corp:\n        target: {}\n        bind: {{dn: \"{READER_DN}\", secret: {READER_PASSWORD}}}\n        users: {{dn: \"ou=people,{LDAP_BASE}\"}}\n        groups: {{dn: \"ou=groups,{LDAP_BASE}\"}}\n",
            slapd.url()
        ),
    )
    .expect("write");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_trellis"))
            .env_remove("TRELLIS_CONFIG")
            .env_remove("RUST_LOG")
            .arg("--config")
            .arg(&config)
            .args(args)
            .output()
            .expect("run")
    };
    let out = run(&["sync", "ldap"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("[corp] 60 users, 12 groups: 72 added"),
        "{stdout}"
    );
    assert!(
        stderr.contains("users under ou=people"),
        "progress on stderr: {stderr}"
    );
    let again = run(&["sync", "ldap", "corp"]);
    assert!(String::from_utf8_lossy(&again.stdout)
        .contains("0 added, 0 changed, 0 removed, 72 unchanged"));
    let shown = run(&["config", "check"]);
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        !shown.contains(READER_PASSWORD) && shown.contains("secret: '********'"),
        "{shown}"
    );

    std::fs::write(&config, "catalog:\n  providers:\n    ldapOrg:\n      corp:\n        target: http://x\n        users: {dn: a}\n        groups: {dn: b}\n").expect("write");
    let bad = run(&["config", "check"]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("catalog.providers.ldapOrg.corp.target"),
        "{stderr}"
    );
}
