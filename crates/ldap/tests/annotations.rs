//! `map.annotations` against a real OpenLDAP `slapd`: the provider fills the annotations that
//! say who a person is in each tool (`github.com/user-login` and the like, which the home
//! page's widgets read) from directory attributes; an entry without the attribute gets none.
//! On SQLite and PostgreSQL.

use trellis_catalog::store::get_entity;
use trellis_ldap::{sync, LdapOrgConfig, SyncOptions};
use trellis_store::{Db, DbOptions};
use trellis_test_kit::{on_both, Org, Slapd, TestBackend, TestDatabase};

on_both!(annotations_are_filled_from_attributes);

async fn annotations_are_filled_from_attributes(backend: TestBackend) {
    let org = Org::generate(30, 6);
    let slapd = Slapd::start(&org.ldif);
    let yaml = format!(
        "target: {}\nbind:\n  dn: {}\n  secret: {}\nusers:\n  dn: ou=people,{base}\n  map:\n    annotations:\n      github.com/user-login: uid\n      acme.example/job-title: title\n      pagerduty.com/user-id: employeeNumber\ngroups:\n  dn: ou=groups,{base}\ntimeoutSecs: 5\n",
        slapd.url(),
        trellis_test_kit::READER_DN,
        trellis_test_kit::READER_PASSWORD,
        base = trellis_test_kit::LDAP_BASE,
    );
    let config: LdapOrgConfig = serde_yaml_ng::from_str(&yaml).expect("config");
    assert_eq!(
        config.problems("catalog.providers.ldapOrg.corp"),
        Vec::<String>::new()
    );
    let test_db = TestDatabase::new(backend).await;
    let db = Db::connect(&test_db.url, &DbOptions::default())
        .await
        .expect("connect");
    trellis_catalog::migrate(&db).await.expect("migrate");
    let mut progress = |_: &str| {};
    let report = sync(
        &db,
        &config,
        SyncOptions {
            id: "corp",
            progress: &mut progress,
        },
    )
    .await
    .expect("sync");
    assert!(report.problems.is_empty(), "{:?}", report.problems);

    let uid = trellis_test_kit::org::uid(3);
    let user = get_entity(&db, &format!("user:default/{uid}"))
        .await
        .expect("get")
        .expect("user");
    let annotations = &user.metadata.annotations;
    assert_eq!(
        annotations.get("github.com/user-login").map(String::as_str),
        Some(uid.as_str())
    );
    assert!(
        annotations
            .get("acme.example/job-title")
            .is_some_and(|t| t.starts_with("Engineer")),
        "{annotations:?}"
    );
    // No entry has an employeeNumber: no annotation, rather than an empty one.
    assert!(
        !annotations.contains_key("pagerduty.com/user-id"),
        "{annotations:?}"
    );
}
