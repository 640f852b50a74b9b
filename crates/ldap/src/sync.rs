//! One sync of an LDAP org provider: read everything, map it and apply it in one transaction
//! through the catalog's ingestion path (scope `provider:ldap-org:<id>`), committed only once
//! the whole result is checked safe.
//!
//! Aborts, keeping every stored entity, when the directory is unreachable, the bind fails, a
//! search fails or times out part-way, the result is empty, or the sync would delete more than
//! `maxDeleteShare` of the stored users or of the stored groups.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Instant;

use chrono::Utc;
use serde::Serialize;
use tokio::sync::mpsc;
use trellis_catalog::store::{apply_stream, ApplySummary, ReadMessage, Scope, PROVIDER_ORIGIN};
use trellis_catalog::{CatalogRead, Issue, Level, ReadEntity};
use trellis_store::{with_pool, Db, StoreError};

use crate::config::{LdapOrgConfig, SearchConfig};
use crate::directory::{Directory, LdapEntry, LdapError};
use crate::map::{map_entries, Mapped};

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

/// Entities per batch handed to the apply.
const BATCH: usize = 1000;

/// Entities in the first batch: small, so the apply starts writing as early as it can.
const FIRST_BATCH: usize = 100;

/// Syncs provider `options.id` once.
pub async fn sync(
    db: &Db,
    config: &LdapOrgConfig,
    options: SyncOptions<'_>,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let progress = Mutex::new(options.progress);
    let report = |line: String| {
        if let Ok(mut progress) = progress.lock() {
            progress(&line)
        }
    };
    // Users and groups are read at the same time, over two connections (OpenLDAP keeps one
    // paged search per connection).
    let origin = origin(options.id);
    let (users, groups, stored) = tokio::try_join!(
        async { Ok(read(config, false, &report).await?) },
        async { Ok(read(config, true, &report).await?) },
        stored_refs(db, &origin),
    )?;
    let read_ms = started.elapsed().as_millis();
    let entries: usize = users.iter().chain(&groups).map(|(_, e)| e.len()).sum();
    report(format!("mapping and applying {entries} entries"));
    let applying = Instant::now();

    // The mapping runs on a blocking thread and hands over batches as they are ready, so the
    // apply writes while the rest is mapped. The checks that need the whole org run before the
    // apply may commit: when one fails, the stream ends without `Done` and nothing is kept.
    let (tx, rx) = mpsc::channel(2);
    let mapper = {
        let (tx, config, origin) = (tx.clone(), config.clone(), origin.clone());
        tokio::task::spawn_blocking(move || map_in_batches(&config, &users, &groups, &origin, tx))
    };
    let feed = async {
        // Owned here, so an early return closes the stream and the apply rolls back.
        let tx = tx;
        if tx.send(ReadMessage::Expect(entries)).await.is_err() {
            return Ok(None);
        }
        let mapped = mapper.await.map_err(|e| StoreError::Invalid {
            field: "ldap",
            reason: format!("mapping the directory entries failed: {e}"),
        })?;
        if mapped.users.is_empty() && mapped.groups.is_empty() {
            return Err(SyncError::Empty);
        }
        check_removals(
            &stored,
            config.max_delete_share,
            &mapped.users,
            &mapped.groups,
        )?;
        let issues = mapped
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
        let tail = CatalogRead {
            issues,
            ..CatalogRead::default()
        };
        let _ = tx.send(ReadMessage::Done(tail)).await;
        Ok(Some(mapped))
    };
    let scope = Scope::Provider(origin.clone());
    let (summary, fed) = tokio::join!(apply_stream(db, rx, &scope, Utc::now()), feed);
    // A refused org is the reason the apply stopped: report it, not the stopped stream.
    let Some(mapped) = fed? else {
        return Err(summary.err().map_or(SyncError::Empty, SyncError::Store));
    };
    Ok(SyncReport {
        users: mapped.users.len(),
        groups: mapped.groups.len(),
        problems: mapped.problems,
        summary: summary?,
        read_ms,
        apply_ms: applying.elapsed().as_millis(),
    })
}

