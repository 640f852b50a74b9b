//! The policy engine: typed rules over resources and actions, evaluated in process.
//!
//! A rule says who (`anyone` signed in, the resource's `owner` — the user or a group it belongs
//! to, through nested groups —, an `admin`, or `members` of named users or groups) may or may not
//! do which actions on which resource types. Deny rules win over allow rules; with no matching
//! allow, the answer is no. The configured rules come first, then the defaults:
//!
//! 1. admins may do everything;
//! 2. owners may do everything to what they own;
//! 3. anyone signed in may read the catalog, workloads and integration data.
//!
//! List endpoints do not check entity by entity after fetching a page: [`Policy::read_scope`]
//! turns the rules into a condition (all, owned by these refs, or nothing) that the query
//! carries, so pages and counts stay right.

use serde::{Deserialize, Serialize};
use trellis_shared::auth::Identity;

/// What is being done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Every action (in rules only).
    #[serde(rename = "*")]
    All,
    /// Look at it.
    Read,
    /// Make a new one (register a location).
    Create,
    /// Change it.
    Update,
    /// Remove it.
    Delete,
    /// Re-read it from its source.
    Refresh,
    /// Run a provider's sync.
    Sync,
    /// Restart a workload.
    Restart,
    /// Scale a workload.
    Scale,
    /// Open a shell in a workload.
    Exec,
}

/// What it is done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceType {
    /// Every resource type (in rules only).
    #[serde(rename = "*")]
    All,
    /// A catalog entity.
    CatalogEntity,
    /// A registered catalog location.
    CatalogLocation,
    /// A compute workload.
    Workload,
    /// Data from an integration (GitHub, Jira, PagerDuty, ...).
    Integration,
    /// Admin functions: provider syncs, background jobs.
    Admin,
    /// The audit log.
    Audit,
}

/// A resource being acted on.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    /// Its type.
    pub kind: ResourceType,
    /// Canonical refs of its owners (empty for resources nobody owns).
    pub owners: &'a [String],
}

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

impl Action {
    /// The name rules and the audit log use (`delete`, `*`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::All => "*",
            Action::Read => "read",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Refresh => "refresh",
            Action::Sync => "sync",
            Action::Restart => "restart",
            Action::Scale => "scale",
            Action::Exec => "exec",
        }
    }
}

impl ResourceType {
    /// The name rules and the audit log use (`catalog-entity`, `*`).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::All => "*",
            ResourceType::CatalogEntity => "catalog-entity",
            ResourceType::CatalogLocation => "catalog-location",
            ResourceType::Workload => "workload",
            ResourceType::Integration => "integration",
            ResourceType::Admin => "admin",
            ResourceType::Audit => "audit",
        }
    }

    /// Whether resources of this type have owners (the `owner` rules can apply).
    pub fn ownable(self) -> bool {
        matches!(
            self,
            ResourceType::CatalogEntity | ResourceType::Workload | ResourceType::Integration
        )
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
    fn covers(&self, action: Action, kind: ResourceType) -> bool {
        self.actions
            .iter()
            .any(|a| *a == Action::All || *a == action)
            && self
                .resources
                .iter()
                .any(|r| *r == ResourceType::All || *r == kind)
    }

    /// Whether the rule's `who` includes the principal regardless of the resource.
    fn names(&self, principal: &Identity) -> bool {
        match &self.who {
            Who::Anyone => true,
            Who::Owner => false,
            Who::Admin => principal.admin,
            Who::Members(refs) => principal.owns_any(refs),
        }
    }

    fn applies(&self, principal: &Identity, resource: &Resource<'_>) -> bool {
        self.names(principal) || (self.who == Who::Owner && principal.owns_any(resource.owners))
    }
}

/// The answer to one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go ahead.
    Allow,
    /// Refused.
    Deny,
}

/// What a principal may read of one resource type, as a query condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    /// Everything.
    All,
    /// What these refs own (the principal's ownership refs).
    Owned(Vec<String>),
    /// Nothing.
    Nothing,
}

