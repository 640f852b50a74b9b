//! Guest mode (`auth.mode: guest`, the embedded demo's default): nobody signs in; a visitor
//! acts as `auth.guestUser` or as the user picked on `/auth/guest`. Here: the picker's list
//! and the check of a pick. In proxy mode both answer 404, as if the page did not exist.

use std::collections::BTreeMap;

use trellis_auth::AuthMode;
use trellis_catalog::store;
use trellis_shared::catalog::query::{Condition, Conjunction, EntityQuery, Filter, FullText};
use trellis_shared::catalog::relations::types;
use trellis_shared::catalog::{Entity, EntityRef};
use trellis_shared::views::guest::{GuestPicker, GuestUser, GUEST_PAGE};

use crate::error::{ServiceError, ServiceResult};
use crate::Services;

/// Longest search accepted.
const SEARCH_MAX: usize = 100;

/// What a search matches (lower-case field paths of the search index).
const SEARCHED: &[&str] = &[
    "metadata.name",
    "metadata.title",
    "spec.profile.displayname",
    "spec.profile.email",
    "spec.memberof",
];

impl Services {
    fn guest_mode(&self) -> ServiceResult<()> {
        if self.config.auth.mode == AuthMode::Guest {
            Ok(())
        } else {
            Err(ServiceError::NotFound(
                "guest sign-in is off (auth.mode is proxy)".into(),
            ))
        }
    }

    /// The users a guest may act as whose name, display name, e-mail or team contains
    /// `search`, by ref.
    pub async fn guest_picker(&self, current: &str, search: &str) -> ServiceResult<GuestPicker> {
        self.guest_mode()?;
        let search = search.trim();
        if search.chars().count() > SEARCH_MAX {
            return Err(ServiceError::Input(format!(
                "q: at most {SEARCH_MAX} characters"
            )));
        }
        let mut kind = BTreeMap::new();
        kind.insert("kind".to_string(), Condition::AnyOf(vec!["user".into()]));
        let query = EntityQuery {
            filter: Filter(vec![Conjunction(kind)]),
            full_text: (!search.is_empty()).then(|| FullText {
                term: search.to_lowercase(),
                fields: SEARCHED.iter().map(|f| f.to_string()).collect(),
            }),
            ..EntityQuery::default()
        };
        let page = store::query_entities(&self.db, &query, GUEST_PAGE, None).await?;
        Ok(GuestPicker {
            current: current.to_string(),
            more: page.next.is_some(),
            users: page.entities.iter().map(guest_user).collect(),
        })
    }

    /// The canonical ref of the user `user` names, if it is a User entity of the catalog.
    pub async fn guest_pick(&self, user: &str) -> ServiceResult<String> {
        self.guest_mode()?;
        let canonical = EntityRef::parse(user, Some("user"), Some("default"))
            .map_err(|e| ServiceError::Input(format!("user: {}", e.0)))?
            .canonical();
        if !canonical.starts_with("user:") {
            return Err(ServiceError::Input(format!(
                "user: {canonical} is not a User entity"
            )));
        }
        match store::get_entity(&self.db, &canonical).await? {
            Some(_) => Ok(canonical),
            None => Err(ServiceError::NotFound(format!(
                "user: no User entity {canonical}"
            ))),
        }
    }
}

fn guest_user(user: &Entity) -> GuestUser {
    let profile = user
        .spec
        .as_ref()
        .and_then(|s| s.get("profile"))
        .and_then(|p| p.as_object());
    let text = |key: &str| {
        profile
            .and_then(|p| p.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    GuestUser {
        entity_ref: user.entity_ref().canonical(),
        display_name: text("displayName")
            .or_else(|| user.metadata.title.clone())
            .unwrap_or_else(|| user.metadata.name.clone()),
        email: text("email"),
        teams: user
            .relations
            .iter()
            .filter(|r| r.relation_type == types::MEMBER_OF)
            .map(|r| r.target_ref.clone())
            .collect(),
    }
}
