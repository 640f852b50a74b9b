//! The command palette's answer (Ctrl/Cmd-K, and `GET /api/me/palette?q=`): pages, entities,
//! tools and dashboards whose names match what a person typed, best first.

use serde::{Deserialize, Serialize};

/// Longest query the palette reads, in characters.
pub const MAX_QUERY: usize = 100;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum HitKind {
    /// A page of the portal (a section, my profile).
    Page,
    /// A catalog entity the person can read.
    Entity,
    /// A toolkit link (the admins' or the person's own).
    Tool,
    /// A Grafana dashboard (viewed recently, or of what the person owns).
    Dashboard,
}

impl HitKind {
    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            HitKind::Page => "Page",
            HitKind::Entity => "Entity",
            HitKind::Tool => "Tool",
            HitKind::Dashboard => "Dashboard",
        }
    }
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PaletteHit {
    /// What it is.
    pub kind: HitKind,
    /// Its title.
    pub title: String,
    /// One line more: an entity's kind and ref, a link's host, a dashboard's folder.
    pub detail: String,
    /// Where it leads: a path of the portal or an `http(s)` URL.
    pub url: String,
    /// Whether opening it needs a full page load (another site, or a page the server renders
    /// with input, such as a dashboard's drawer).
    pub external: bool,
}
