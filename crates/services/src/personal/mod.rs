//! A person's own corner: stars, recent visits, the toolkit and the home layout. The person is
//! always the caller's identity; what they send is checked here ([`check`]) before it is
//! stored: refs must parse and name an entity they can read, links must be `http(s)` URLs or
//! portal paths, visits local paths, layouts registered widgets only. [`layout`] holds the
//! layout's rules and the per-person layout every page carries; [`view_as`] lets an admin
//! see another person's home page, audited.

mod check;
pub mod layout;
pub mod view_as;

use std::collections::HashMap;

use chrono::Utc;
use trellis_personal::{marks, prefs};
use trellis_shared::catalog::query::EntityQuery;
use trellis_shared::views::entity::EntityPageData;
use trellis_shared::views::personal::{NewLink, Personal, Starred, ToolLink, Visit};

use crate::{Identity, ServiceError, ServiceResult, Services};

pub use check::{entity_path, local_path};

/// Most links `home.toolkit` may list.
pub const MAX_TOOLKIT: usize = 50;

/// A link's title and target, checked as a person's own links are (`title: ...`, `url: ...`
/// name what is wrong).
pub fn check_link(title: &str, url: &str) -> ServiceResult<(String, String)> {
    Ok((check::link_title(title)?, check::link_url(url)?))
}

/// Visits the personal card lists.
pub const VISITS_SHOWN: i64 = 8;

impl Services {
    /// The admins' toolkit links (`home.toolkit`), as everyone's toolkit starts.
    pub(crate) fn admin_toolkit(&self) -> Vec<ToolLink> {
        self.config
            .home
            .toolkit
            .iter()
            .map(|l| ToolLink {
                id: None,
                title: l.title.clone(),
                url: l.url.clone(),
            })
            .collect()
    }

    /// Everything the personal card shows for `me` (read once per person per
    /// [`crate::per_person::PER_PERSON_TTL`] on each replica; their own changes show at once).
    pub async fn personal(&self, me: &Identity) -> ServiceResult<Personal> {
        let found = self
            .personal
            .get_or_load(&me.user_ref, self.read_personal(me))
            .await?;
        Ok((*found).clone())
    }

    /// Forgets what the personal card showed `me` (they changed it).
    pub(crate) async fn personal_changed(&self, me: &Identity) {
        self.personal.forget(&me.user_ref).await;
        self.pages.forget(&me.user_ref).await;
    }

    async fn read_personal(&self, me: &Identity) -> ServiceResult<Personal> {
        let person = me.user_ref.as_str();
        let (stars, visits, links, layout) = tokio::join!(
            marks::stars(&self.db, person),
            marks::visits(&self.db, person, VISITS_SHOWN),
            prefs::links(&self.db, person),
            self.layout(me),
        );
        let stars = stars?;
        let refs: Vec<String> = stars.iter().map(|s| s.entity_ref.clone()).collect();
        let found: HashMap<_, _> = if refs.is_empty() {
            HashMap::new()
        } else {
            self.catalog(me)
                .by_refs(&refs, EntityQuery::default())
                .await?
        };
        let stars = stars
            .into_iter()
            .map(|s| {
                let entity = found.get(&s.entity_ref);
                let (kind, name) = check::kind_and_name(&s.entity_ref);
                Starred {
                    title: entity
                        .map(|e| {
                            e.metadata
                                .title
                                .clone()
                                .unwrap_or_else(|| e.metadata.name.clone())
                        })
                        .unwrap_or_else(|| name.to_string()),
                    kind: entity
                        .map(|e| e.kind.clone())
                        .unwrap_or_else(|| kind.to_string()),
                    path: entity_path(&s.entity_ref),
                    present: entity.is_some(),
                    entity_ref: s.entity_ref,
                    starred_at: s.starred_at,
                }
            })
            .collect();
        let visits = visits?
            .into_iter()
            .map(|v| Visit {
                path: v.path,
                title: v.title,
                visited_at: v.visited_at,
            })
            .collect();
        let mut toolkit = self.admin_toolkit();
        toolkit.extend(links?);
        Ok(Personal {
            stars,
            visits,
            toolkit,
            layout: layout?,
        })
    }

