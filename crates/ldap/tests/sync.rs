//! The LDAP org provider against a real OpenLDAP `slapd` holding a generated org of 9,000
//! users and 2,200 nested groups, with the server's size limit at 500: a full sync stores every
//! user and group with memberships and nesting exactly as the generator made them, a second sync
//! writes nothing, and every fault (wrong password, unreachable or stopped server, size limit
//! without paging, a directory suddenly missing users, an empty result) keeps what is stored.
//! On SQLite and PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use trellis_catalog::store::{count_entities, get_entity};
use trellis_ldap::{sync, LdapOrgConfig, SyncError, SyncOptions, SyncReport};
use trellis_store::{Db, DbOptions};
use trellis_test_kit::{on_both, Org, Slapd, TestBackend, TestDatabase};

on_both!(
    a_full_sync_stores_the_org_and_a_second_writes_nothing,
    faults_keep_what_is_stored
);

const USERS: usize = 9_000;
const GROUPS: usize = 2_200;

fn config(url: &str, password: &str, extra_users: &str) -> LdapOrgConfig {
    let yaml = format!(
        "target: {url}\nbind:\n  dn: {}\n  secret: {password}\nusers:\n  dn: ou=people,{}\n  options: {{{extra_users}}}\ngroups:\n  dn: ou=groups,{}\ntimeoutSecs: 5\n",
        trellis_test_kit::READER_DN,
        trellis_test_kit::LDAP_BASE,
        trellis_test_kit::LDAP_BASE,
    );
    serde_yaml_ng::from_str(&yaml).expect("config")
}

async fn run(db: &Db, config: &LdapOrgConfig) -> Result<SyncReport, SyncError> {
    let mut progress = |_: &str| {};
    sync(
        db,
        config,
        SyncOptions {
            id: "corp",
            progress: &mut progress,
        },
    )
    .await
}

async fn connect(test_db: &TestDatabase) -> Db {
    let db = Db::connect(&test_db.url, &DbOptions::default())
        .await
        .expect("connect");
    trellis_catalog::migrate(&db).await.expect("migrate");
    db
}

