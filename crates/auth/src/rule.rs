//! Rules as configured (`permission.rules`, `permission.policyFile`): the effect, the actions
//! and resource types they cover, and who they are about.

use serde::{Deserialize, Serialize};
use trellis_shared::auth::Identity;

use crate::policy::{Action, Resource, ResourceType};

/// Whether a rule allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// Allow.
    Allow,
    /// Deny (wins).
    Deny,
}

/// Who a rule is about: `anyone`, `owner`, `admin`, or `{members: [refs]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WhoText", into = "WhoText")]
pub enum Who {
    /// Anyone signed in.
    Anyone,
    /// The resource's owners (and members of owning groups).
    Owner,
    /// `permission.admins`.
    Admin,
    /// These users or groups (canonical refs; group members through nesting count).
    Members(Vec<String>),
}

/// How [`Who`] is written in YAML.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum WhoText {
    Name(String),
    Members { members: Vec<String> },
}

impl TryFrom<WhoText> for Who {
    type Error = String;

    fn try_from(text: WhoText) -> Result<Who, String> {
        match text {
            WhoText::Name(name) => match name.as_str() {
                "anyone" => Ok(Who::Anyone),
                "owner" => Ok(Who::Owner),
                "admin" => Ok(Who::Admin),
                other => Err(format!(
                    "`{other}` is not anyone, owner, admin or {{members: [...]}}"
                )),
            },
            WhoText::Members { members } => Ok(Who::Members(members)),
        }
    }
}

impl From<Who> for WhoText {
    fn from(who: Who) -> WhoText {
        match who {
            Who::Anyone => WhoText::Name("anyone".into()),
            Who::Owner => WhoText::Name("owner".into()),
            Who::Admin => WhoText::Name("admin".into()),
            Who::Members(members) => WhoText::Members { members },
        }
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Allow or deny.
    pub effect: Effect,
    /// Actions it covers (`*` for all).
    pub actions: Vec<Action>,
    /// Resource types it covers (`*` for all).
    pub resources: Vec<ResourceType>,
    /// Who it is about.
    pub who: Who,
}

impl Rule {
    pub(crate) fn covers(&self, action: Action, kind: ResourceType) -> bool {
        self.actions
            .iter()
            .any(|a| *a == Action::All || *a == action)
            && self
                .resources
                .iter()
                .any(|r| *r == kind || *r == ResourceType::All && self.wildcard_covers(kind))
    }

    /// Whether `*` in the rule's resources covers `kind`: everything, except that an allow
    /// rule reaches a person's home (viewing the portal as them) only by naming `home`, so no
    /// rule written before it existed grants it.
    fn wildcard_covers(&self, kind: ResourceType) -> bool {
        kind != ResourceType::Home || self.effect == Effect::Deny
    }

    /// Whether the rule's `who` includes the principal regardless of the resource.
    pub(crate) fn names(&self, principal: &Identity) -> bool {
        match &self.who {
            Who::Anyone => true,
            Who::Owner => false,
            Who::Admin => principal.admin,
            Who::Members(refs) => principal.owns_any(refs),
        }
    }

    pub(crate) fn applies(&self, principal: &Identity, resource: &Resource<'_>) -> bool {
        self.names(principal) || (self.who == Who::Owner && principal.owns_any(resource.owners))
    }
}
