//! JWT verification for proxy sign-in (RFC 7519): the token the proxy forwards is checked
//! against the identity provider's public keys from a JSON Web Key Set file (RFC 7517), with its
//! algorithm, issuer, audience, expiry and not-before enforced by `jsonwebtoken`. Unsigned
//! (`alg: none`) and symmetric algorithms are never accepted.

use std::collections::HashMap;
use std::str::FromStr;

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use crate::config::JwtConfig;

/// Verifies tokens against one configuration.
pub struct Verifier {
    keys: HashMap<String, DecodingKey>,
    only: Option<DecodingKey>,
    validation: Validation,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The identity claims Trellis reads from a verified token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct TokenClaims {
    /// Subject.
    #[serde(default)]
    pub sub: Option<String>,
    /// Email (OpenID Connect standard claim).
    #[serde(default)]
    pub email: Option<String>,
    /// Preferred user name (OpenID Connect standard claim).
    #[serde(default)]
    pub preferred_username: Option<String>,
}

impl Verifier {
    /// Loads the key set and builds the validation rules; the error names what is wrong.
    pub fn new(config: &JwtConfig) -> Result<Verifier, String> {
        let text = std::fs::read_to_string(&config.jwks_file)
            .map_err(|e| format!("jwks_file `{}` cannot be read: {e}", config.jwks_file))?;
        let set: JwkSet = serde_json::from_str(&text).map_err(|e| {
            format!(
                "jwks_file `{}` is not a JSON Web Key Set: {e}",
                config.jwks_file
            )
        })?;
        let mut algorithms = Vec::new();
        for name in &config.algorithms {
            let algorithm = Algorithm::from_str(name)
                .map_err(|_| format!("algorithms: `{name}` is not a JWS algorithm"))?;
            if matches!(
                algorithm,
                Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
            ) {
                return Err(format!(
                    "algorithms: `{name}` is symmetric; use the provider's public-key algorithm (RS256, ES256, ...)"
                ));
            }
            algorithms.push(algorithm);
        }
        let Some(first) = algorithms.first().copied() else {
            return Err("algorithms: name at least one".into());
        };
        if config.issuer.trim().is_empty() {
            return Err("issuer: must not be empty".into());
        }
        if config.audience.is_empty() {
            return Err("audience: name at least one".into());
        }
        let mut keys = HashMap::new();
        let mut only = None;
        for (i, jwk) in set.keys.iter().enumerate() {
            let key = DecodingKey::from_jwk(jwk)
                .map_err(|e| format!("jwks_file key {i} cannot be used: {e}"))?;
            match &jwk.common.key_id {
                Some(kid) => {
                    keys.insert(kid.clone(), key);
                }
                None if set.keys.len() == 1 => only = Some(key),
                None => {
                    return Err(format!(
                        "jwks_file key {i} has no `kid` and is not the only key"
                    ))
                }
            }
        }
        if keys.is_empty() && only.is_none() {
            return Err(format!("jwks_file `{}` holds no keys", config.jwks_file));
        }
        let mut validation = Validation::new(first);
        validation.algorithms = algorithms;
        validation.set_issuer(&[config.issuer.as_str()]);
        validation.set_audience(&config.audience);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = config.leeway_secs;
        Ok(Verifier {
            keys,
            only,
            validation,
        })
    }

    /// The claims of a valid token; otherwise why it was refused.
    pub fn verify(&self, token: &str) -> Result<TokenClaims, String> {
        let token = token
            .strip_prefix("Bearer ")
            .or_else(|| token.strip_prefix("bearer "))
            .unwrap_or(token)
            .trim();
        let header = decode_header(token).map_err(|e| format!("malformed token: {e}"))?;
        let key = match &header.kid {
            Some(kid) => self
                .keys
                .get(kid)
                .ok_or_else(|| format!("token signed with unknown key `{kid}`"))?,
            None => self
                .only
                .as_ref()
                .ok_or("token names no key (`kid`) and the key set has several")?,
        };
        decode::<TokenClaims>(token, key, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| format!("token refused: {e}"))
    }
}
