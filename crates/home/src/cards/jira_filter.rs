//! The Jira card's filter: by status and by priority, read from the page's `?jira-issues=`
//! value, itself form-encoded (`status=In+Progress&priority=High`), and applied to the issues
//! already cached for the person (filtering never calls Jira). Its links carry the other
//! dimension along, so both filters combine; names match without regard to case.

use trellis_shared::views::home::JiraIssue;

/// The card's id, which is also its query parameter.
pub const ID: &str = "jira-issues";
/// Longest status or priority name read (Jira's own limit for a status name is 255).
const MAX_NAME: usize = 255;
/// Jira's default priority scheme, in its own order; other names follow alphabetically.
const PRIORITY_ORDER: [&str; 5] = ["highest", "high", "medium", "low", "lowest"];

/// What the card shows: everything, or issues of one status and/or one priority.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Status name.
    pub status: Option<String>,
    /// Priority name.
    pub priority: Option<String>,
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
                other => {
                    let other: String =
                        other.chars().filter(|c| !c.is_control()).take(40).collect();
                    return Err(format!(
                        "The Jira card cannot filter by '{other}': it filters by status and priority."
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
        same(&self.status, Some(&issue.status)) && same(&self.priority, issue.priority.as_deref())
    }

    /// Whether `other` names the same choices, without regard to case.
    fn same_names(&self, other: &Filter) -> bool {
        let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => false,
        };
        same(&self.status, &other.status) && same(&self.priority, &other.priority)
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
mod tests {
    use super::*;

    fn issue(key: &str, status: &str, category: &str, priority: Option<&str>) -> JiraIssue {
        JiraIssue {
            key: key.into(),
            url: format!("https://acme.atlassian.net/browse/{key}"),
            summary: key.into(),
            status: status.into(),
            status_category: category.into(),
            priority: priority.map(Into::into),
            due: None,
            due_in_days: None,
            issue_type: "Task".into(),
            project: "ADS".into(),
        }
    }

    fn issues() -> Vec<JiraIssue> {
        vec![
            issue("ADS-1", "In Progress", "indeterminate", Some("High")),
            issue("ADS-2", "To Do", "new", Some("Low")),
            issue("ADS-3", "To Do", "new", Some("High")),
            issue("ADS-4", "Review", "indeterminate", None),
            issue("ADS-5", "To Do", "new", Some("Blocker")),
        ]
    }

    #[test]
    fn a_filter_reads_back_from_its_own_link() {
        let f = Filter {
            status: Some("In Progress & Review".into()),
            priority: Some("High".into()),
        };
        let href = f.href();
        let value = href
            .strip_prefix("/?jira-issues=")
            .expect("the card's parameter");
        let value: String = form_urlencoded::parse(format!("v={value}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        assert_eq!(Filter::parse(&value), Ok(f));
        assert_eq!(Filter::default().href(), "/");
        assert_eq!(Filter::parse("status=&priority=+"), Ok(Filter::default()));
    }

    #[test]
    fn unknown_keys_are_refused_by_name_and_names_are_bounded() {
        let err = Filter::parse("assignee=bob").unwrap_err();
        assert!(
            err.contains("'assignee'") && err.contains("status and priority"),
            "{err}"
        );
        let long = format!("status={}", "x".repeat(5000));
        assert_eq!(
            Filter::parse(&long).map(|f| f.status.map(|s| s.len())),
            Ok(Some(255))
        );
    }

    #[test]
    fn filters_combine_and_match_without_case() {
        let all = issues();
        let f = Filter::parse("status=to+do&priority=HIGH").expect("filter");
        let kept: Vec<&str> = all
            .iter()
            .filter(|i| f.keeps(i))
            .map(|i| i.key.as_str())
            .collect();
        assert_eq!(kept, ["ADS-3"]);
        let no_priority = Filter::parse("priority=High").expect("filter");
        assert!(
            !no_priority.keeps(&all[3]),
            "an issue without priority has none of them"
        );
    }

    #[test]
    fn rows_are_ordered_counted_within_the_other_choice_and_keep_it() {
        let all = issues();
        let f = Filter::parse("priority=high").expect("filter");
        let s = statuses(&all, &f);
        let names: Vec<_> = s
            .iter()
            .map(|c| (c.name.as_deref(), c.count, c.current))
            .collect();
        assert_eq!(
            names,
            [
                (None, 2, true),
                (Some("To Do"), 1, false),
                (Some("In Progress"), 1, false),
                (Some("Review"), 0, false)
            ]
        );
        assert_eq!(
            s[1].href,
            "/?jira-issues=status%3DTo%2BDo%26priority%3Dhigh"
        );
        let p = priorities(&all, &Filter::default());
        let names: Vec<_> = p.iter().map(|c| (c.name.as_deref(), c.count)).collect();
        assert_eq!(
            names,
            [
                (None, 5),
                (Some("High"), 2),
                (Some("Low"), 1),
                (Some("Blocker"), 1)
            ]
        );
        let current: Vec<bool> = priorities(&all, &f).iter().map(|c| c.current).collect();
        assert_eq!(
            current,
            [false, true, false, false],
            "the choice is current whatever its case"
        );
    }
}