/// The rules in force.
#[derive(Debug, Clone)]
pub struct Policy {
    deny: Vec<Rule>,
    allow: Vec<Rule>,
}

impl Policy {
    /// `configured` rules, then the defaults.
    pub fn new(configured: Vec<Rule>) -> Policy {
        let (deny, mut allow): (Vec<Rule>, Vec<Rule>) = configured
            .into_iter()
            .map(normalize)
            .partition(|r| r.effect == Effect::Deny);
        allow.extend(defaults());
        Policy { deny, allow }
    }

    /// Problems with `rules` (as `key: message`), for start-up validation.
    pub fn problems(rules: &[Rule], key: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            if rule.actions.is_empty() {
                out.push(format!(
                    "{key}[{i}].actions: name at least one action (or `*`)"
                ));
            }
            if rule.resources.is_empty() {
                out.push(format!(
                    "{key}[{i}].resources: name at least one resource type (or `*`)"
                ));
            }
            if let Who::Members(refs) = &rule.who {
                for r in refs {
                    if trellis_shared::catalog::EntityRef::parse(r, None, Some("default")).is_err()
                    {
                        out.push(format!("{key}[{i}].who.members: `{r}` is not an entity reference (kind:namespace/name)"));
                    }
                }
            }
            let reads = rule
                .actions
                .iter()
                .any(|a| matches!(a, Action::All | Action::Read));
            if rule.effect == Effect::Deny && rule.who == Who::Owner && reads {
                out.push(format!("{key}[{i}]: a deny rule for `owner` cannot cover `read` (lists could not be filtered by it)"));
            }
        }
        out
    }

    /// May `principal` do `action` to `resource`?
    pub fn check(&self, principal: &Identity, action: Action, resource: &Resource<'_>) -> Decision {
        let matches =
            |rule: &&Rule| rule.covers(action, resource.kind) && rule.applies(principal, resource);
        if self.deny.iter().any(|r| matches(&r)) {
            return Decision::Deny;
        }
        if self.allow.iter().any(|r| matches(&r)) {
            Decision::Allow
        } else {
            Decision::Deny
        }
    }

    /// What `principal` may read of `kind`, as a condition for list queries.
    pub fn read_scope(&self, principal: &Identity, kind: ResourceType) -> ReadScope {
        let covering = |r: &&Rule| r.covers(Action::Read, kind);
        if self
            .deny
            .iter()
            .filter(covering)
            .any(|r| r.names(principal))
        {
            return ReadScope::Nothing;
        }
        let allow: Vec<&Rule> = self.allow.iter().filter(covering).collect();
        if allow.iter().any(|r| r.names(principal)) {
            ReadScope::All
        } else if kind.ownable() && allow.iter().any(|r| r.who == Who::Owner) {
            ReadScope::Owned(principal.ownership_refs.clone())
        } else {
            ReadScope::Nothing
        }
    }
}

/// Member refs compare canonically (lower case, namespace filled in).
fn normalize(mut rule: Rule) -> Rule {
    if let Who::Members(refs) = &mut rule.who {
        for r in refs.iter_mut() {
            if let Ok(parsed) = trellis_shared::catalog::EntityRef::parse(r, None, Some("default"))
            {
                *r = parsed.canonical();
            }
        }
    }
    rule
}

fn defaults() -> Vec<Rule> {
    let rule = |actions: Vec<Action>, resources: Vec<ResourceType>, who: Who| Rule {
        effect: Effect::Allow,
        actions,
        resources,
        who,
    };
    vec![
        rule(vec![Action::All], vec![ResourceType::All], Who::Admin),
        rule(vec![Action::All], vec![ResourceType::All], Who::Owner),
        rule(
            vec![Action::Read],
            vec![
                ResourceType::CatalogEntity,
                ResourceType::CatalogLocation,
                ResourceType::Workload,
                ResourceType::Integration,
            ],
            Who::Anyone,
        ),
    ]
}
