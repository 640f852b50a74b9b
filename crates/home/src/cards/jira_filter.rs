//! The Jira card's filter: by status, by priority and by due date (overdue, or due within
//! [`DUE_SOON_DAYS`]), read from the page's `?jira-issues=` value, itself form-encoded
//! (`status=In+Progress&priority=High&due=soon`), and applied to the issues already cached for
//! the person (filtering never calls Jira). Its links carry the other dimensions along, so the
//! filters combine; names match without regard to case.

use trellis_shared::views::home::JiraIssue;

/// The card's id, which is also its query parameter.
pub const ID: &str = "jira-issues";
/// Longest status or priority name read (Jira's own limit for a status name is 255).
const MAX_NAME: usize = 255;
/// Jira's default priority scheme, in its own order; other names follow alphabetically.
const PRIORITY_ORDER: [&str; 5] = ["highest", "high", "medium", "low", "lowest"];

/// Days ahead (today counting as 0) an issue counts as due soon, as the "needs attention" list
/// ranks it.
pub const DUE_SOON_DAYS: i64 = 2;

/// What the card shows: everything, or issues of one status, one priority and/or one due-date
/// choice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Status name.
    pub status: Option<String>,
    /// Priority name.
    pub priority: Option<String>,
    /// Overdue or due soon.
    pub due: Option<Due>,
}

/// The due-date choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Past its due date.
    Overdue,
    /// Due today or within [`DUE_SOON_DAYS`].
    Soon,
}

impl Due {
    /// Both, in the row's order.
    pub const ALL: [Due; 2] = [Due::Overdue, Due::Soon];

    fn parse(value: &str) -> Option<Self> {
        match value.to_ascii_lowercase().as_str() {
            "overdue" => Some(Due::Overdue),
            "soon" => Some(Due::Soon),
            _ => None,
        }
    }

    /// Its value in the filter (`overdue`, `soon`).
    pub fn as_str(self) -> &'static str {
        match self {
            Due::Overdue => "overdue",
            Due::Soon => "soon",
        }
    }

    /// What the row shows.
    pub fn label(self) -> &'static str {
        match self {
            Due::Overdue => "Overdue",
            Due::Soon => "Due soon",
        }
    }

    /// Whether an issue due in `days` (negative: overdue; none: no due date) has it.
    pub fn keeps(self, days: Option<i64>) -> bool {
        match (self, days) {
            (_, None) => false,
            (Due::Overdue, Some(d)) => d < 0,
            (Due::Soon, Some(d)) => (0..=DUE_SOON_DAYS).contains(&d),
        }
    }
}