    /// Stars `entity_ref` for `me`: it must be an entity they can read.
    pub async fn star(&self, me: &Identity, entity_ref: &str) -> ServiceResult<String> {
        let key = check::entity_ref(entity_ref)?;
        if self.catalog(me).entity(&key).await?.is_none() {
            return Err(ServiceError::NotFound(format!("No entity {key}")));
        }
        let starred = marks::star(&self.db, &me.user_ref, &key, Utc::now()).await?;
        self.personal_changed(me).await;
        if !starred {
            return Err(ServiceError::Conflict(format!(
                "you have starred {} entities, the most Trellis keeps: unstar one first",
                marks::MAX_STARS
            )));
        }
        Ok(key)
    }

    /// Removes `me`'s star of `entity_ref` (whether or not the entity still exists).
    pub async fn unstar(&self, me: &Identity, entity_ref: &str) -> ServiceResult<String> {
        let key = check::entity_ref(entity_ref)?;
        marks::unstar(&self.db, &me.user_ref, &key).await?;
        self.personal_changed(me).await;
        Ok(key)
    }

    /// Adds a link to `me`'s toolkit.
    pub async fn add_link(&self, me: &Identity, link: NewLink) -> ServiceResult<ToolLink> {
        let title = check::link_title(&link.title)?;
        let url = check::link_url(&link.url)?;
        let added = prefs::add_link(&self.db, &me.user_ref, &title, &url, Utc::now()).await?;
        self.personal_changed(me).await;
        let id = added.ok_or_else(|| {
            ServiceError::Conflict(format!(
                "your toolkit has {} links, the most Trellis keeps: remove one first",
                prefs::MAX_LINKS
            ))
        })?;
        Ok(ToolLink {
            id: Some(id),
            title,
            url,
        })
    }

    /// Removes `me`'s link `id`.
    pub async fn remove_link(&self, me: &Identity, id: i64) -> ServiceResult<()> {
        let removed = prefs::remove_link(&self.db, &me.user_ref, id).await?;
        self.personal_changed(me).await;
        match removed {
            true => Ok(()),
            false => Err(ServiceError::NotFound(format!(
                "your toolkit has no link {id}"
            ))),
        }
    }

    /// The entity page for `me`, with whether they starred it; the visit is recorded (in the
    /// background: the page never waits for it).
    pub async fn entity_page_for(
        &self,
        me: &Identity,
        entity_ref: &str,
        depth: u32,
    ) -> ServiceResult<Option<(EntityPageData, bool)>> {
        let Some(page) = self.catalog(me).entity_page(entity_ref, depth).await? else {
            return Ok(None);
        };
        let key = entity_ref.to_lowercase();
        let starred = marks::is_starred(&self.db, &me.user_ref, &key).await?;
        let title = page
            .entity
            .metadata
            .title
            .clone()
            .unwrap_or_else(|| page.entity.metadata.name.clone());
        let title = format!("{title} ({})", page.entity.kind);
        self.record_visit(me, &entity_path(&key), &title);
        Ok(Some((page, starred)))
    }

    /// Records, in the background, that `me` visited `path` titled `title` (a local path;
    /// anything else is ignored).
    pub fn record_visit(&self, me: &Identity, path: &str, title: &str) {
        let (Some(path), title) = (local_path(path), check::visit_title(title)) else {
            return;
        };
        let (db, cards, pages) = (self.db.clone(), self.personal.clone(), self.pages.clone());
        let person = me.user_ref.clone();
        tokio::spawn(async move {
            if let Err(e) = marks::visit(&db, &person, &path, &title, Utc::now()).await {
                tracing::warn!(error = %e, "recording a visit");
            }
            cards.forget(&person).await;
            pages.forget(&person).await;
        });
    }
}