fn strings(value: Option<&serde_json::Value>) -> BTreeSet<String> {
    value
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

async fn a_full_sync_stores_the_org_and_a_second_writes_nothing(backend: TestBackend) {
    let org = Org::generate(USERS, GROUPS);
    let slapd = Slapd::start(&org.ldif);
    let test_db = TestDatabase::new(backend).await;
    let db = connect(&test_db).await;
    let config = config(&slapd.url(), trellis_test_kit::READER_PASSWORD, "");
    let first = run(&db, &config).await.expect("sync");
    eprintln!(
        "first sync: read {} ms, apply {} ms",
        first.read_ms, first.apply_ms
    );
    assert_eq!(
        (first.users, first.groups),
        (USERS, GROUPS),
        "{:?}",
        first.problems
    );
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert_eq!(first.summary.added, USERS + GROUPS);
    assert_eq!(
        count_entities(&db).await.expect("count"),
        (USERS + GROUPS) as i64
    );

    // Memberships (by DN from groupOfNames/groupOfUniqueNames, by uid from posixGroup), nesting
    // and non-ASCII names, checked against the generator for a spread of entries.
    for u in (0..USERS).step_by(97).chain([USERS - 1]) {
        let uid = trellis_test_kit::org::uid(u);
        let user = get_entity(&db, &format!("user:default/{uid}"))
            .await
            .expect("get")
            .expect("user");
        let spec = user.spec.as_ref().expect("spec");
        assert_eq!(
            strings(spec.get("memberOf")),
            org.memberships[&uid],
            "memberOf of {uid}"
        );
        assert_eq!(
            spec["profile"]["displayName"],
            org.display_names[&uid].as_str()
        );
        assert_eq!(
            spec["profile"]["email"],
            format!("{uid}@example.org").as_str()
        );
        let dn = &user.metadata.annotations["backstage.io/ldap-dn"];
        assert!(dn.starts_with(&format!("uid={uid},")), "{dn}");
        assert!(user
            .metadata
            .annotations
            .contains_key("backstage.io/ldap-uuid"));
        assert_eq!(user.metadata.annotations["backstage.io/ldap-rdn"], uid);
        let member_of = user
            .relations
            .iter()
            .filter(|r| r.relation_type == "memberOf")
            .count();
        assert_eq!(member_of, org.memberships[&uid].len());
    }
    let mut children: BTreeMap<&String, BTreeSet<String>> = BTreeMap::new();
    for (child, parent) in &org.parents {
        children.entry(parent).or_default().insert(child.clone());
    }
    for g in (0..GROUPS).step_by(37) {
        let name = trellis_test_kit::org::group_name(g);
        let group = get_entity(&db, &format!("group:default/{name}"))
            .await
            .expect("get")
            .expect("group");
        let spec = group.spec.as_ref().expect("spec");
        assert_eq!(
            spec.get("parent").and_then(|p| p.as_str()),
            org.parents.get(&name).map(String::as_str)
        );
        assert_eq!(
            strings(spec.get("children")),
            children.get(&name).cloned().unwrap_or_default()
        );
    }

    let second = run(&db, &config).await.expect("second sync");
    assert_eq!(second.summary.unchanged, USERS + GROUPS);
    assert_eq!(
        second.summary.added + second.summary.changed + second.summary.removed,
        0
    );

    // Users who left are removed (here 1,000 of 9,000: under the 20 % guard), with their
    // memberships; everything else stays untouched.
    let fewer = config_with(
        &config,
        "filter: \"(&(objectClass=inetOrgPerson)(|(uid=user-00000)(!(uid=user-00*))))\"",
    );
    let third = run(&db, &fewer).await.expect("sync with fewer users");
    assert_eq!((third.summary.removed, third.summary.changed), (999, 0));
    assert!(get_entity(&db, "user:default/user-00001")
        .await
        .expect("get")
        .is_none());
    assert!(get_entity(&db, "user:default/user-01000")
        .await
        .expect("get")
        .is_some());
}

fn config_with(base: &LdapOrgConfig, user_options: &str) -> LdapOrgConfig {
    let password = base
        .bind
        .as_ref()
        .map(|b| b.secret.clone())
        .unwrap_or_default();
    config(&base.target, &password, user_options)
}

async fn faults_keep_what_is_stored(backend: TestBackend) {
    let org = Org::generate(USERS, GROUPS);
    let slapd = Mutex::new(Slapd::start(&org.ldif));
    let url = slapd.lock().expect("slapd").url();
    let test_db = TestDatabase::new(backend).await;
    let db = connect(&test_db).await;
    let good = config(&url, trellis_test_kit::READER_PASSWORD, "");
    run(&db, &good).await.expect("first sync");
    let stored = count_entities(&db).await.expect("count");
    let probe = "user:default/user-00003";
    let before = get_entity(&db, probe).await.expect("get");

    let wrong = config(&url, "not-the-password", "");
    let error = run(&db, &wrong).await.expect_err("wrong password");
    assert!(
        matches!(error, SyncError::Directory(_)) && error.to_string().contains("bind"),
        "{error}"
    );

    let unpaged = config_with(&good, "paged: false");
    let error = run(&db, &unpaged)
        .await
        .expect_err("size limit without paging");
    assert!(error.to_string().contains("size limit"), "{error}");

    let half = config_with(
        &good,
        "filter: \"(|(title=Engineer 0)(title=Engineer 1)(title=Engineer 2))\"",
    );
    let error = run(&db, &half)
        .await
        .expect_err("a directory missing 40 % of the users");
    assert!(
        matches!(error, SyncError::TooManyRemovals { what: "users", .. }),
        "{error}"
    );

    let nothing = config_with(&good, "filter: \"(uid=nobody)\"");
    let mut nothing = nothing;
    nothing.groups[0].options.filter = Some("(cn=nothing)".into());
    let error = run(&db, &nothing).await.expect_err("an empty directory");
    assert!(matches!(error, SyncError::Empty), "{error}");

    slapd.lock().expect("slapd").stop();
    let error = run(&db, &good).await.expect_err("server down");
    assert!(error.to_string().contains("connect"), "{error}");
    slapd.lock().expect("slapd").resume();

    // The server goes away after the first page of users.
    let mut stopped = false;
    let mut progress = |_: &str| {
        if !stopped {
            stopped = true;
            slapd.lock().expect("slapd").stop();
        }
    };
    let error = sync(
        &db,
        &good,
        SyncOptions {
            id: "corp",
            progress: &mut progress,
        },
    )
    .await
    .expect_err("server stopped mid-sync");
    assert!(matches!(error, SyncError::Directory(_)), "{error}");
    assert!(stopped);

    assert_eq!(
        count_entities(&db).await.expect("count"),
        stored,
        "nothing stored was lost"
    );
    assert_eq!(get_entity(&db, probe).await.expect("get"), before);
}
