//! PagerDuty's answers, as far as Trellis reads them (REST API v2: users, on-calls, incidents).

use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct Users {
    #[serde(default)]
    pub(super) users: Vec<User>,
}

#[derive(Deserialize)]
pub(super) struct User {
    pub(super) id: String,
    #[serde(default)]
    pub(super) name: String,
    #[serde(default)]
    pub(super) email: String,
    #[serde(default)]
    pub(super) html_url: String,
}

#[derive(Deserialize)]
pub(super) struct OnCalls {
    #[serde(default)]
    pub(super) oncalls: Vec<OnCallEntry>,
    #[serde(default)]
    pub(super) more: bool,
}

#[derive(Deserialize)]
pub(super) struct OnCallEntry {
    pub(super) escalation_policy: Reference,
    #[serde(default)]
    pub(super) escalation_level: u32,
    pub(super) schedule: Option<Reference>,
    pub(super) start: Option<String>,
    pub(super) end: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct Reference {
    #[serde(default)]
    pub(super) id: String,
    #[serde(default)]
    pub(super) summary: String,
    #[serde(default)]
    pub(super) html_url: String,
}

#[derive(Deserialize)]
pub(super) struct Incidents {
    #[serde(default)]
    pub(super) incidents: Vec<IncidentEntry>,
    #[serde(default)]
    pub(super) more: bool,
}

#[derive(Deserialize)]
pub(super) struct IncidentEntry {
    pub(super) incident_number: u64,
    #[serde(default)]
    pub(super) title: String,
    #[serde(default)]
    pub(super) status: String,
    #[serde(default)]
    pub(super) urgency: String,
    #[serde(default)]
    pub(super) service: Reference,
    #[serde(default)]
    pub(super) html_url: String,
    #[serde(default)]
    pub(super) created_at: String,
    #[serde(default)]
    pub(super) assignments: Vec<Assignment>,
}

#[derive(Deserialize)]
pub(super) struct Assignment {
    pub(super) assignee: Reference,
}
