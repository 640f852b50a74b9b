//! One sync of an LDAP org provider: read everything, map it, check it is safe, apply it in one
//! transaction through the catalog's ingestion path (scope `provider:ldap-org:<id>`).
//!
//! Aborts, keeping every stored entity, when the directory is unreachable, the bind fails, a
//! search fails or times out part-way, the result is empty, or the sync would delete more than
//! `maxDeleteShare` of the stored users or of the stored groups.

use std::collections::HashSet;
use std::time::Instant;

use chrono::Utc;
use serde::Serialize;
use tokio::sync::mpsc;
use trellis_catalog::store::{apply_stream, ApplySummary, ReadMessage, Scope, PROVIDER_ORIGIN};
use trellis_catalog::{CatalogRead, Issue, Level, ReadEntity};
use trellis_store::{with_pool, Db, StoreError};

use crate::config::LdapOrgConfig;
use crate::directory::{Directory, LdapError};
use crate::map::to_entities;

const USERS: &str = "(objectClass=inetOrgPerson)";
const GROUPS: &str =
    "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))";

/// Which provider, and how to report progress.
pub struct SyncOptions<'a> {
    /// The provider's id (`catalog.providers.ldapOrg.<id>`).
    pub id: &'a str,
    /// Called with a line describing progress (entries read so far, applying).
    pub progress: &'a mut (dyn FnMut(&str) + Send),
}

/// What a sync did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// Users read and valid.
    pub users: usize,
    /// Groups read and valid.
    pub groups: usize,
    /// Entries that could not be taken, and why.
    pub problems: Vec<String>,
    /// What the apply changed.
    pub summary: ApplySummary,
    /// Time reading the directory.
    pub read_ms: u128,
    /// Time applying.
    pub apply_ms: u128,
}

/// Why a sync was aborted (nothing stored changed).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The directory failed.
    #[error(transparent)]
    Directory(#[from] LdapError),
    /// The directory returned no users and no groups.
    #[error("the directory returned no users and no groups; keeping the stored org")]
    Empty,
    /// Too much would be deleted.
    #[error("the sync would remove {removed} of {stored} stored {what} ({percent:.0} %, more than the allowed {allowed:.0} %); keeping the stored org")]
    TooManyRemovals {
        /// `users` or `groups`.
        what: &'static str,
        /// How many would go.
        removed: usize,
        /// How many are stored.
        stored: usize,
        /// Their share in percent.
        percent: f64,
        /// `maxDeleteShare` in percent.
        allowed: f64,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The origin of this provider's entities.
pub fn origin(id: &str) -> String {
    format!("{PROVIDER_ORIGIN}ldap-org:{id}")
}

/// Syncs provider `options.id` once.
pub async fn sync(
    db: &Db,
    config: &LdapOrgConfig,
    options: SyncOptions<'_>,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let progress = options.progress;
    let mut directory = Directory::connect(config).await?;
    let vendor: Vec<String> = ["entryDN", "entryUUID"]
        .into_iter()
        .map(str::to_string)
        .chain(config.vendor.dn_attribute_name.clone())
        .chain(config.vendor.uuid_attribute_name.clone())
        .collect();
    let mut read = [Vec::new(), Vec::new()];
    // [0] users, [1] groups
    for (index, (what, blocks, filter)) in [
        ("users", &config.users, USERS),
        ("groups", &config.groups, GROUPS),
    ]
    .into_iter()
    .enumerate()
    {
        for block in blocks {
            let mut attributes = block.map.attributes(index == 1);
            attributes.extend(vendor.iter().cloned());
            let entries = directory
                .search(block, filter, &attributes, &mut |n| {
                    progress(&format!("{what} under {}: {n} read", block.dn))
                })
                .await?;
            read[index].push((block.clone(), entries));
        }
    }
    let [users, groups] = read;
    directory.close().await;
    let read_ms = started.elapsed().as_millis();
    let origin = origin(options.id);
    let org = to_entities(config, &users, &groups, &origin);
    drop((users, groups));
    if org.users.is_empty() && org.groups.is_empty() {
        return Err(SyncError::Empty);
    }
    check_removals(
        db,
        &origin,
        config.max_delete_share,
        &org.users,
        &org.groups,
    )
    .await?;
    progress(&format!(
        "applying {} users and {} groups",
        org.users.len(),
        org.groups.len()
    ));
    let applying = Instant::now();
    let (users, groups) = (org.users.len(), org.groups.len());
    let entities: Vec<ReadEntity> = org
        .users
        .into_iter()
        .chain(org.groups)
        .map(|entity| ReadEntity {
            entity,
            origin: origin.clone(),
            file: config.target.clone(),
        })
        .collect();
    let issues = org
        .problems
        .iter()
        .map(|message| Issue {
            level: Level::Error,
            location: origin.clone(),
            file: config.target.clone(),
            document: None,
            entity_ref: None,
            message: message.clone(),
        })
        .collect();
    let (tx, rx) = mpsc::channel(2);
    let sender = tokio::spawn(async move {
        let mut entities = entities;
        if tx.send(ReadMessage::Expect(entities.len())).await.is_err() {
            return;
        }
        while !entities.is_empty() {
            let rest = entities.split_off(entities.len().min(1000));
            if tx.send(ReadMessage::Entities(entities)).await.is_err() {
                return;
            }
            entities = rest;
        }
        let tail = CatalogRead {
            issues,
            ..CatalogRead::default()
        };
        let _ = tx.send(ReadMessage::Done(tail)).await;
    });
    let summary = apply_stream(db, rx, &Scope::Provider(origin), Utc::now()).await;
    let _ = sender.await;
    Ok(SyncReport {
        users,
        groups,
        problems: org.problems,
        summary: summary?,
        read_ms,
        apply_ms: applying.elapsed().as_millis(),
    })
}

/// Refuses a sync that would remove more than `share` of the stored users or groups.
async fn check_removals(
    db: &Db,
    origin: &str,
    share: f64,
    users: &[trellis_shared::catalog::Entity],
    groups: &[trellis_shared::catalog::Entity],
) -> Result<(), SyncError> {
    let stored: Vec<(String, String)> = with_pool!(db, pool => {
        sqlx::query_as("SELECT entity_ref, kind FROM catalog.entities WHERE origin = $1")
            .bind(origin)
            .fetch_all(pool)
            .await
    })
    .map_err(StoreError::from)?;
    for (what, kind, read) in [("users", "user", users), ("groups", "group", groups)] {
        let read: HashSet<String> = read.iter().map(|e| e.entity_ref().canonical()).collect();
        let of_kind: Vec<&String> = stored
            .iter()
            .filter(|(_, k)| k == kind)
            .map(|(r, _)| r)
            .collect();
        let removed = of_kind.iter().filter(|r| !read.contains(**r)).count();
        if of_kind.is_empty() || removed == 0 {
            continue;
        }
        let fraction = removed as f64 / of_kind.len() as f64;
        if fraction > share {
            return Err(SyncError::TooManyRemovals {
                what,
                removed,
                stored: of_kind.len(),
                percent: fraction * 100.0,
                allowed: share * 100.0,
            });
        }
    }
    Ok(())
}
