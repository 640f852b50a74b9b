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
    expected.auth.mode = trellis_auth::AuthMode::Guest;
    expected.permission.admins = vec!["user:default/demo.user".into()];
    assert_eq!(loaded.config, expected, "the embedded default is the demo");
    assert_eq!(loaded.config.database.url, "sqlite:data/trellis.db");
    assert_eq!(loaded.config.server.listen.to_string(), "127.0.0.1:3000");
    assert!(loaded.unknown_keys.is_empty());
    let locations = loaded.config.catalog_locations();
    assert_eq!(locations.len(), 1);
    assert_eq!(locations[0].target, "demo/catalog/all.yaml");
    assert_eq!(loaded.config.auth.guest_user, "user:default/demo.user");
    loaded
        .config
        .validate()
        .expect("the embedded default is valid");

    let off = load(None, env(&[("TRELLIS__DEMO__ENABLED", "false")])).expect("load");
    assert!(!off.config.demo.enabled);
    assert!(off.config.catalog_locations().is_empty());

    let with_file = file("log:\n  level: info\nauth:\n  mode: guest\n");
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
         database:\n  url: postgres://trellis:${DB_PASSWORD}@db/trellis\n  max_connections: 20\n\
         auth:\n  proxy:\n    trusted_proxies: [10.0.0.0/8]\n    secret: {header: X-Proxy-Secret, value: \"${PROXY_SECRET}\"}\n",
    );
    let loaded = load(
        Some(f.path()),
        env(&[
            ("DB_PASSWORD", "s3cret"),
            ("PROXY_SECRET", "proxy-secret-of-16+"),
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
    assert!(
        !c.to_redacted_yaml().contains("proxy-secret-of-16+"),
        "config check hides the proxy secret"
    );
}

#[test]
fn escaped_dollar_brace_stays_literal() {
    let f = file("app:\n  title: \"cost $${PRICE} and $5\"\nauth: {mode: guest}\n");
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
    assert_eq!(key, "database.maxConnections");

    let (key, reason) = key_error("database:\n  max_connections: lots\n", &[]);
    assert_eq!(key, "database.maxConnections");
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
fn sign_in_and_policy_errors_name_the_key() {
    // A config file must say how people sign in: proxy mode without any trust check is refused.
    let (key, reason) = key_error("log: {level: info}\n", &[]);
    assert_eq!(key, "auth.proxy");
    assert!(reason.contains("trustedProxies"), "{reason}");
    let (key, _) = key_error(
        "auth: {proxy: {secret: {header: X-S, value: short}}}\n",
        &[],
    );
    assert_eq!(key, "auth.proxy.secret.value");
    let (key, reason) = key_error("auth: {proxy: {trustedProxies: [10.0.0.0/33]}}\n", &[]);
    assert_eq!(key, "auth.proxy.trustedProxies[0]", "{reason}");
    let (key, reason) = key_error("auth: {proxy: {jwt: {jwksFile: /nope.json, issuer: i, audience: [a]}, trustedProxies: [10.0.0.0/8]}}\n", &[]);
    assert_eq!(key, "auth.proxy.jwt");
    assert!(reason.contains("/nope.json"), "{reason}");
    let (key, _) = key_error(
        "auth: {mode: guest}\npermission: {admins: ['a:b:c']}\n",
        &[],
    );
    assert_eq!(key, "permission.admins");
    let (key, _) = key_error("auth: {mode: guest}\npermission: {rules: [{effect: allow, actions: [], resources: [admin], who: anyone}]}\n", &[]);
    assert_eq!(key, "permission.rules[0].actions");
    let (key, reason) = key_error("auth: {mode: guest}\npermission: {rules: [{effect: allow, actions: [fly], resources: [admin], who: anyone}]}\n", &[]);
    assert!(key.starts_with("permission.rules"), "{key}: {reason}");
    let (key, reason) = key_error(
        "auth: {mode: guest}\npermission: {policyFile: /missing.yaml}\n",
        &[],
    );
    assert_eq!(key, "permission.policyFile");
    assert!(reason.contains("/missing.yaml"), "{reason}");
}

#[test]
fn old_snake_case_spellings_still_work_and_are_named() {
    let f = file("server:\n  site_root: /srv/site\n  shutdownGraceSecs: 3\nauth:\n  mode: guest\n  guest_user: user:default/ann\n  proxy: {trusted_proxies: [10.0.0.0/8]}\npermission: {everyone_reads: false}\n");
    let loaded = load(Some(f.path()), env(&[])).expect("loads");
    assert_eq!(
        loaded.config.server.site_root,
        std::path::PathBuf::from("/srv/site")
    );
    assert_eq!(loaded.config.auth.guest_user, "user:default/ann");
    assert!(!loaded.config.permission.everyone_reads);
    assert!(loaded.unknown_keys.is_empty(), "{:?}", loaded.unknown_keys);
    let renamed: Vec<&str> = loaded
        .renamed_keys
        .iter()
        .map(|(_, new)| new.as_str())
        .collect();
    assert_eq!(
        renamed,
        [
            "server.siteRoot",
            "auth.guestUser",
            "auth.proxy.trustedProxies",
            "permission.everyoneReads"
        ]
    );
    // Environment overrides are SNAKE_CASE and name the camelCase keys, without a warning.
    let loaded = load(None, env(&[("TRELLIS__SERVER__SHUTDOWN_GRACE_SECS", "7")])).expect("loads");
    assert_eq!(loaded.config.server.shutdown_grace_secs, 7);
    assert!(loaded.renamed_keys.is_empty());
}

#[test]
fn unknown_keys_are_reported_not_fatal() {
    let f =
        file("databse:\n  url: sqlite:x.db\nserver:\n  lisen: 1.2.3.4:5\nauth: {mode: guest}\n");
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

#[test]
fn integration_and_home_errors_name_the_key_and_secrets_stay_hidden() {
    let guest = "auth: {mode: guest}\n";
    let (key, reason) = key_error(
        &format!("{guest}integrations: {{github: [{{host: github.com}}]}}\n"),
        &[],
    );
    assert_eq!(key, "integrations.github[0].token", "{reason}");
    let (key, _) = key_error(
        &format!("{guest}integrations: {{github: [{{host: github.com, token: t}}, {{host: 'https://ghe', token: t}}]}}\n"),
        &[],
    );
    assert_eq!(key, "integrations.github[1].host");
    let (key, _) = key_error(
        &format!("{guest}integrations: {{jira: [{{baseUrl: acme.atlassian.net, email: a@b, token: t}}]}}\n"),
        &[],
    );
    assert_eq!(key, "integrations.jira[0].baseUrl");
    let (key, _) = key_error(&format!("{guest}home: {{waitForMs: 0}}\n"), &[]);
    assert_eq!(key, "home.waitForMs");
    let (key, reason) = key_error(
        &format!("{guest}home: {{toolkit: [{{title: Runbooks, url: 'https://wiki.example/'}}, {{title: Evil, url: 'javascript:alert(1)'}}]}}\n"),
        &[],
    );
    assert_eq!(key, "home.toolkit[1].url");
    assert!(reason.contains("only http and https"), "{reason}");
    let (key, _) = key_error(
        &format!("{guest}home: {{toolkit: [{{title: '', url: /catalog}}]}}\n"),
        &[],
    );
    assert_eq!(key, "home.toolkit[0].title");
    let (key, _) = key_error(
        &format!("{guest}demo: {{upstream: {{errorRate: 2}}}}\n"),
        &[],
    );
    assert_eq!(key, "demo.upstream.errorRate");
    let f = file(&format!(
        "{guest}integrations: {{github: [{{host: github.com, token: '${{GH_TOKEN}}'}}]}}\nhome: {{githubLogin: emailLocalPart}}\n"
    ));
    let loaded = load(Some(f.path()), env(&[("GH_TOKEN", "ghp_secret")])).expect("valid");
    assert_eq!(
        loaded.config.integrations.github[0].token.as_deref(),
        Some("ghp_secret")
    );
    assert_eq!(loaded.config.home.github_login, LoginRule::EmailLocalPart);
    let shown = loaded.config.to_redacted_yaml();
    assert!(!shown.contains("ghp_secret"), "{shown}");

    // PagerDuty's scoped OAuth, in its Backstage plugin's keys; the secret stays hidden.
    let (key, _) = key_error(
        &format!("{guest}pagerDuty: {{oauth: {{clientId: c, clientSecret: s, subDomain: acme, region: apac}}}}\n"),
        &[],
    );
    assert_eq!(key, "pagerDuty.oauth.region");
    let (key, _) = key_error(&format!("{guest}home: {{pageCacheSecs: 61}}\n"), &[]);
    assert_eq!(key, "home.pageCacheSecs");
    let (key, reason) = key_error(
        &format!("{guest}home: {{freshForSecs: 3, pageCacheSecs: 5}}\n"),
        &[],
    );
    assert_eq!(key, "home.pageCacheSecs");
    assert!(reason.contains("freshForSecs"), "{reason}");
    let f = file(&format!(
        "{guest}pagerDuty: {{oauth: {{clientId: trellis, clientSecret: '${{PD_SECRET}}', subDomain: acme}}}}\n"
    ));
    let loaded = load(Some(f.path()), env(&[("PD_SECRET", "pd-oauth-secret")])).expect("valid");
    assert!(loaded.config.pager_duty.enabled());
    let shown = loaded.config.to_redacted_yaml();
    assert!(
        !shown.contains("pd-oauth-secret") && shown.contains("clientId: trellis"),
        "{shown}"
    );
    let f = file(&format!(
        "{guest}pagerDuty: {{accounts: [{{id: acme, isDefault: true, apiToken: pd-acme-key}}, {{id: globex, oauth: {{clientId: g, clientSecret: pd-globex-secret, subDomain: globex}}}}]}}\n"
    ));
    let loaded = load(Some(f.path()), env(&[])).expect("valid");
    assert_eq!(loaded.config.pager_duty.accounts.len(), 2);
    let shown = loaded.config.to_redacted_yaml();
    assert!(
        !shown.contains("pd-acme-key") && !shown.contains("pd-globex-secret"),
        "{shown}"
    );
}