/// Reads every `users` (or `groups`) block over its own connection.
async fn read(
    config: &LdapOrgConfig,
    groups: bool,
    report: &(dyn Fn(String) + Sync),
) -> Result<Vec<(SearchConfig, Vec<LdapEntry>)>, LdapError> {
    let (what, blocks, filter) = if groups {
        ("groups", &config.groups, GROUPS)
    } else {
        ("users", &config.users, USERS)
    };
    let mut directory = Directory::connect(config).await?;
    let vendor = ["entryDN", "entryUUID"]
        .into_iter()
        .map(str::to_string)
        .chain(config.vendor.dn_attribute_name.clone())
        .chain(config.vendor.uuid_attribute_name.clone());
    let mut read = Vec::new();
    for block in blocks {
        let mut attributes = block.map.attributes(groups);
        attributes.extend(vendor.clone());
        let entries = directory
            .search(block, filter, &attributes, &mut |n| {
                report(format!("{what} under {}: {n} read", block.dn))
            })
            .await;
        match entries {
            Ok(entries) => read.push((block.clone(), entries)),
            Err(e) => {
                directory.close().await;
                return Err(e);
            }
        }
    }
    directory.close().await;
    Ok(read)
}

/// What the mapping produced, besides the entities it handed to the apply.
struct MappedOrg {
    /// Refs of the valid users.
    users: HashSet<String>,
    /// Refs of the valid groups.
    groups: HashSet<String>,
    problems: Vec<String>,
}

/// Maps the entries, sending the entities to `tx` in batches (stops early if the apply ended).
fn map_in_batches(
    config: &LdapOrgConfig,
    users: &[(SearchConfig, Vec<LdapEntry>)],
    groups: &[(SearchConfig, Vec<LdapEntry>)],
    origin: &str,
    tx: mpsc::Sender<ReadMessage>,
) -> MappedOrg {
    let mut out = MappedOrg {
        users: HashSet::new(),
        groups: HashSet::new(),
        problems: Vec::new(),
    };
    let mut batch = Vec::with_capacity(BATCH);
    let mut limit = FIRST_BATCH;
    let mut open = true;
    let mut send = |batch: &mut Vec<ReadEntity>| {
        let full = std::mem::replace(batch, Vec::with_capacity(BATCH));
        open = open && tx.blocking_send(ReadMessage::Entities(full)).is_ok();
    };
    map_entries(config, users, groups, origin, &mut |mapped| {
        let entity = match mapped {
            Mapped::Problem(problem) => return out.problems.push(problem),
            Mapped::User(entity) => {
                out.users.insert(entity.entity_ref().canonical());
                entity
            }
            Mapped::Group(entity) => {
                out.groups.insert(entity.entity_ref().canonical());
                entity
            }
        };
        batch.push(ReadEntity {
            entity,
            origin: origin.to_string(),
            file: config.target.clone(),
        });
        if batch.len() == limit {
            send(&mut batch);
            limit = BATCH;
        }
    });
    if !batch.is_empty() {
        send(&mut batch);
    }
    out
}

/// The refs and kinds this provider stored before the sync.
async fn stored_refs(db: &Db, origin: &str) -> Result<Vec<(String, String)>, SyncError> {
    let stored = with_pool!(db, pool => {
        sqlx::query_as("SELECT entity_ref, kind FROM catalog.entities WHERE origin = $1")
            .bind(origin)
            .fetch_all(pool)
            .await
    })
    .map_err(StoreError::from)?;
    Ok(stored)
}

/// Refuses a sync that would remove more than `share` of the stored users or groups.
fn check_removals(
    stored: &[(String, String)],
    share: f64,
    users: &HashSet<String>,
    groups: &HashSet<String>,
) -> Result<(), SyncError> {
    for (what, kind, read) in [("users", "user", users), ("groups", "group", groups)] {
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
