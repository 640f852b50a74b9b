//! Demo mode's PagerDuty: a user for every demo person (found by e-mail), a weekly rotation per
//! team (one member on call now at level 1, the next one from the end of this shift, the team's
//! first member always at level 2), and a few open incidents on the services the demo catalog
//! maps to PagerDuty (`pagerduty.com/service-id`), the same on every start.

use std::sync::Arc;

use chrono::{Duration, DurationRound, Utc};

use crate::demo::{DemoOrg, DEMO_TOKEN};
use crate::pagerduty::{FakeIncident, FakePagerDuty, FakeShift, FakeUser};

const TITLES: &[&str] = &[
    "Error rate above 2% on the read path",
    "p99 latency over SLO for 10 minutes",
    "Consumer lag growing on the ingest topic",
    "Disk 90% full on the primary",
    "Health check failing in one zone",
];

/// The demo's PagerDuty user id for user `i`.
pub fn user_id(i: usize) -> String {
    format!("PU{i:05}")
}

/// The fake, with the demo org's users, rotations and incidents.
pub fn fake(org: &DemoOrg) -> Arc<FakePagerDuty> {
    let fake = FakePagerDuty::new(DEMO_TOKEN);
    let names: Vec<&String> = org.emails.keys().collect();
    let users = org
        .emails
        .iter()
        .enumerate()
        .map(|(i, (name, email))| FakeUser {
            id: user_id(i),
            name: name.replace('.', " "),
            email: email.clone(),
        })
        .collect();
    let id_of = |name: &str| names.iter().position(|n| *n == name).map(user_id);
    let week = Utc::now()
        .duration_trunc(Duration::days(1))
        .unwrap_or_else(|_| Utc::now());
    let mut shifts = Vec::new();
    for (t, (team, members)) in org.teams.iter().enumerate() {
        // The demo's default viewer takes the current week of their teams, so their card has
        // a shift to show.
        let mut members = members.clone();
        members.sort_by_key(|m| m != "demo.user");
        let ids: Vec<String> = members.iter().filter_map(|m| id_of(m)).collect();
        let Some(first) = ids.first() else { continue };
        let policy = (format!("PEP{t:04}"), format!("{team} escalation"));
        let schedule = Some(format!("{team} weekly"));
        for (k, who) in ids.iter().take(3).enumerate() {
            let start = week + Duration::days(7 * k as i64);
            shifts.push(FakeShift {
                user: who.clone(),
                policy: policy.clone(),
                level: 1,
                schedule: schedule.clone(),
                window: Some((start, start + Duration::days(7))),
            });
        }
        shifts.push(FakeShift {
            user: first.clone(),
            policy,
            level: 2,
            schedule: None,
            window: None,
        });
    }
    let mut incidents = Vec::new();
    for (n, (service, (component, team))) in
        org.services.iter().enumerate().filter(|(n, _)| n % 3 == 0)
    {
        let responder = org
            .teams
            .get(team)
            .and_then(|m| m.first())
            .and_then(|m| id_of(m));
        incidents.push(FakeIncident {
            number: 4000 + n as u64,
            title: format!("{}: {}", component, TITLES[n % TITLES.len()]),
            status: if n % 2 == 0 {
                "triggered"
            } else {
                "acknowledged"
            }
            .into(),
            urgency: if n % 4 == 0 { "high" } else { "low" }.into(),
            service: (service.clone(), component.clone()),
            created_at: Utc::now() - Duration::minutes(7 + 13 * n as i64),
            assignees: responder.into_iter().collect(),
        });
    }
    fake.add(users, shifts, incidents);
    fake
}
