//! One entity's page: the entity, its raw YAML, processing errors, dependency graph, team view
//! (for groups) and impact analysis.

use crate::catalog::graph::{Impact, Neighborhood};
use crate::catalog::Entity;
use serde::{Deserialize, Serialize};

use super::catalog::EntityRow;

/// A processing problem of the entity or its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueRow {
    /// `error` or `warning`.
    pub level: String,
    /// File it was found in.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

/// What a Group's page adds: its people, sub-teams and everything it owns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamView {
    /// Member user refs.
    pub members: Vec<String>,
    /// Child group refs.
    pub children: Vec<String>,
    /// Parent group ref.
    pub parent: Option<String>,
    /// Entities the group owns directly.
    pub owned: Vec<EntityRow>,
    /// Entities its sub-teams (at any depth) own.
    pub owned_by_subteams: Vec<EntityRow>,
}

/// Everything the entity page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityPageData {
    /// The entity with relations.
    pub entity: Entity,
    /// The entity as YAML.
    pub yaml: String,
    /// Problems found reading it.
    pub issues: Vec<IssueRow>,
    /// Dependencies and dependents around it.
    pub graph: Neighborhood,
    /// Group pages only.
    pub team: Option<TeamView>,
    /// What depends on it, with owners to notify.
    pub impact: Impact,
    /// The page's actions (the star button's form), HTML rendered by the server: no form
    /// code in the WASM client.
    #[serde(default)]
    pub actions: String,
}
