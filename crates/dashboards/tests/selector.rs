//! The selectors of Backstage's Grafana plugin: what they match, the tags searched for them,
//! and errors that say where an expression went wrong.

use trellis_dashboards::selector::*;
use trellis_shared::views::dashboards::DashboardRef;

fn dash(title: &str, tags: &[&str]) -> DashboardRef {
    DashboardRef {
        uid: "u".into(),
        title: title.into(),
        url: "https://g/d/u".into(),
        folder: Some("Feed".into()),
        tags: tags.iter().map(|t| t.to_string()).collect(),
    }
}

#[test]
fn reads_the_grafana_plugins_expressions() {
    let s = parse("(tags @> 'my-service' || tags @> 'my-service-slo') && tags @> 'generated'")
        .expect("parses");
    assert!(s.matches(&dash("a", &["my-service-slo", "generated"])));
    assert!(!s.matches(&dash("a", &["my-service"])));
    assert_eq!(s.tags(), Some(vec!["generated".to_string()]));
    let t = parse("tags @> 'feed' && title != 'Old' && folderTitle == 'Feed'").expect("parses");
    assert!(t.matches(&dash("New", &["feed"])) && !t.matches(&dash("Old", &["feed"])));
    assert_eq!(
        Selector::from_annotations(None, Some("feed")),
        Some(Ok(Selector::Tag("feed".into())))
    );
}

#[test]
fn says_what_is_wrong() {
    for (bad, says) in [
        ("tags @> 'x' &&", "ends too early"),
        ("tags @> 'x", "not closed"),
        ("(tags @> 'x'", "'(' is not closed"),
        ("owner == 'x'", "not supported"),
        ("tags == 'x'", "not supported"),
        ("tags @> x", "quoted"),
        ("tags @> 'x' ; drop", "unexpected ';'"),
        ("tags @> 'x' tags @> 'y'", "unexpected 'tags'"),
    ] {
        let e = parse(bad).expect_err(bad);
        assert!(e.contains(says), "{bad}: {e}");
    }
    let long = vec!["tags @> 'x'"; 21].join(" || ");
    assert!(parse(&long).expect_err("long").contains("20 terms"));
    assert!(parse(&"a".repeat(501)).expect_err("size").contains("500"));
    // Found only by title: Trellis cannot search for it.
    assert_eq!(
        parse("title == 'x' || tags @> 'y'").map(|s| s.tags()),
        Ok(None)
    );
}
