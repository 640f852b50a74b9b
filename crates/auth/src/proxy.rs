//! Identity from an OAuth proxy (oauth2-proxy style): the proxy authenticates the browser and
//! passes who it is in headers (<https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview>:
//! `X-Forwarded-User`, `X-Forwarded-Email`, `X-Forwarded-Preferred-Username`, and the
//! `X-Auth-Request-*` variants).
//!
//! Unlike Backstage's proxy provider, the headers are believed only when the request passes
//! every configured trust check: the peer address is in `trusted_proxies`, the shared secret
//! header matches, the forwarded JWT verifies. Identity headers that are repeated (in any
//! letter case), too long, hold control characters, or disagree across variants are refused:
//! such a request has no identity.

use std::net::IpAddr;

use http::{HeaderMap, HeaderName};
use ipnet::IpNet;
use subtle::ConstantTimeEq;

use crate::config::ProxyConfig;
use crate::jwt::Verifier;

/// Longest identity header value accepted.
const MAX_VALUE: usize = 256;

/// What the proxy says about the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims {
    /// User id (`X-Forwarded-User`, or the token's `sub`).
    pub user: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Preferred user name.
    pub preferred_username: Option<String>,
}

/// Why a request carries no identity. Logged at debug level, never with the header values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The peer is not in `trusted_proxies` (or unknown).
    #[error("peer is not a trusted proxy")]
    UntrustedPeer,
    /// The shared secret header is missing, repeated or wrong.
    #[error("proxy secret missing or wrong")]
    BadSecret,
    /// The JWT is missing or refused.
    #[error("proxy token: {0}")]
    Token(String),
    /// An identity header came more than once.
    #[error("identity header `{0}` repeated")]
    Repeated(String),
    /// An identity header's value is not acceptable.
    #[error("identity header `{0}` has an invalid value")]
    InvalidValue(String),
    /// Two header variants of one claim disagree.
    #[error("identity headers for `{0}` disagree")]
    Conflicting(&'static str),
    /// A trusted request that names nobody.
    #[error("no identity in the request")]
    NoIdentity,
}

/// The compiled trust rules and header names.
#[derive(Debug)]
pub struct ProxyTrust {
    ranges: Vec<IpNet>,
    secret: Option<(HeaderName, Vec<u8>)>,
    jwt: Option<(HeaderName, Verifier)>,
    user: Vec<HeaderName>,
    email: Vec<HeaderName>,
    preferred_username: Vec<HeaderName>,
}

fn names(list: &[String]) -> Result<Vec<HeaderName>, String> {
    list.iter()
        .map(|n| {
            HeaderName::from_bytes(n.as_bytes()).map_err(|_| format!("`{n}` is not a header name"))
        })
        .collect()
}

impl ProxyTrust {
    /// Compiles `config` (already validated; errors name the problem anyway).
    pub fn new(config: &ProxyConfig) -> Result<ProxyTrust, String> {
        let secret = match &config.secret {
            Some(s) => Some((
                HeaderName::from_bytes(s.header.as_bytes())
                    .map_err(|_| format!("`{}` is not a header name", s.header))?,
                s.value.as_bytes().to_vec(),
            )),
            None => None,
        };
        let jwt = match &config.jwt {
            Some(j) => Some((
                HeaderName::from_bytes(j.header.as_bytes())
                    .map_err(|_| format!("`{}` is not a header name", j.header))?,
                Verifier::new(j)?,
            )),
            None => None,
        };
        Ok(ProxyTrust {
            ranges: config.trusted_proxies.clone(),
            secret,
            jwt,
            user: names(&config.headers.user)?,
            email: names(&config.headers.email)?,
            preferred_username: names(&config.headers.preferred_username)?,
        })
    }

    /// The claims of a request from `peer`, or why it has none.
    pub fn claims(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Result<Claims, Rejection> {
        if !self.ranges.is_empty() {
            let peer = peer.map(canonical).ok_or(Rejection::UntrustedPeer)?;
            if !self.ranges.iter().any(|range| range.contains(&peer)) {
                return Err(Rejection::UntrustedPeer);
            }
        }
        if let Some((name, expected)) = &self.secret {
            let given = single(headers, name).map_err(|_| Rejection::BadSecret)?;
            let ok = given.is_some_and(|v| bool::from(v.as_bytes().ct_eq(expected)));
            if !ok {
                return Err(Rejection::BadSecret);
            }
        }
        if let Some((name, verifier)) = &self.jwt {
            let token = single(headers, name)
                .map_err(|_| Rejection::Token("token header repeated".into()))?
                .ok_or_else(|| Rejection::Token("no token".into()))?;
            let token = std::str::from_utf8(token.as_bytes())
                .map_err(|_| Rejection::Token("token is not text".into()))?;
            let claims = verifier.verify(token).map_err(Rejection::Token)?;
            // A verified token speaks for itself: headers cannot change who it names.
            let claims = Claims {
                user: clean(claims.sub, "sub")?,
                email: clean(claims.email, "email")?,
                preferred_username: clean(claims.preferred_username, "preferred_username")?,
            };
            return named(claims);
        }
        named(Claims {
            user: claim(headers, &self.user, "user")?,
            email: claim(headers, &self.email, "email")?,
            preferred_username: claim(headers, &self.preferred_username, "preferred_username")?,
        })
    }
}

/// IPv4 peers arriving as IPv4-mapped IPv6 addresses compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn named(claims: Claims) -> Result<Claims, Rejection> {
    if claims.user.is_none() && claims.email.is_none() && claims.preferred_username.is_none() {
        return Err(Rejection::NoIdentity);
    }
    Ok(claims)
}

/// The value of a header that may appear at most once.
fn single<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
) -> Result<Option<&'a http::HeaderValue>, ()> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    if values.next().is_some() {
        return Err(());
    }
    Ok(first)
}

/// One claim from its header variants: each at most once, all present ones equal.
fn claim(
    headers: &HeaderMap,
    names: &[HeaderName],
    what: &'static str,
) -> Result<Option<String>, Rejection> {
    let mut found: Option<String> = None;
    for name in names {
        let value = single(headers, name).map_err(|_| Rejection::Repeated(name.to_string()))?;
        let Some(value) = value else { continue };
        let text =
            valid(value.as_bytes()).ok_or_else(|| Rejection::InvalidValue(name.to_string()))?;
        match &found {
            Some(previous) if previous != text => return Err(Rejection::Conflicting(what)),
            Some(_) => {}
            None => found = Some(text.to_string()),
        }
    }
    Ok(found)
}

/// A token claim, held to the same rules as a header value.
fn clean(value: Option<String>, what: &'static str) -> Result<Option<String>, Rejection> {
    match value {
        Some(v) if valid(v.as_bytes()).is_none() => Err(Rejection::InvalidValue(what.into())),
        other => Ok(other),
    }
}

/// The trimmed text of an acceptable identity value: UTF-8, no control characters, not empty,
/// at most [`MAX_VALUE`] bytes.
fn valid(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    if text.len() > MAX_VALUE || text.chars().any(char::is_control) {
        return None;
    }
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}
