//! A person's own corner of the portal: the entities they starred, the pages they visited
//! recently (recorded by the server), their toolkit of links (the admins' and their own), and
//! their home page layout (which widgets show, in which order).

use serde::{Deserialize, Serialize};

/// Everything the personal card and `GET /api/me/personal` show.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Personal {
    /// Starred entities, the latest first.
    pub stars: Vec<Starred>,
    /// Pages visited recently, the latest first.
    pub visits: Vec<Visit>,
    /// The toolkit: the admins' links (`home.toolkit`), then the person's own.
    pub toolkit: Vec<ToolLink>,
    /// The home page's widgets in the person's order, with whether each shows.
    pub layout: Vec<LayoutEntry>,
}

/// A starred entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Starred {
    /// Its ref (`component:default/home-feed`).
    pub entity_ref: String,
    /// Its title (or name); the ref's name when it is no longer in the catalog.
    pub title: String,
    /// Its kind.
    pub kind: String,
    /// Its page.
    pub path: String,
    /// Whether the catalog still has it (readable by the person).
    pub present: bool,
    /// When it was starred (RFC 3339).
    pub starred_at: String,
}

/// A page visited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    /// The page's path (always local: starts with one `/`).
    pub path: String,
    /// Its title.
    pub title: String,
    /// When (RFC 3339).
    pub visited_at: String,
}

/// A link of the toolkit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ToolLink {
    /// The person's own links have an id (to remove them by); the admins' have none.
    pub id: Option<i64>,
    /// What the link says.
    pub title: String,
    /// Where it goes (`http`, `https`, or a path on the portal).
    pub url: String,
}

/// A widget in a person's layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LayoutEntry {
    /// The widget's id.
    pub id: String,
    /// Its card's title.
    pub title: String,
    /// Whether the home page shows it.
    pub shown: bool,
}

/// A widget's place in a layout, as `PUT /api/me/layout` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LayoutItem {
    /// The widget's id.
    pub id: String,
    /// Whether the home page shows it.
    pub shown: bool,
}

/// A link to add to the toolkit, as `POST /api/me/links` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewLink {
    /// What the link says (1-80 characters).
    pub title: String,
    /// Where it goes: an `http`/`https` URL or a path on the portal.
    pub url: String,
}
