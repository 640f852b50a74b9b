//! The Jira card's filter: read back from its own links, bounded, combined, counted.

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
        due: Some(Due::Soon),
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
        err.contains("'assignee'") && err.contains("status, priority and due date"),
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

fn due_in(key: &str, days: Option<i64>) -> JiraIssue {
    JiraIssue {
        due_in_days: days,
        ..issue(key, "To Do", "new", Some("High"))
    }
}

#[test]
fn the_due_filter_keeps_overdue_or_due_soon_and_refuses_other_values() {
    let all = vec![
        due_in("ADS-1", Some(-3)),
        due_in("ADS-2", Some(0)),
        due_in("ADS-3", Some(2)),
        due_in("ADS-4", Some(3)),
        due_in("ADS-5", None),
        JiraIssue {
            due_in_days: Some(1),
            ..issue("ADS-6", "Review", "indeterminate", Some("Low"))
        },
    ];
    let keys = |f: &Filter| -> Vec<String> {
        all.iter()
            .filter(|i| f.keeps(i))
            .map(|i| i.key.clone())
            .collect()
    };
    let overdue = Filter::parse("due=OVERDUE").expect("filter");
    assert_eq!(keys(&overdue), ["ADS-1"]);
    let soon = Filter::parse("due=soon").expect("filter");
    assert_eq!(
        keys(&soon),
        ["ADS-2", "ADS-3", "ADS-6"],
        "today up to two days ahead"
    );
    let combined = Filter::parse("due=soon&priority=high").expect("filter");
    assert_eq!(keys(&combined), ["ADS-2", "ADS-3"]);
    let err = Filter::parse("due=tomorrow").unwrap_err();
    assert!(
        err.contains("'tomorrow'") && err.contains("'overdue' or 'soon'"),
        "{err}"
    );
    assert_eq!(Filter::parse("due="), Ok(Filter::default()));

    let row: Vec<_> = dues(&all, &Filter::parse("priority=high").expect("filter"))
        .into_iter()
        .map(|c| (c.name, c.count, c.current))
        .collect();
    assert_eq!(
        row,
        [
            (None, 5, true),
            (Some("Overdue".to_string()), 1, false),
            (Some("Due soon".to_string()), 2, false)
        ],
        "counted within the priority chosen"
    );
    let chosen = dues(&all, &soon);
    assert!(chosen[2].current);
    assert_eq!(chosen[2].href, "/?jira-issues=due%3Dsoon");
    assert_eq!(chosen[0].href, "/", "All drops only the due choice");
}
