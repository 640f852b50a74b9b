//! Attack tests of proxy sign-in at the trust layer: none of these requests may produce claims.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use http::{HeaderMap, HeaderName, HeaderValue};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::json;
use trellis_auth::config::{JwtConfig, ProxyConfig, SecretHeader};
use trellis_auth::proxy::{Claims, ProxyTrust, Rejection};

const PROXY: &str = "10.1.2.3";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().expect("ip"))
}

fn trusting_network() -> ProxyTrust {
    let config = ProxyConfig {
        trusted_proxies: vec!["10.0.0.0/8".parse().expect("cidr")],
        ..ProxyConfig::default()
    };
    ProxyTrust::new(&config).expect("trust")
}

fn headers(pairs: &[(&str, &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("name");
        map.append(name, HeaderValue::from_bytes(value).expect("value"));
    }
    map
}

#[test]
fn trusted_peer_with_identity_headers_is_believed() {
    let trust = trusting_network();
    let claims = trust
        .claims(
            &headers(&[
                ("X-Forwarded-Email", b"jane@acme.example"),
                ("X-Forwarded-User", b"jane"),
            ]),
            ip(PROXY),
        )
        .expect("claims");
    assert_eq!(claims.email.as_deref(), Some("jane@acme.example"));
    assert_eq!(claims.user.as_deref(), Some("jane"));
    // The X-Auth-Request-* variants work alone, and an IPv4 peer seen as IPv4-mapped IPv6 too.
    let claims = trust
        .claims(
            &headers(&[("X-Auth-Request-Preferred-Username", b"jane")]),
            ip("::ffff:10.1.2.3"),
        )
        .expect("claims");
    assert_eq!(claims.preferred_username.as_deref(), Some("jane"));
}

#[test]
fn identity_headers_from_untrusted_peers_are_ignored() {
    let trust = trusting_network();
    let h = headers(&[("X-Forwarded-Email", b"ceo@acme.example")]);
    assert_eq!(
        trust.claims(&h, ip("192.168.1.9")),
        Err(Rejection::UntrustedPeer)
    );
    assert_eq!(trust.claims(&h, ip("::1")), Err(Rejection::UntrustedPeer));
    assert_eq!(trust.claims(&h, None), Err(Rejection::UntrustedPeer));
}

#[test]
fn repeated_or_differently_cased_headers_are_refused() {
    let trust = trusting_network();
    let twice = headers(&[("X-Forwarded-User", b"jane"), ("X-Forwarded-User", b"ceo")]);
    assert!(matches!(
        trust.claims(&twice, ip(PROXY)),
        Err(Rejection::Repeated(_))
    ));
    let cased = headers(&[("x-forwarded-user", b"jane"), ("X-FORWARDED-USER", b"jane")]);
    assert!(matches!(
        trust.claims(&cased, ip(PROXY)),
        Err(Rejection::Repeated(_))
    ));
    let disagree = headers(&[
        ("X-Forwarded-Email", b"jane@acme.example"),
        ("X-Auth-Request-Email", b"ceo@acme.example"),
    ]);
    assert_eq!(
        trust.claims(&disagree, ip(PROXY)),
        Err(Rejection::Conflicting("email"))
    );
}

#[test]
fn control_characters_and_junk_values_are_refused() {
    let trust = trusting_network();
    for value in [&b"jane\tadmin"[..], b"\xffjane", b"   ", &[b'a'; 300]] {
        let h = headers(&[("X-Forwarded-User", value)]);
        assert!(
            matches!(trust.claims(&h, ip(PROXY)), Err(Rejection::InvalidValue(_))),
            "{value:?} must be refused"
        );
    }
}

#[test]
fn a_trusted_proxy_that_names_nobody_gives_no_identity() {
    let trust = trusting_network();
    assert_eq!(
        trust.claims(&HeaderMap::new(), ip(PROXY)),
        Err(Rejection::NoIdentity)
    );
}

#[test]
fn the_shared_secret_must_match_exactly_once() {
    let config = ProxyConfig {
        secret: Some(SecretHeader {
            header: "X-Proxy-Secret".into(),
            value: "a-long-shared-secret".into(),
        }),
        ..ProxyConfig::default()
    };
    let trust = ProxyTrust::new(&config).expect("trust");
    let user: (&str, &[u8]) = ("X-Forwarded-User", b"jane");
    let ok = headers(&[user, ("X-Proxy-Secret", b"a-long-shared-secret")]);
    assert!(
        trust.claims(&ok, ip("203.0.113.5")).is_ok(),
        "the secret alone suffices when it is the only check"
    );
    for bad in [
        headers(&[user]),
        headers(&[user, ("X-Proxy-Secret", b"a-long-shared-secreT")]),
        headers(&[
            user,
            ("X-Proxy-Secret", b"a-long-shared-secret"),
            ("X-Proxy-Secret", b"x"),
        ]),
    ] {
        assert_eq!(
            trust.claims(&bad, ip("203.0.113.5")),
            Err(Rejection::BadSecret)
        );
    }
}

fn jwt_trust() -> ProxyTrust {
    let config = ProxyConfig {
        trusted_proxies: vec!["127.0.0.0/8".parse().expect("cidr")],
        jwt: Some(JwtConfig {
            header: "X-Forwarded-Access-Token".into(),
            jwks_file: fixture("jwks.json").display().to_string(),
            issuer: "https://sso.acme.example".into(),
            audience: vec!["trellis".into()],
            algorithms: vec!["RS256".into()],
            leeway_secs: 5,
        }),
        ..ProxyConfig::default()
    };
    ProxyTrust::new(&config).expect("trust")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn token(key: &str, kid: Option<&str>, claims: serde_json::Value) -> String {
    let pem = std::fs::read(fixture(key)).expect("key");
    let mut header = Header::new(Algorithm::RS256);
    header.kid = kid.map(str::to_string);
    encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_pem(&pem).expect("pem"),
    )
    .expect("encode")
}

fn good_claims() -> serde_json::Value {
    json!({"iss": "https://sso.acme.example", "aud": "trellis", "exp": now() + 300, "sub": "u-123", "email": "jane@acme.example"})
}

fn with_token(token: &str) -> HeaderMap {
    headers(&[
        ("X-Forwarded-Access-Token", token.as_bytes()),
        ("X-Forwarded-Email", b"ceo@acme.example"),
    ])
}

#[test]
fn a_verified_jwt_names_the_user_and_headers_cannot_override_it() {
    let trust = jwt_trust();
    let claims = trust
        .claims(
            &with_token(&token("idp-key.pem", Some("idp-1"), good_claims())),
            ip("127.0.0.1"),
        )
        .expect("valid token");
    assert_eq!(
        claims,
        Claims {
            user: Some("u-123".into()),
            email: Some("jane@acme.example".into()),
            preferred_username: None,
        }
    );
}

#[test]
fn forged_expired_and_misaddressed_jwts_are_refused() {
    let trust = jwt_trust();
    let mut expired = good_claims();
    expired["exp"] = json!(now() - 60);
    let mut wrong_audience = good_claims();
    wrong_audience["aud"] = json!("another-app");
    let mut wrong_issuer = good_claims();
    wrong_issuer["iss"] = json!("https://evil.example");
    let mut not_yet = good_claims();
    not_yet["nbf"] = json!(now() + 600);
    let mut no_expiry = good_claims();
    no_expiry.as_object_mut().expect("object").remove("exp");
    let forged = token("other-key.pem", Some("idp-1"), good_claims());
    let unknown_key = token("idp-key.pem", Some("idp-2"), good_claims());
    // alg=none: a header and payload with an empty signature.
    let b64 = |v: serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let unsigned = format!(
        "{}.{}.",
        b64(json!({"alg": "none", "typ": "JWT"})),
        b64(good_claims())
    );
    let cases = [
        ("expired", token("idp-key.pem", Some("idp-1"), expired)),
        (
            "wrong audience",
            token("idp-key.pem", Some("idp-1"), wrong_audience),
        ),
        (
            "wrong issuer",
            token("idp-key.pem", Some("idp-1"), wrong_issuer),
        ),
        (
            "not yet valid",
            token("idp-key.pem", Some("idp-1"), not_yet),
        ),
        ("no expiry", token("idp-key.pem", Some("idp-1"), no_expiry)),
        ("forged signature", forged),
        ("unknown key", unknown_key),
        ("alg none", unsigned),
        ("garbage", "not.a.token".into()),
    ];
    for (what, token) in cases {
        let result = trust.claims(&with_token(&token), ip("127.0.0.1"));
        assert!(
            matches!(result, Err(Rejection::Token(_))),
            "{what}: {result:?}"
        );
    }
    // No token at all, or a valid one from an untrusted peer.
    let bare = headers(&[("X-Forwarded-Email", b"jane@acme.example")]);
    assert!(matches!(
        trust.claims(&bare, ip("127.0.0.1")),
        Err(Rejection::Token(_))
    ));
    let valid = with_token(&token("idp-key.pem", Some("idp-1"), good_claims()));
    assert_eq!(
        trust.claims(&valid, ip("10.9.9.9")),
        Err(Rejection::UntrustedPeer)
    );
}
