//! The directory connection (`ldap3`): connect (ldap://, ldaps://, StartTLS), bind, and paged
//! searches (RFC 2696). Any failure, including a search the server ended early (size or time
//! limit), is an error: a partial result must never pass for the whole org.

use std::collections::HashMap;
use std::time::Duration;

use ldap3::adapters::{Adapter, EntriesOnly, PagedResults};
use ldap3::{LdapConnAsync, LdapConnSettings, Scope, SearchEntry};

use crate::config::{LdapOrgConfig, SearchConfig};

/// What went wrong talking to the directory. Messages never contain the bind secret.
#[derive(Debug, thiserror::Error)]
pub enum LdapError {
    /// The server could not be reached.
    #[error("cannot connect to {target}: {reason}")]
    Connect {
        /// The configured target.
        target: String,
        /// Why.
        reason: String,
    },
    /// The bind was refused.
    #[error("bind as `{dn}` failed: {reason}")]
    Bind {
        /// The DN bound as.
        dn: String,
        /// Why.
        reason: String,
    },
    /// A search failed or ended early.
    #[error("search under `{base}` failed: {reason}")]
    Search {
        /// Search base.
        base: String,
        /// Why.
        reason: String,
    },
}

/// One directory entry: its DN and its attributes (names lower-cased; binary ones dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LdapEntry {
    /// Distinguished name as the server sent it.
    pub dn: String,
    /// Attribute values by lower-case attribute name.
    pub attrs: HashMap<String, Vec<String>>,
}

impl LdapEntry {
    /// First value of `attr` (case-insensitive).
    pub fn first(&self, attr: &str) -> Option<&str> {
        self.all(attr).first().map(String::as_str)
    }

    /// All values of `attr` (case-insensitive).
    pub fn all(&self, attr: &str) -> &[String] {
        self.attrs
            .get(&attr.to_lowercase())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

/// A bound connection to the directory.
pub struct Directory {
    ldap: ldap3::Ldap,
    timeout: Duration,
}

impl Directory {
    /// Connects to `config.target` and binds.
    pub async fn connect(config: &LdapOrgConfig) -> Result<Directory, LdapError> {
        let timeout = Duration::from_secs(config.timeout_secs.max(1));
        let settings = LdapConnSettings::new()
            .set_conn_timeout(timeout)
            .set_starttls(config.tls.start_tls && config.target.starts_with("ldap://"))
            .set_no_tls_verify(!config.tls.reject_unauthorized);
        let connect = |reason: String| LdapError::Connect {
            target: config.target.clone(),
            reason,
        };
        let (conn, mut ldap) = LdapConnAsync::with_settings(settings, &config.target)
            .await
            .map_err(|e| connect(e.to_string()))?;
        tokio::spawn(async move {
            if let Err(e) = conn.drive().await {
                tracing::debug!(error = %e, "ldap connection ended");
            }
        });
        if let Some(bind) = &config.bind {
            let refused = |reason: String| LdapError::Bind {
                dn: bind.dn.clone(),
                reason,
            };
            ldap.with_timeout(timeout)
                .simple_bind(&bind.dn, &bind.secret)
                .await
                .map_err(|e| refused(e.to_string()))?
                .success()
                .map_err(|e| refused(e.to_string()))?;
        }
        Ok(Directory { ldap, timeout })
    }

    /// Runs one `users`/`groups` search, calling `progress` with the entries read so far.
    pub async fn search(
        &mut self,
        search: &SearchConfig,
        default_filter: &str,
        default_attributes: &[String],
        progress: &mut (dyn FnMut(usize) + Send),
    ) -> Result<Vec<LdapEntry>, LdapError> {
        let failed = |reason: String| LdapError::Search {
            base: search.dn.clone(),
            reason,
        };
        let scope = match search.options.scope.as_str() {
            "base" => Scope::Base,
            "one" => Scope::OneLevel,
            _ => Scope::Subtree,
        };
        let filter = search.options.filter.as_deref().unwrap_or(default_filter);
        let attrs: Vec<&str> = search
            .options
            .attributes
            .as_deref()
            .unwrap_or(default_attributes)
            .iter()
            .map(String::as_str)
            .collect();
        let mut adapters: Vec<Box<dyn Adapter<'_, &str, Vec<&str>>>> =
            vec![Box::new(EntriesOnly::new())];
        if let Some(size) = search.options.paged.page_size() {
            adapters.push(Box::new(PagedResults::new(size)));
        }
        let mut stream = self
            .ldap
            .with_timeout(self.timeout)
            .streaming_search_with(adapters, &search.dn, scope, filter, attrs)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let mut out = Vec::new();
        loop {
            let next = tokio::time::timeout(self.timeout, stream.next())
                .await
                .map_err(|_| failed(format!("no answer within {} s", self.timeout.as_secs())))?;
            match next.map_err(|e| failed(e.to_string()))? {
                Some(raw) => {
                    let entry = SearchEntry::construct(raw);
                    out.push(LdapEntry {
                        dn: entry.dn,
                        attrs: entry
                            .attrs
                            .into_iter()
                            .map(|(k, v)| (k.to_lowercase(), v))
                            .collect(),
                    });
                    if out.len() % 500 == 0 {
                        progress(out.len());
                    }
                }
                None => break,
            }
        }
        let result = stream.finish().await;
        result.success().map_err(|e| {
            let reason = match &e {
                ldap3::LdapError::LdapResult { result } if result.rc == 4 => format!(
                    "the server's size limit cut the result at {} entries (turn on `options.paged`)",
                    out.len()
                ),
                other => other.to_string(),
            };
            failed(reason)
        })?;
        progress(out.len());
        Ok(out)
    }

    /// Ends the session.
    pub async fn close(mut self) {
        let _ = self.ldap.unbind().await;
    }
}
