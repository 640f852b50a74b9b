//! The policy engine: typed rules over resources and actions, evaluated in process.
//!
//! A rule says who (`anyone` signed in, the resource's `owner` — the user or a group it belongs
//! to, through nested groups —, an `admin`, or `members` of named users or groups) may or may not
//! do which actions on which resource types. Deny rules win over allow rules; with no matching
//! allow, the answer is no. The configured rules come first, then the defaults:
//!
//! 1. admins may do everything;
//! 2. owners may do everything to what they own;
//! 3. anyone signed in may read the catalog, workloads and integration data (unless
//!    `permission.everyoneReads` is off: then owners, admins and the configured rules decide,
//!    and lists show each viewer what its teams own).
//!
//! List endpoints do not check entity by entity after fetching a page: [`Policy::read_scope`]
//! turns the rules into a condition (all, owned by these refs, or nothing) that the query
//! carries, so pages and counts stay right.

use serde::{Deserialize, Serialize};
use trellis_shared::auth::Identity;

pub use crate::rule::{Effect, Rule, Who};

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
    /// A person's home page: their widgets' data, owned by the person (reading someone
    /// else's is viewing the portal as them).
    Home,
}

/// A resource being acted on.
#[derive(Debug, Clone, Copy)]
pub struct Resource<'a> {
    /// Its type.
    pub kind: ResourceType,
    /// Canonical refs of its owners (empty for resources nobody owns).
    pub owners: &'a [String],
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
            ResourceType::Home => "home",
        }
    }

    /// Whether resources of this type have owners (the `owner` rules can apply).
    pub fn ownable(self) -> bool {
        matches!(
            self,
            ResourceType::CatalogEntity
                | ResourceType::Workload
                | ResourceType::Integration
                | ResourceType::Home
        )
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
    /// `configured` rules, then the defaults (with or without "anyone signed in may read").
    pub fn new(configured: Vec<Rule>, everyone_reads: bool) -> Policy {
        let (deny, mut allow): (Vec<Rule>, Vec<Rule>) = configured
            .into_iter()
            .map(normalize)
            .partition(|r| r.effect == Effect::Deny);
        allow.extend(defaults(everyone_reads));
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

    /// May `principal` do `action` to a resource of `kind` that nobody owns (admin functions,
    /// the audit log, registered locations)?
    pub fn may(&self, principal: &Identity, action: Action, kind: ResourceType) -> bool {
        let resource = Resource { kind, owners: &[] };
        self.check(principal, action, &resource) == Decision::Allow
    }

    /// What `principal` may read of `kind`, as a condition for list queries.
    pub fn read_scope(&self, principal: &Identity, kind: ResourceType) -> ReadScope {
        self.scope(principal, Action::Read, kind)
    }

    /// Which resources of `kind` `principal` may do `action` to, without looking at one: all of
    /// them, those its ownership refs own, or none. (Batch checks without a resource answer
    /// with this.) A deny rule for owners cannot be expressed as "all but the owned ones", so
    /// where one covers the action the answer is none: never more than [`Policy::check`] would
    /// allow resource by resource.
    pub fn scope(&self, principal: &Identity, action: Action, kind: ResourceType) -> ReadScope {
        let covering = |r: &&Rule| r.covers(action, kind);
        let denied = |r: &Rule| r.names(principal) || r.who == Who::Owner;
        if self.deny.iter().filter(covering).any(denied) {
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

fn defaults(everyone_reads: bool) -> Vec<Rule> {
    let rule = |actions: Vec<Action>, resources: Vec<ResourceType>, who: Who| Rule {
        effect: Effect::Allow,
        actions,
        resources,
        who,
    };
    let mut rules = vec![
        rule(
            vec![Action::All],
            vec![ResourceType::All, ResourceType::Home],
            Who::Admin,
        ),
        rule(
            vec![Action::All],
            vec![ResourceType::All, ResourceType::Home],
            Who::Owner,
        ),
    ];
    if everyone_reads {
        rules.push(rule(
            vec![Action::Read],
            vec![
                ResourceType::CatalogEntity,
                ResourceType::CatalogLocation,
                ResourceType::Workload,
                ResourceType::Integration,
            ],
            Who::Anyone,
        ));
    }
    rules
}