impl Filter {
    /// Reads the page's value; an unknown key is refused with what the card filters by.
    pub fn parse(input: &str) -> Result<Self, String> {
        let mut out = Filter::default();
        for (key, value) in form_urlencoded::parse(input.trim().as_bytes()) {
            let value: String = value.trim().chars().take(MAX_NAME).collect();
            let value = (!value.is_empty()).then_some(value);
            match &*key {
                "status" => out.status = value,
                "priority" => out.priority = value,
                "due" => {
                    out.due = match value {
                        None => None,
                        Some(v) => Some(Due::parse(&v).ok_or_else(|| {
                            let v: String =
                                v.chars().filter(|c| !c.is_control()).take(40).collect();
                            format!("The Jira card's due filter is 'overdue' or 'soon', not '{v}'.")
                        })?),
                    }
                }
                other => {
                    let other: String =
                        other.chars().filter(|c| !c.is_control()).take(40).collect();
                    return Err(format!(
                        "The Jira card cannot filter by '{other}': it filters by status, priority and due date."
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Whether `issue` is shown.
    pub fn keeps(&self, issue: &JiraIssue) -> bool {
        let same = |want: &Option<String>, have: Option<&str>| match want {
            None => true,
            Some(w) => have.is_some_and(|h| h.eq_ignore_ascii_case(w)),
        };
        same(&self.status, Some(&issue.status))
            && same(&self.priority, issue.priority.as_deref())
            && self.due.is_none_or(|d| d.keeps(issue.due_in_days))
    }

    /// Whether `other` names the same choices, without regard to case.
    fn same_names(&self, other: &Filter) -> bool {
        let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        same(&self.status, &other.status)
            && same(&self.priority, &other.priority)
            && self.due == other.due
    }

    /// The page address showing this filter (`/` when it shows everything).
    pub fn href(&self) -> String {
        let mut inner = form_urlencoded::Serializer::new(String::new());
        if let Some(s) = &self.status {
            inner.append_pair("status", s);
        }
        if let Some(p) = &self.priority {
            inner.append_pair("priority", p);
        }
        if let Some(d) = self.due {
            inner.append_pair("due", d.as_str());
        }
        let inner = inner.finish();
        if inner.is_empty() {
            return "/".into();
        }
        let outer = form_urlencoded::Serializer::new(String::new())
            .append_pair(ID, &inner)
            .finish();
        format!("/?{outer}")
    }
}

/// One choice of a filter row: its label, how many issues have it, and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The status or priority name; `None` for "All".
    pub name: Option<String>,
    /// Issues having it (all of them for "All").
    pub count: usize,
    /// Whether it is the current choice.
    pub current: bool,
    /// The page showing it, with the other dimension kept.
    pub href: String,
}

/// The status row: "All", then each status present, in the order of their category (to do,
/// in progress) then by name.
pub fn statuses(issues: &[JiraIssue], f: &Filter) -> Vec<Choice> {
    let mut names: Vec<(u8, String)> = Vec::new();
    for i in issues {
        let rank = match i.status_category.as_str() {
            "new" => 0,
            "indeterminate" => 1,
            _ => 2,
        };
        if !names.iter().any(|(_, n)| n.eq_ignore_ascii_case(&i.status)) {
            names.push((rank, i.status.clone()));
        }
    }
    names.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    row(
        issues,
        f,
        names.into_iter().map(|(_, n)| n),
        |f, n| Filter {
            status: n,
            ..f.clone()
        },
        |i| Some(&i.status),
    )
}

/// The priority row: "All", then each priority present, Jira's default order first.
pub fn priorities(issues: &[JiraIssue], f: &Filter) -> Vec<Choice> {
    let mut names: Vec<String> = Vec::new();
    for p in issues.iter().filter_map(|i| i.priority.as_ref()) {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(p)) {
            names.push(p.clone());
        }
    }
    let rank = |n: &String| {
        PRIORITY_ORDER
            .iter()
            .position(|p| n.eq_ignore_ascii_case(p))
            .unwrap_or(PRIORITY_ORDER.len())
    };
    names.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    row(
        issues,
        f,
        names.into_iter(),
        |f, n| Filter {
            priority: n,
            ..f.clone()
        },
        |i| i.priority.as_ref(),
    )
}

/// The due-date row: "All", "Overdue", "Due soon", counted within the other choices.
pub fn dues(issues: &[JiraIssue], f: &Filter) -> Vec<Choice> {
    let base = Filter {
        due: None,
        ..f.clone()
    };
    let within: Vec<&JiraIssue> = issues.iter().filter(|i| base.keeps(i)).collect();
    let mut out = vec![Choice {
        name: None,
        count: within.len(),
        current: f.due.is_none(),
        href: base.href(),
    }];
    for due in Due::ALL {
        let chosen = Filter {
            due: Some(due),
            ..f.clone()
        };
        out.push(Choice {
            name: Some(due.label().to_string()),
            count: within.iter().filter(|i| due.keeps(i.due_in_days)).count(),
            current: f.due == Some(due),
            href: chosen.href(),
        });
    }
    out
}

/// A row of choices over `names`, counted within the other dimension's current choice.
fn row(
    issues: &[JiraIssue],
    f: &Filter,
    names: impl Iterator<Item = String>,
    set: impl Fn(&Filter, Option<String>) -> Filter,
    of: impl Fn(&JiraIssue) -> Option<&String>,
) -> Vec<Choice> {
    let base = set(f, None);
    let within: Vec<&JiraIssue> = issues.iter().filter(|i| base.keeps(i)).collect();
    let mut out = vec![Choice {
        name: None,
        count: within.len(),
        current: base == *f,
        href: base.href(),
    }];
    for name in names {
        let chosen = set(f, Some(name.clone()));
        out.push(Choice {
            count: within
                .iter()
                .filter(|i| of(i).is_some_and(|v| v.eq_ignore_ascii_case(&name)))
                .count(),
            current: chosen.same_names(f),
            href: chosen.href(),
            name: Some(name),
        });
    }
    out
}

#[cfg(test)]
mod tests;
