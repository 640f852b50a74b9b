//! Config loading: defaults, file, substitution, overrides, and errors that name the key.

use std::io::Write;

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn file(yaml: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp file");
    f.write_all(yaml.as_bytes()).expect("write");
    f
}

fn key_error(yaml: &str, vars: &[(&str, &str)]) -> (String, String) {
    let f = file(yaml);
    match load(Some(f.path()), env(vars)) {
        Err(ConfigError::Key { key, reason }) => (key, reason),
        other => panic!("expected a key error for {yaml:?}, got {other:?}"),
    }
}

#[test]
fn no_file_gives_embedded_defaults() {
    let loaded = load(None, env(&[])).expect("defaults load");
    let mut expected = Config::default();
    expected.demo.enabled = true;
    assert_eq!(loaded.config, expected, "the embedded default is the demo");
    assert_eq!(loaded.config.database.url, "sqlite:data/trellis.db");
    assert_eq!(loaded.config.server.listen.to_string(), "127.0.0.1:3000");
    assert!(loaded.unknown_keys.is_empty());
    let locations = loaded.config.catalog_locations();
    assert_eq!(locations.len(), 1);
    assert_eq!(locations[0].target, "demo/catalog/all.yaml");
    assert_eq!(
        loaded.config.default_user().as_deref(),
        Some("user:default/demo.user")
    );

    let off = load(None, env(&[("TRELLIS__DEMO__ENABLED", "false")])).expect("load");
    assert!(!off.config.demo.enabled);
    assert!(off.config.catalog_locations().is_empty());
    assert_eq!(off.config.default_user(), None);

    let with_file = file("log:\n  level: info\n");
    let from_file = load(Some(with_file.path()), env(&[])).expect("load");
    assert!(
        !from_file.config.demo.enabled,
        "a config file opts in to demo mode explicitly"
    );
}

#[test]
fn file_values_substitution_and_overrides_apply_in_order() {
    let f = file(
        "app:\n  baseUrl: https://portal.example.com\nserver:\n  listen: 0.0.0.0:8080\n\
         database:\n  url: postgres://trellis:${DB_PASSWORD}@db/trellis\n  max_connections: 20\n",
    );
    let loaded = load(
        Some(f.path()),
        env(&[
            ("DB_PASSWORD", "s3cret"),
            ("TRELLIS_LISTEN", "127.0.0.1:4000"),
            ("TRELLIS__DATABASE__MAX_CONNECTIONS", "7"),
        ]),
    )
    .expect("loads");
    let c = loaded.config;
    assert_eq!(c.app.base_url, "https://portal.example.com");
    assert_eq!(c.database.url, "postgres://trellis:s3cret@db/trellis");
    assert_eq!(
        c.server.listen.to_string(),
        "127.0.0.1:4000",
        "TRELLIS_LISTEN wins over the file"
    );
    assert_eq!(c.database.max_connections, 7, "typed env override");
    assert!(
        !c.to_redacted_yaml().contains("s3cret"),
        "config check hides the password"
    );
}

#[test]
fn escaped_dollar_brace_stays_literal() {
    let f = file("app:\n  title: \"cost $${PRICE} and $5\"\n");
    let c = load(Some(f.path()), env(&[])).expect("loads").config;
    assert_eq!(c.app.title, "cost ${PRICE} and $5");
}

#[test]
fn errors_name_the_key() {
    let (key, reason) = key_error("server:\n  listen: not-an-address\n", &[]);
    assert_eq!(key, "server.listen");
    assert!(reason.contains("invalid socket address"), "{reason}");

    let (key, reason) = key_error("database:\n  url: mysql://x\n", &[]);
    assert_eq!(key, "database.url");
    assert!(reason.contains("not supported"), "{reason}");

    let (key, _) = key_error("database:\n  max_connections: 0\n", &[]);
    assert_eq!(key, "database.max_connections");

    let (key, reason) = key_error("database:\n  max_connections: lots\n", &[]);
    assert_eq!(key, "database.max_connections");
    assert!(reason.contains("invalid type"), "{reason}");

    let (key, reason) = key_error("database:\n  url: postgres://u:${MISSING}@h/d\n", &[]);
    assert_eq!(key, "database.url");
    assert!(reason.contains("`MISSING` is not set"), "{reason}");

    let (key, _) = key_error("log:\n  format: xml\n", &[]);
    assert_eq!(key, "log.format");

    let (key, _) = key_error("app:\n  baseUrl: portal\n", &[]);
    assert_eq!(key, "app.baseUrl");

    let (key, _) = key_error("", &[("TRELLIS_LISTEN", "nowhere")]);
    assert_eq!(key, "server.listen");
}

#[test]
fn unknown_keys_are_reported_not_fatal() {
    let f = file("databse:\n  url: sqlite:x.db\nserver:\n  lisen: 1.2.3.4:5\n");
    let loaded = load(Some(f.path()), env(&[])).expect("loads with warnings");
    assert_eq!(
        loaded.unknown_keys,
        vec!["databse".to_string(), "server.lisen".to_string()]
    );
    assert_eq!(loaded.config.database.url, Config::default().database.url);
}

#[test]
fn unreadable_and_malformed_files_are_named() {
    let missing = std::path::Path::new("/definitely/not/here.yaml");
    match load(Some(missing), env(&[])) {
        Err(ConfigError::Read { path, .. }) => assert_eq!(path, "/definitely/not/here.yaml"),
        other => panic!("{other:?}"),
    }
    let f = file("server: [unclosed\n");
    match load(Some(f.path()), env(&[])) {
        Err(e @ ConfigError::Syntax { .. }) => {
            assert!(e.to_string().contains("not valid YAML"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    let f = file("- just\n- a list\n");
    assert!(matches!(
        load(Some(f.path()), env(&[])),
        Err(ConfigError::Syntax { .. })
    ));
}
