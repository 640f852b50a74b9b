//! The built-in widgets' card bodies, rendered on the server only.

pub mod attention;
pub mod chart;
pub mod commits;
pub mod dashboards;
pub mod jira;
pub mod jira_filter;
pub mod pagerduty;
pub mod personal;
pub mod pulls;
