//! The built-in widgets' card bodies, rendered on the server only.

pub mod attention;
pub mod commits;
pub mod jira;
pub mod pagerduty;
pub mod pulls;
